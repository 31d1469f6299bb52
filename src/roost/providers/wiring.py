"""Building the real-provider adapters from settings (used by the composition root)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from roost.core.clock import Clock
from roost.providers.bamboohr.adapter import BambooHrAdapter
from roost.providers.catalogue import ProviderCatalogue, ProviderDefinition
from roost.providers.contract import ProviderAccount, ProviderAdapter
from roost.providers.gusto import GustoAdapter, GustoApplication, GustoTokenKeeper
from roost.providers.http import ProviderHttpClients
from roost.providers.paychex_flex.adapter import PaychexFlexAdapter
from roost.settings import Settings

# The Gusto emulator's registered OAuth client, used when no real one is configured.
EMULATOR_GUSTO_CLIENT = ("roost-gusto-emulator", "roost-gusto-emulator-secret")

AccountSaver = Callable[[str, ProviderAccount], Awaitable[None]]
AdapterFactory = Callable[[str | None], ProviderAdapter]


class RealAdapters:
    """Factories for the real adapters, sharing HTTP clients created inside the event loop."""

    def __init__(
        self, settings: Settings, catalogue: ProviderCatalogue, clock: Clock, save_account: AccountSaver
    ) -> None:
        self.settings = settings
        self.catalogue = catalogue
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

    def _definition(self, provider_id: str) -> ProviderDefinition:
        definition = self.catalogue.get(provider_id)
        if definition is None:
            raise LookupError(provider_id)
        return definition

    def gusto(self, connection_id: str | None) -> ProviderAdapter:
        client_id = self.settings.gusto_client_id or EMULATOR_GUSTO_CLIENT[0]
        secret = self.settings.gusto_client_secret
        client_secret = secret.get_secret_value() if secret else EMULATOR_GUSTO_CLIENT[1]

        async def persist(account: ProviderAccount) -> None:
            # Gusto rotates the refresh token on every refresh: the new pair must be kept.
            if connection_id is not None:
                await self.save_account(connection_id, account)

        return GustoAdapter(
            self._definition("gusto"),
            application=GustoApplication(client_id, client_secret),
            http=self.clients.for_provider("gusto"),
            clock=self.clock,
            base_url=self.settings.provider_base_url("gusto"),
            keeper=self._keeper,
            on_refreshed=persist,
        )

    def bamboohr(self, _connection_id: str | None) -> ProviderAdapter:
        return BambooHrAdapter(
            self._definition("bamboo_hr_api"),
            http=self.clients.for_provider("bamboo_hr_api"),
            base_url=self.settings.provider_base_url("bamboo_hr_api"),
        )

    def paychex_flex(self, _connection_id: str | None) -> ProviderAdapter:
        return PaychexFlexAdapter(
            self._definition("paychex_flex"),
            http=self.clients.for_provider("paychex_flex"),
            base_url=self.settings.provider_base_url("paychex_flex"),
        )

    def factories(self) -> dict[str, AdapterFactory]:
        return {"gusto": self.gusto, "bamboo_hr_api": self.bamboohr, "paychex_flex": self.paychex_flex}

    async def aclose(self) -> None:
        if self._clients is not None:
            await self._clients.aclose()
            self._clients = None
