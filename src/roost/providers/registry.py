"""Which adapter serves a connection: the Finch-mode sandbox, or a real provider adapter."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from roost.core.clock import Clock
from roost.providers.catalogue import ProviderCatalogue
from roost.providers.contract import ProviderAdapter
from roost.providers.sandbox.adapter import FinchSandboxAdapter

# Builds a real adapter; the connection id (when there is one) lets it persist rotated tokens.
AdapterFactory = Callable[[str | None], ProviderAdapter]


class AdapterRegistry:
    def __init__(
        self,
        catalogue: ProviderCatalogue,
        clock: Clock,
        real_adapters: Mapping[str, AdapterFactory] | None = None,
    ) -> None:
        self.catalogue = catalogue
        self.clock = clock
        self.real_adapters = dict(real_adapters or {})

    def adapter(
        self, provider_id: str, sandbox: str | None, connection_id: str | None = None
    ) -> ProviderAdapter | None:
        """The adapter for this provider in this mode, or None when Roost cannot reach it.

        ``sandbox="finch"`` simulates any catalogue provider; otherwise (``"provider"`` or a
        live connection) the provider's real adapter, pointed at its emulator or its host.
        """
        definition = self.catalogue.get(provider_id)
        if definition is None:
            return None
        if sandbox == "finch":
            return FinchSandboxAdapter(definition, self.clock)
        factory = self.real_adapters.get(provider_id)
        return factory(connection_id) if factory is not None else None

    def available(self, provider_id: str, sandbox: str | None) -> bool:
        return sandbox == "finch" or provider_id in self.real_adapters
