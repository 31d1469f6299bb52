"""Drives the Connect UI over HTTP like a browser without JavaScript would."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx

CSRF = re.compile(r'name="csrf" value="([0-9a-f]+)"')


class ConnectDriver:
    def __init__(self, client: httpx.AsyncClient, session_id: str) -> None:
        self.client = client
        self.session_id = session_id
        self.page: httpx.Response | None = None

    @property
    def csrf(self) -> str:
        assert self.page is not None
        match = CSRF.search(self.page.text)
        assert match, self.page.text[:500]
        return match.group(1)

    async def open(self, **params: str) -> httpx.Response:
        self.page = await self.client.get("/authorize", params={"session": self.session_id, **params})
        return self.page

    async def post(self, path: str, **fields: Any) -> httpx.Response:
        data = {"session": self.session_id, "csrf": self.csrf, **fields}
        response = await self.client.post(path, data=data)
        if response.status_code == 303 and response.headers["location"].startswith("/authorize/flow"):
            self.page = await self.client.get(response.headers["location"])
            return self.page
        self.page = response
        return response

    async def sign_in(self, provider: str | None = "gusto", method: str | None = None, **fields: str) -> None:
        if provider:
            await self.post("/authorize/provider", provider_id=provider)
        if method:
            await self.post("/authorize/method", method=method)
        if fields:
            await self.post("/authorize/login", **fields)


def query_of(response: httpx.Response) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(response.headers["location"]).query).items()}
