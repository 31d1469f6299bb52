"""The adapter registry: which adapter serves each provider, and the catalogue generated from it.

Every provider Roost lists is *registered*: a :class:`Registration` pairs the provider's
definition with the factory of its real adapter, or with none when only the Finch-mode sandbox
stands in for it. ``GET /providers`` is :attr:`AdapterRegistry.catalogue`, built from these
registrations and nothing else, so the catalogue cannot list a provider no adapter serves.
A real adapter's registration carries the definition the adapter declares itself
(``roost/providers/<name>/definition.py``); the conformance kit proves the adapter reads
exactly the products and fields that definition advertises.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from roost.core.clock import Clock
from roost.providers.catalogue import ProviderCatalogue, ProviderDefinition
from roost.providers.contract import ProviderAdapter
from roost.providers.sandbox.adapter import FinchSandboxAdapter

__all__ = ["AdapterFactory", "AdapterRegistry", "Registration"]

# Builds a real adapter; the connection id (when there is one) lets it persist rotated tokens.
AdapterFactory = Callable[[str | None], ProviderAdapter]


@dataclass(frozen=True)
class Registration:
    """One catalogue provider and the adapter that serves it."""

    definition: ProviderDefinition
    # None: no real adapter yet, only ``sandbox: "finch"`` connections can reach the provider.
    factory: AdapterFactory | None = None

    @property
    def provider_id(self) -> str:
        return self.definition.id


class AdapterRegistry:
    def __init__(self, clock: Clock, registrations: Iterable[Registration]) -> None:
        self.clock = clock
        self.registrations = tuple(registrations)
        # Raises on a provider registered twice: one id, one definition, one adapter.
        self.catalogue = ProviderCatalogue(registration.definition for registration in self.registrations)
        self._factories = {r.provider_id: r.factory for r in self.registrations if r.factory is not None}

    @property
    def real_provider_ids(self) -> tuple[str, ...]:
        """Providers with a real adapter, in catalogue order."""
        return tuple(self._factories)

    def adapter(
        self, provider_id: str, sandbox: str | None, connection_id: str | None = None
    ) -> ProviderAdapter | None:
        """The adapter for this provider in this mode, or None when Roost cannot reach it.

        ``sandbox="finch"`` simulates any registered provider under that provider's own
        catalogue entry; otherwise (``"provider"`` or a live connection) the provider's real
        adapter, pointed at its emulator or its host.
        """
        definition = self.catalogue.get(provider_id)
        if definition is None:
            return None
        if sandbox == "finch":
            return FinchSandboxAdapter(definition, self.clock)
        factory = self._factories.get(provider_id)
        return factory(connection_id) if factory is not None else None

    def available(self, provider_id: str, sandbox: str | None) -> bool:
        if self.catalogue.get(provider_id) is None:
            return False
        return sandbox == "finch" or provider_id in self._factories
