"""Registering the providers (used by the composition root).

Each real adapter is registered with the definition it declares itself, so ``GET /providers``
advertises exactly what the adapter implements; the providers without a real adapter are
registered with no factory, and the Finch-mode sandbox stands in for them.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from roost.core.clock import Clock
from roost.providers.bamboohr import DEFINITION as BAMBOO_HR_API
from roost.providers.bamboohr import BambooHrAdapter
from roost.providers.contract import ProviderAccount, ProviderAdapter
from roost.providers.definitions import SANDBOX_ONLY_DEFINITIONS
from roost.providers.gusto import DEFINITION as GUSTO
from roost.providers.gusto import GustoAdapter, GustoApplication, GustoTokenKeeper
from roost.providers.http import ProviderHttpClients
from roost.providers.paychex_flex import DEFINITION as PAYCHEX_FLEX
from roost.providers.paychex_flex import PaychexFlexAdapter
from roost.providers.registry import Registration
from roost.settings import Settings

__all__ = ["EMULATOR_GUSTO_CLIENT", "RealAdapters", "provider_registrations"]

# The Gusto emulator's registered OAuth client, used when no real one is configured.
EMULATOR_GUSTO_CLIENT = ("roost-gusto-emulator", "roost-gusto-emulator-secret")

AccountSaver = Callable[[str, ProviderAccount], Awaitable[None]]


class RealAdapters:
    """Factories for the real adapters, sharing HTTP clients created inside the event loop."""

    def __init__(self, settings: Settings, clock: Clock, save_account: AccountSaver) -> None:
        self.settings = settings
        self.clock = clock
        self.save_account = save_account
        self._clients: ProviderHttpClients | None = None
        self._keeper = GustoTokenKeeper()

    @property
    def clients(self) -> ProviderHttpClients:
        # httpx clients bind to the loop that first uses them, so they are made lazily.
        if self._clients is None:
            self._clients = ProviderHttpClients()
        return self._clients

    def gusto(self, connection_id: str | None) -> ProviderAdapter:
        client_id = self.settings.gusto_client_id or EMULATOR_GUSTO_CLIENT[0]
        secret = self.settings.gusto_client_secret
        client_secret = secret.get_secret_value() if secret else EMULATOR_GUSTO_CLIENT[1]

        async def persist(account: ProviderAccount) -> None:
            # Gusto rotates the refresh token on every refresh: the new pair must be kept.
            if connection_id is not None:
                await self.save_account(connection_id, account)

        return GustoAdapter(
            application=GustoApplication(client_id, client_secret),
            http=self.clients.for_provider("gusto"),
            clock=self.clock,
            base_url=self.settings.provider_base_url("gusto"),
            keeper=self._keeper,
            on_refreshed=persist,
        )

    def bamboohr(self, _connection_id: str | None) -> ProviderAdapter:
        return BambooHrAdapter(
            http=self.clients.for_provider("bamboo_hr_api"),
            base_url=self.settings.provider_base_url("bamboo_hr_api"),
        )

    def paychex_flex(self, _connection_id: str | None) -> ProviderAdapter:
        return PaychexFlexAdapter(
            http=self.clients.for_provider("paychex_flex"),
            base_url=self.settings.provider_base_url("paychex_flex"),
        )

    def registrations(self) -> tuple[Registration, ...]:
        """Each real adapter with the definition its package declares (and the adapter returns)."""
        return (
            Registration(GUSTO, self.gusto),
            Registration(BAMBOO_HR_API, self.bamboohr),
            Registration(PAYCHEX_FLEX, self.paychex_flex),
        )

    async def aclose(self) -> None:
        if self._clients is not None:
            await self._clients.aclose()
            self._clients = None


def provider_registrations(real: RealAdapters) -> tuple[Registration, ...]:
    """Every provider Roost lists: the real adapters first, then those the sandbox stands in for."""
    return (*real.registrations(), *(Registration(definition) for definition in SANDBOX_ONLY_DEFINITIONS))
