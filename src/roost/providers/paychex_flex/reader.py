"""Reads of one Paychex Flex company with a signed-in session.

Paging per developer.paychex.com "Paging": ``offset`` (zero-based) and ``limit`` (the Workers
page recommends 100 at a time); a ``next`` link is present while more pages remain.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Callable, Mapping
from typing import Any, TypeVar

import httpx

from roost.providers.contract import NotSupported, ProviderError
from roost.providers.http import ProviderHttpClient, classify_status
from roost.providers.paging import unsupported_pages
from roost.providers.paychex_flex import mapping
from roost.providers.records import (
    BenefitEnrollment,
    Company,
    CompanyBenefit,
    DirectoryEntry,
    Employment,
    Individual,
    PayGroup,
    Payment,
    PayStatement,
    W4Document,
)

T = TypeVar("T")
# The media-type profile that adds communications (email, phone, address) to each worker.
WORKERS_WITH_COMMUNICATIONS = "application/vnd.paychex.workers_communications.v1+json"


def classify(response: httpx.Response) -> ProviderError | None:
    if response.status_code < 400:
        return None
    try:
        errors = response.json().get("errors") or [{}]
        message = f"Paychex {response.status_code}: {errors[0].get('description')}"
    except (ValueError, AttributeError):
        message = None
    return classify_status(response, message)


def _not_supported(what: str) -> AsyncIterator[list[Any]]:
    return unsupported_pages(f"Roost's Paychex Flex adapter does not read {what}.")


class PaychexApi:
    def __init__(self, http: ProviderHttpClient, base_url: str, session_token: str) -> None:
        self._http = http
        self._base_url = base_url.rstrip("/")
        self._token = session_token

    async def get(
        self, path: str, params: Mapping[str, Any] | None = None, accept: str = "application/json"
    ) -> Any:
        headers = {"Authorization": f"Bearer {self._token}", "Accept": accept}
        url = f"{self._base_url}{path}"
        return (await self._http.send("GET", url, headers=headers, params=params, classify=classify)).json()

    async def pages(
        self, path: str, limit: int, accept: str = "application/json"
    ) -> AsyncIterator[list[Any]]:
        offset = 0
        while True:
            body = await self.get(path, {"offset": offset, "limit": limit}, accept)
            rows: list[Any] = body.get("content") or []
            if rows:
                yield rows
            more = any(link.get("rel") == "next" for link in body.get("links") or [])
            if not more or not rows:
                return
            offset += len(rows)


class PaychexFlexReader:
    def __init__(self, api: PaychexApi, company_id: str, page_size: int = 100) -> None:
        self._api = api
        self._company = company_id
        self._limit = min(page_size, 100)

    async def company(self) -> Company:
        body = await self._api.get(f"/companies/{self._company}")
        organizations = await self._api.get(f"/companies/{self._company}/organizations")
        return mapping.company(body["content"][0], organizations.get("content") or [])

    async def _workers(
        self, build: Callable[[Any], T], accept: str = "application/json"
    ) -> AsyncIterator[list[T]]:
        async for rows in self._api.pages(f"/companies/{self._company}/workers", self._limit, accept):
            yield [build(row) for row in rows]

    def directory(self) -> AsyncIterator[list[DirectoryEntry]]:
        return self._workers(mapping.directory_entry)

    def individuals(self) -> AsyncIterator[list[Individual]]:
        return self._workers(mapping.individual, WORKERS_WITH_COMMUNICATIONS)

    async def employments(self) -> AsyncIterator[list[Employment]]:
        async for rows in self._api.pages(f"/companies/{self._company}/workers", self._limit):
            # Pay rates are a per-worker resource: one call per worker on this page.
            page = []
            for worker in rows:
                rates = await self._api.get(f"/workers/{worker['workerId']}/compensation/rates")
                page.append(mapping.employment(worker, rates.get("content") or []))
            yield page

    def payments(self, start: dt.date, end: dt.date) -> AsyncIterator[list[Payment]]:
        return _not_supported("payments")

    def pay_statements(self, payment_source_id: str) -> AsyncIterator[list[PayStatement]]:
        return _not_supported("pay statements")

    async def pay_groups(self) -> list[PayGroup]:
        raise NotSupported("Roost's Paychex Flex adapter does not read pay groups.")

    async def benefits(self) -> list[CompanyBenefit]:
        raise NotSupported("Roost's Paychex Flex adapter does not read benefits.")

    def enrollments(self, benefit_source_id: str) -> AsyncIterator[list[BenefitEnrollment]]:
        return _not_supported("benefit enrollments")

    def documents(self) -> AsyncIterator[list[W4Document]]:
        return _not_supported("W-4 documents")
