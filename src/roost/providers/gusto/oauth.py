"""Gusto OAuth 2: the code exchange, refresh-token rotation and one refresh at a time.

docs.gusto.com/app-integrations/docs/oauth2 and reference/providers.md §1.2: access tokens
live 7200 s; every refresh returns a new refresh token and Gusto revokes the old one once the
new access token is used, so each new pair must be persisted — :class:`GustoTokenKeeper`
remembers the newest account per company and :class:`GustoAdapter` reports it to its owner.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from roost.core.clock import Clock
from roost.providers.contract import (
    AuthenticationRevoked,
    ProviderAccount,
    ProviderError,
    TemporarilyUnavailable,
)
from roost.providers.http import ProviderHttpClient, classify_status
from roost.providers.records import Entity

__all__ = ["GustoApplication", "GustoTokenKeeper", "account_from_tokens", "request_tokens"]

# Refresh this long before the stated expiry, so a token never dies mid-request.
EXPIRY_MARGIN = dt.timedelta(seconds=60)


@dataclass(frozen=True)
class GustoApplication:
    """The OAuth client Roost is registered as in Gusto's developer portal."""

    client_id: str
    client_secret: str


def _classify_token_response(response: httpx.Response) -> ProviderError | None:
    # RFC 6749 §5.2: a rejected grant or client is a 400/401 with an ``error`` code; a refresh
    # that fails that way means the grant is gone and the employer must reconnect.
    if response.status_code in (400, 401):
        try:
            error = response.json().get("error", "invalid_grant")
        except ValueError:
            error = "invalid_grant"
        return AuthenticationRevoked(f"Gusto rejected the token request ({error}).")
    if response.status_code >= 500:
        return TemporarilyUnavailable(f"Gusto token endpoint returned {response.status_code}.")
    return classify_status(response)


async def request_tokens(
    http: ProviderHttpClient, base_url: str, application: GustoApplication, grant: Mapping[str, str]
) -> dict[str, Any]:
    """POST /oauth/token with a JSON body (the body style Gusto's docs show)."""
    body = {"client_id": application.client_id, "client_secret": application.client_secret, **grant}
    response = await http.send(
        "POST", f"{base_url}/oauth/token", json=body, classify=_classify_token_response
    )
    payload: dict[str, Any] = response.json()
    return payload


def _issued_at(tokens: Mapping[str, Any], clock: Clock) -> dt.datetime:
    created = tokens.get("created_at")
    if isinstance(created, int | float):
        return dt.datetime.fromtimestamp(created, dt.UTC)
    if isinstance(created, str):  # older examples show an ISO string (providers.md §1.2)
        return dt.datetime.fromisoformat(created.replace("Z", "+00:00"))
    return clock.now()


def account_from_tokens(
    tokens: Mapping[str, Any], company: Entity, clock: Clock, username: str | None = None
) -> ProviderAccount:
    # Expiry is measured from our clock, not Gusto's created_at, so clock skew cannot keep a
    # dead token in use.
    expires_at = clock.now() + dt.timedelta(seconds=float(tokens.get("expires_in", 7200)))
    return ProviderAccount(
        credentials={
            "access_token": tokens["access_token"],
            "refresh_token": tokens["refresh_token"],
            "expires_at": expires_at.isoformat(),
            "issued_at": _issued_at(tokens, clock).isoformat(),
            "company_uuid": company.source_id,
        },
        entities=(company,),
        external_id=company.source_id,
        username=username,
    )


def expires_soon(account: ProviderAccount, clock: Clock) -> bool:
    expires_at = dt.datetime.fromisoformat(str(account.credentials["expires_at"]))
    return clock.now() >= expires_at - EXPIRY_MARGIN


def _newer(candidate: ProviderAccount, than: ProviderAccount) -> bool:
    if candidate.credentials["refresh_token"] == than.credentials["refresh_token"]:
        return False
    return str(candidate.credentials["issued_at"]) >= str(than.credentials["issued_at"])


class GustoTokenKeeper:
    """Per-company refresh locks and the newest account seen; share one per process.

    Adapters are built per use, so the lock cannot live on an adapter: two syncs of one
    company refreshing at once would each rotate the refresh token and one pair would be lost.
    """

    def __init__(self) -> None:
        self._locks: dict[str, asyncio.Lock] = {}
        self._latest: dict[str, ProviderAccount] = {}

    def lock(self, company_uuid: str) -> asyncio.Lock:
        return self._locks.setdefault(company_uuid, asyncio.Lock())

    def newer_than(self, account: ProviderAccount) -> ProviderAccount | None:
        """An account refreshed since ``account`` was issued, if another task did so."""
        latest = self._latest.get(str(account.credentials["company_uuid"]))
        return latest if latest is not None and _newer(latest, account) else None

    def remember(self, account: ProviderAccount) -> None:
        self._latest[str(account.credentials["company_uuid"])] = account
