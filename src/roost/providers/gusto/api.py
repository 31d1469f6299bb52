"""Authenticated reads of Gusto's ``/v1`` API: bearer token, version header, paging, errors.

docs.gusto.com/app-integrations/docs/pagination: ``page`` (1-based) and ``per``, with the
totals in ``X-Total-Pages`` / ``X-Total-Count`` response headers. docs.gusto.com "api-versioning":
``X-Gusto-API-Version`` pins the response shapes this adapter was written against.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from typing import Any

import httpx

from roost.core.clock import Clock
from roost.providers.contract import AuthenticationRevoked, ProviderAccount, ProviderError
from roost.providers.gusto.oauth import expires_soon
from roost.providers.http import ProviderHttpClient, classify_status

__all__ = ["API_VERSION", "GustoApi"]

API_VERSION = "2025-06-15"
Refresh = Callable[[ProviderAccount], Awaitable[ProviderAccount]]


def classify(response: httpx.Response) -> ProviderError | None:
    """Gusto's statuses, with the message from its ``{"errors": [...]}`` body when present."""
    if response.status_code < 400:
        return None
    message = None
    try:
        errors = response.json().get("errors") or []
        if errors:
            message = f"Gusto {response.status_code}: {errors[0].get('message')}"
    except (ValueError, AttributeError):
        pass
    return classify_status(response, message)


class GustoApi:
    """One account's session; swaps in refreshed tokens and remembers the newest account."""

    def __init__(
        self,
        http: ProviderHttpClient,
        base_url: str,
        account: ProviderAccount,
        refresh: Refresh,
        clock: Clock,
    ) -> None:
        self._http = http
        self._base_url = base_url
        self.account = account
        self._refresh = refresh
        self._clock = clock

    @property
    def company_uuid(self) -> str:
        return str(self.account.credentials["company_uuid"])

    async def _token(self) -> str:
        if expires_soon(self.account, self._clock):
            self.account = await self._refresh(self.account)
        return str(self.account.credentials["access_token"])

    async def get(self, path: str, params: Mapping[str, Any] | None = None) -> httpx.Response:
        token = await self._token()
        try:
            return await self._send(path, params, token)
        except AuthenticationRevoked:
            # A 401 before the stated expiry (revoked early, clock skew): refresh once and retry;
            # a failed refresh or a second 401 means the grant is gone.
            if self.account.credentials["access_token"] == token:
                self.account = await self._refresh(self.account)
            return await self._send(path, params, str(self.account.credentials["access_token"]))

    async def _send(self, path: str, params: Mapping[str, Any] | None, token: str) -> httpx.Response:
        headers = {"Authorization": f"Bearer {token}", "X-Gusto-API-Version": API_VERSION}
        return await self._http.send(
            "GET", f"{self._base_url}{path}", headers=headers, params=params, classify=classify
        )

    async def get_json(self, path: str, params: Mapping[str, Any] | None = None) -> Any:
        return (await self.get(path, params)).json()

    async def pages(
        self, path: str, params: Mapping[str, Any] | None = None, per: int = 100
    ) -> AsyncIterator[list[dict[str, Any]]]:
        page = 1
        while True:
            response = await self.get(path, {**(params or {}), "page": page, "per": per})
            rows: list[dict[str, Any]] = response.json()
            if rows:
                yield rows
            total_pages = int(response.headers.get("x-total-pages", "0") or 0)
            # Without the header, a short page is the last one.
            last = page >= total_pages if total_pages else len(rows) < per
            if last or not rows:
                return
            page += 1
