"""The Paychex Flex adapter (``paychex_flex``): username, password and a verification code.

The login half talks to the login endpoints the emulator models (see
:mod:`roost.emulators.paychex_flex` — Paychex does not publish its portal login API): a
password yields an MFA challenge, the code yields a session token, and a user with access to
several companies picks which to connect (entity selection). Reads then use the public
Paychex REST API with that session as the bearer token.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from roost.providers.catalogue import ProviderDefinition
from roost.providers.contract import (
    AuthenticationRevoked,
    AuthFailed,
    AuthStep,
    AuthSucceeded,
    BenefitWriter,
    EntitySelectionRequired,
    MfaRequired,
    ProviderAccount,
    ProviderError,
    UnsupportedBenefitWriter,
)
from roost.providers.http import ProviderHttpClient
from roost.providers.paychex_flex.definition import DEFINITION
from roost.providers.paychex_flex.reader import PaychexApi, PaychexFlexReader, classify
from roost.providers.records import Entity

__all__ = ["PRODUCTION_BASE_URL", "PaychexFlexAdapter"]

PRODUCTION_BASE_URL = "https://api.paychex.com"


class PaychexFlexAdapter:
    def __init__(
        self,
        *,
        http: ProviderHttpClient,
        base_url: str = PRODUCTION_BASE_URL,
        page_size: int = 100,
    ) -> None:
        self._http = http
        self._base_url = base_url.rstrip("/")
        self._page_size = page_size

    @property
    def definition(self) -> ProviderDefinition:
        return DEFINITION

    async def _post(self, path: str, body: Mapping[str, str]) -> dict[str, Any]:
        response = await self._http.send("POST", f"{self._base_url}{path}", json=body, classify=classify)
        payload: dict[str, Any] = response.json()
        return payload

    async def login(self, method: str, fields: Mapping[str, str]) -> AuthStep:
        if method != "credential":
            return AuthFailed(f"Paychex Flex connects with a username and password, not {method}.", False)
        username = fields.get("username", "").strip()
        try:
            answer = await self._post(
                "/auth/login", {"username": username, "password": fields.get("password", "")}
            )
        except AuthenticationRevoked:
            return AuthFailed("Paychex Flex did not accept that username and password.")
        if answer.get("status") == "MFA_REQUIRED":
            where = answer.get("maskedDestination") or "your phone"
            return MfaRequired(
                f"Enter the code Paychex sent to {where}.",
                pending={"mfa_token": answer["mfaToken"], "username": username},
            )
        return await self._signed_in(str(answer["sessionToken"]), username)

    async def submit_mfa(self, pending: Mapping[str, Any], code: str) -> AuthStep:
        body = {"mfaToken": str(pending["mfa_token"]), "code": code.strip()}
        try:
            answer = await self._post("/auth/mfa", body)
        except AuthenticationRevoked:
            return AuthFailed("That code did not work; check it and try again.")
        return await self._signed_in(str(answer["sessionToken"]), str(pending.get("username") or ""))

    async def _signed_in(self, session_token: str, username: str) -> AuthStep:
        listing = await PaychexApi(self._http, self._base_url, session_token).get("/companies")
        companies = tuple(
            Entity(source_id=c["companyId"], name=c.get("legalName") or c["companyId"])
            for c in listing.get("content") or []
        )
        if not companies:
            return AuthFailed("This Paychex Flex user has no company to connect.", retryable=False)
        if len(companies) == 1:
            return AuthSucceeded(_account(session_token, companies, username))
        offered = [{"source_id": c.source_id, "name": c.name} for c in companies]
        pending = {"session_token": session_token, "username": username, "companies": offered}
        return EntitySelectionRequired(companies, pending=pending)

    async def select_entities(self, pending: Mapping[str, Any], entity_ids: list[str]) -> AuthStep:
        offered = [Entity(source_id=c["source_id"], name=c["name"]) for c in pending.get("companies") or []]
        chosen = tuple(c for c in offered if c.source_id in entity_ids)
        if not chosen:
            return AuthFailed("Choose at least one company to connect.")
        return AuthSucceeded(
            _account(str(pending["session_token"]), chosen, str(pending.get("username") or ""))
        )

    def authorization_url(self, *, redirect_uri: str, state: str, code_challenge: str) -> str:
        raise NotImplementedError("paychex_flex connects with credentials, not OAuth")

    async def exchange_code(self, *, code: str, redirect_uri: str, code_verifier: str) -> AuthStep:
        return AuthFailed("paychex_flex connects with credentials, not OAuth.", retryable=False)

    async def refresh(self, account: ProviderAccount) -> ProviderAccount:
        # A session cannot be renewed without the user's code; expiry surfaces as reauth.
        return account

    def reader(self, account: ProviderAccount, entity: Entity | None) -> PaychexFlexReader:
        if entity is None:
            if len(account.entities) != 1:
                raise ProviderError("Choose which Paychex Flex company to read.")
            entity = account.entities[0]
        api = PaychexApi(self._http, self._base_url, str(account.credentials["session_token"]))
        return PaychexFlexReader(api, entity.source_id, self._page_size)

    def benefit_writer(self, account: ProviderAccount, entity: Entity | None) -> BenefitWriter:
        # Roost reads no Paychex Flex deductions yet, so it writes none either.
        return UnsupportedBenefitWriter("Paychex Flex")


def _account(session_token: str, companies: tuple[Entity, ...], username: str) -> ProviderAccount:
    external = companies[0].source_id if len(companies) == 1 else None
    return ProviderAccount(
        credentials={"session_token": session_token},
        entities=companies,
        external_id=external,
        username=username or None,
    )
