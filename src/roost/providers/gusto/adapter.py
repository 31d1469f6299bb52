"""The Gusto adapter: OAuth 2 authorization-code connections and reads of one company.

Gusto offers OAuth only (docs.gusto.com/app-integrations/docs/oauth2), so ``login``,
``submit_mfa`` and ``select_entities`` refuse. Token refresh is transparent to readers and
concurrency-safe: one refresh per company at a time (:class:`GustoTokenKeeper`), and every
refreshed account is handed to ``on_refreshed`` so the owner can persist the rotated pair —
Gusto revokes the old refresh token once the new access token is used.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any
from urllib.parse import urlencode

from roost.core.clock import Clock
from roost.providers.catalogue import ProviderDefinition
from roost.providers.contract import (
    AuthenticationRevoked,
    AuthFailed,
    AuthStep,
    AuthSucceeded,
    BenefitWriter,
    ProviderAccount,
    ProviderError,
    UnsupportedBenefitWriter,
)
from roost.providers.gusto.api import GustoApi
from roost.providers.gusto.definition import DEFINITION
from roost.providers.gusto.oauth import (
    GustoApplication,
    GustoTokenKeeper,
    account_from_tokens,
    request_tokens,
)
from roost.providers.gusto.reader import GustoReader
from roost.providers.http import ProviderHttpClient
from roost.providers.records import Entity

__all__ = ["DEMO_BASE_URL", "PRODUCTION_BASE_URL", "GustoAdapter"]

# providers.md §1.1: all development happens on the demo host.
DEMO_BASE_URL = "https://api.gusto-demo.com"
PRODUCTION_BASE_URL = "https://api.gusto.com"

AccountListener = Callable[[ProviderAccount], Awaitable[None]]


class GustoAdapter:
    def __init__(
        self,
        *,
        application: GustoApplication,
        http: ProviderHttpClient,
        clock: Clock,
        base_url: str = DEMO_BASE_URL,
        keeper: GustoTokenKeeper | None = None,
        on_refreshed: AccountListener | None = None,
        page_size: int = 100,
    ) -> None:
        self._application = application
        self._http = http
        self._clock = clock
        self._base_url = base_url.rstrip("/")
        self._keeper = keeper or GustoTokenKeeper()
        self._on_refreshed = on_refreshed
        self._page_size = page_size

    @property
    def definition(self) -> ProviderDefinition:
        return DEFINITION

    async def login(self, method: str, fields: Mapping[str, str]) -> AuthStep:
        return AuthFailed("Gusto connects with OAuth only.", retryable=False)

    async def submit_mfa(self, pending: Mapping[str, Any], code: str) -> AuthStep:
        return AuthFailed("Gusto connects with OAuth only.", retryable=False)

    async def select_entities(self, pending: Mapping[str, Any], entity_ids: list[str]) -> AuthStep:
        # Strict access: the employer picks the company on Gusto's consent page.
        return AuthFailed("Gusto connects one company per authorization.", retryable=False)

    def authorization_url(self, *, redirect_uri: str, state: str, code_challenge: str) -> str:
        # Gusto documents no PKCE support, so the challenge is not sent: the exchange is protected
        # by the client secret instead (a confidential client, RFC 6749 §2.1).
        query = {"client_id": self._application.client_id, "redirect_uri": redirect_uri}
        query |= {"response_type": "code", "state": state}
        return f"{self._base_url}/oauth/authorize?{urlencode(query)}"

    async def exchange_code(self, *, code: str, redirect_uri: str, code_verifier: str) -> AuthStep:
        grant = {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri}
        try:
            tokens = await request_tokens(self._http, self._base_url, self._application, grant)
            company = await self._granted_company(str(tokens["access_token"]))
        except AuthenticationRevoked:
            return AuthFailed("Gusto did not accept the authorization; please try again.")
        account = account_from_tokens(tokens, company, self._clock)
        self._keeper.remember(account)
        return AuthSucceeded(account)

    async def _granted_company(self, access_token: str) -> Entity:
        """The one company the grant covers: ``GET /v1/token_info`` (``/v1/me`` is deprecated)."""
        api = GustoApi(self._http, self._base_url, _bare_account(access_token), self._no_refresh, self._clock)
        info = await api.get_json("/v1/token_info")
        company_uuid = str(info["resource"]["uuid"])
        body = await api.get_json(f"/v1/companies/{company_uuid}")
        return Entity(source_id=company_uuid, name=str(body.get("name") or company_uuid))

    async def _no_refresh(self, account: ProviderAccount) -> ProviderAccount:
        raise AuthenticationRevoked("The new Gusto access token was rejected.")

    async def refresh(self, account: ProviderAccount) -> ProviderAccount:
        """Rotate the tokens; when another task already did, return its result instead."""
        async with self._keeper.lock(str(account.credentials["company_uuid"])):
            newer = self._keeper.newer_than(account)
            if newer is not None:
                return newer
            grant = {
                "grant_type": "refresh_token",
                "refresh_token": str(account.credentials["refresh_token"]),
            }
            tokens = await request_tokens(self._http, self._base_url, self._application, grant)
            refreshed = account_from_tokens(tokens, account.entities[0], self._clock, account.username)
            self._keeper.remember(refreshed)
        if self._on_refreshed is not None:
            await self._on_refreshed(refreshed)
        return refreshed

    def reader(self, account: ProviderAccount, entity: Entity | None) -> GustoReader:
        if entity is not None and entity.source_id != account.credentials["company_uuid"]:
            raise ProviderError("A Gusto account reads only the company it was authorized for.")
        api = GustoApi(self._http, self._base_url, account, self.refresh, self._clock)
        return GustoReader(api, self._page_size)

    def benefit_writer(self, account: ProviderAccount, entity: Entity | None) -> BenefitWriter:
        # Roost reads no Gusto benefits yet, so it writes none either.
        return UnsupportedBenefitWriter("Gusto")


def _bare_account(access_token: str) -> ProviderAccount:
    """Just enough of an account to call the API with a token fresh from the exchange."""
    credentials = {
        "access_token": access_token,
        "expires_at": "9999-12-31T00:00:00+00:00",
        "company_uuid": "",
    }
    return ProviderAccount(credentials=credentials, entities=())
