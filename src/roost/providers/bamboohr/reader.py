"""Reads of one BambooHR company through an API key.

BambooHR's bulk read is a custom report (``POST /v1/reports/custom``, providers.md §2.3): it
returns Active *and* Inactive employees in one response — BambooHR offers no paging on it —
so the reader asks once and hands the rows out in pages. Pay history comes from the
``compensation`` table for all employees in one call. There is no public payroll read
(providers.md §2.6): payment and pay-statement reads raise :class:`NotSupported`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Mapping
from typing import Any

import httpx

from roost.providers.bamboohr import mapping
from roost.providers.contract import NotSupported, ProviderError
from roost.providers.http import ProviderHttpClient, classify_status
from roost.providers.paging import in_pages, unsupported_pages
from roost.providers.records import (
    BenefitEnrollment,
    Company,
    CompanyBenefit,
    DirectoryEntry,
    Employment,
    Income,
    Individual,
    PayGroup,
    Payment,
    PayStatement,
    W4Document,
)

ERROR_HEADER = "x-bamboohr-error-message"


def classify(response: httpx.Response) -> ProviderError | None:
    """BambooHR puts the reason in a header, not the body (providers.md §2.7)."""
    message = response.headers.get(ERROR_HEADER)
    return classify_status(response, f"BambooHR {response.status_code}: {message}" if message else None)


def _not_supported(what: str) -> AsyncIterator[list[Any]]:
    return unsupported_pages(f"BambooHR's public API has no {what} to read.")


class BambooHrApi:
    """``https://api.bamboohr.com/api/gateway.php/{companyDomain}/v1`` with Basic ``key:x``."""

    def __init__(self, http: ProviderHttpClient, base_url: str, domain: str, api_key: str) -> None:
        self._http = http
        self._root = f"{base_url.rstrip('/')}/api/gateway.php/{domain}/v1"
        # The key is the username; BambooHR ignores the password (its SDK sends "x").
        self._auth = (api_key, "x")

    async def request(self, method: str, path: str, **options: Any) -> Any:
        headers = {"Accept": "application/json"}
        response = await self._http.send(
            method, f"{self._root}{path}", headers=headers, auth=self._auth, classify=classify, **options
        )
        return response.json()


class BambooHrReader:
    def __init__(self, api: BambooHrApi, domain: str, page_size: int = 100) -> None:
        self._api = api
        self._domain = domain
        self._page_size = page_size

    async def company(self) -> Company:
        info = await self._api.request("GET", "/company_information")
        lists = await self._api.request("GET", "/meta/lists")
        return mapping.company(self._domain, info, lists)

    async def _report(self) -> list[dict[str, Any]]:
        body = {"title": "Roost sync", "fields": list(mapping.REPORT_FIELDS), "filterDuplicates": "yes"}
        report = await self._api.request("POST", "/reports/custom", params={"format": "JSON"}, json=body)
        rows: list[dict[str, Any]] = report.get("employees") or []
        return rows

    async def directory(self) -> AsyncIterator[list[DirectoryEntry]]:
        async for page in in_pages(map(mapping.directory_entry, await self._report()), self._page_size):
            yield page

    async def individuals(self) -> AsyncIterator[list[Individual]]:
        async for page in in_pages(map(mapping.individual, await self._report()), self._page_size):
            yield page

    async def employments(self) -> AsyncIterator[list[Employment]]:
        rows = await self._report()
        history = await self._income_history()

        def build(row: Mapping[str, Any]) -> Employment:
            return mapping.employment(row, history.get(str(row["id"]), ()))

        async for page in in_pages(map(build, rows), self._page_size):
            yield page

    async def _income_history(self) -> dict[str, list[Income]]:
        rows = await self._api.request("GET", "/employees/all/tables/compensation")
        history: dict[str, list[Income]] = {}
        for row in rows:
            income = mapping.compensation_income(row)
            if income is not None:
                history.setdefault(str(row.get("employeeId")), []).append(income)
        return history

    def payments(self, start: dt.date, end: dt.date) -> AsyncIterator[list[Payment]]:
        return _not_supported("payroll runs")

    def pay_statements(self, payment_source_id: str) -> AsyncIterator[list[PayStatement]]:
        return _not_supported("pay statements")

    async def pay_groups(self) -> list[PayGroup]:
        raise NotSupported("BambooHR's public API has no pay groups to read.")

    async def benefits(self) -> list[CompanyBenefit]:
        raise NotSupported("BambooHR benefit plans carry no per-paycheck amounts; not mapped.")

    def enrollments(self, benefit_source_id: str) -> AsyncIterator[list[BenefitEnrollment]]:
        return _not_supported("benefit enrollments in Finch's shape")

    def documents(self) -> AsyncIterator[list[W4Document]]:
        return _not_supported("W-4 documents")
