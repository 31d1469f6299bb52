"""Streaming reads of one Gusto company (one OAuth grant = one company, "strict access")."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Callable
from typing import Any, TypeVar

from roost.providers.contract import NotSupported, ProviderAccount
from roost.providers.gusto import mapping
from roost.providers.gusto import payroll_mapping as payroll
from roost.providers.gusto.api import GustoApi
from roost.providers.gusto.mapping import Json
from roost.providers.paging import unsupported_pages
from roost.providers.records import (
    BenefitEnrollment,
    Company,
    CompanyBenefit,
    DirectoryEntry,
    Employment,
    Individual,
    PayFrequency,
    PayGroup,
    Payment,
    PayStatement,
    W4Document,
)

T = TypeVar("T")
# Gusto caps a payroll listing at one year (providers.md §1.5).
MAX_WINDOW = dt.timedelta(days=365)
STATEMENT_INCLUDES = "taxes,benefits,deductions"


def _not_supported(what: str) -> AsyncIterator[list[Any]]:
    return unsupported_pages(f"Gusto App Integrations reads do not cover {what} in Roost yet.")


class GustoReader:
    def __init__(self, api: GustoApi, page_size: int = 100) -> None:
        self._api = api
        self._per = page_size

    @property
    def account(self) -> ProviderAccount:
        """The account as it stands now: refreshed tokens replace the ones it started with."""
        return self._api.account

    def _path(self, suffix: str = "") -> str:
        return f"/v1/companies/{self._api.company_uuid}{suffix}"

    async def _all(self, path: str) -> list[dict[str, Any]]:
        return [row async for page in self._api.pages(path, per=self._per) for row in page]

    async def company(self) -> Company:
        body = await self._api.get_json(self._path())
        departments = await self._api.get_json(self._path("/departments"))
        return mapping.company(body, await self._all(self._path("/locations")), departments)

    async def _people(
        self, include: str, employee: Callable[[Json], T], contractor: Callable[[Json], T]
    ) -> AsyncIterator[list[T]]:
        params = {"include": include} if include else {}
        async for rows in self._api.pages(self._path("/employees"), params, self._per):
            yield [employee(row) for row in rows]
        async for rows in self._api.pages(self._path("/contractors"), per=self._per):
            yield [contractor(row) for row in rows]

    def directory(self) -> AsyncIterator[list[DirectoryEntry]]:
        return self._people("", mapping.directory_entry, mapping.contractor_directory_entry)

    def individuals(self) -> AsyncIterator[list[Individual]]:
        return self._people("current_home_address", mapping.individual, mapping.contractor_individual)

    def employments(self) -> AsyncIterator[list[Employment]]:
        include = "all_compensations,custom_fields"
        return self._people(include, mapping.employment, mapping.contractor_employment)

    async def _frequencies(self) -> dict[str, PayFrequency]:
        schedules = await self._all(self._path("/pay_schedules"))
        return {s["uuid"]: payroll.FREQUENCIES.get(s.get("frequency") or "", "other") for s in schedules}

    async def payments(self, start: dt.date, end: dt.date) -> AsyncIterator[list[Payment]]:
        frequencies = await self._frequencies()
        window_start = start
        while window_start <= end:
            window_end = min(end, window_start + MAX_WINDOW - dt.timedelta(days=1))
            params = {
                "processing_statuses": "processed",
                "payroll_types": "regular,off_cycle",
                "start_date": window_start.isoformat(),
                "end_date": window_end.isoformat(),
                "date_filter_by": "check_date",
                "include": "totals",
            }
            async for rows in self._api.pages(self._path("/payrolls"), params, self._per):
                yield [payroll.payment(row, frequencies, await self._paid(row["uuid"])) for row in rows]
            window_start = window_end + dt.timedelta(days=1)

    async def _paid(self, payroll_id: str) -> tuple[str, ...]:
        # Who a payroll paid is only on the show call (providers.md §3.2 "individual_ids").
        paid: list[str] = []
        async for body in self._payroll_pages(payroll_id, ""):
            compensations = body.get("employee_compensations") or []
            paid += [c["employee_uuid"] for c in compensations if payroll.included(c)]
        return tuple(paid)

    async def _payroll_pages(self, payroll_id: str, include: str) -> AsyncIterator[dict[str, Any]]:
        # The show call pages its employee_compensations, at most 100 per page.
        page = 1
        while True:
            params: dict[str, Any] = {"page": page, "per": 100}
            if include:
                params["include"] = include
            response = await self._api.get(self._path(f"/payrolls/{payroll_id}"), params)
            yield response.json()
            if page >= int(response.headers.get("x-total-pages", "1") or 1):
                return
            page += 1

    async def pay_statements(self, payment_source_id: str) -> AsyncIterator[list[PayStatement]]:
        async for body in self._payroll_pages(payment_source_id, STATEMENT_INCLUDES):
            compensations = body.get("employee_compensations") or []
            statements = [payroll.pay_statement(body, c) for c in compensations if payroll.included(c)]
            if statements:
                yield statements

    async def pay_groups(self) -> list[PayGroup]:
        schedules = await self._all(self._path("/pay_schedules"))
        assignments = await self._api.get_json(self._path("/pay_schedules/assignments"))
        members: dict[str, list[str]] = {}
        for row in assignments.get("employees") or []:
            members.setdefault(row["pay_schedule_uuid"], []).append(row["employee_uuid"])
        return [payroll.pay_group(s, tuple(members.get(s["uuid"], ()))) for s in schedules]

    async def benefits(self) -> list[CompanyBenefit]:
        raise NotSupported("Gusto benefits are not mapped by Roost yet.")

    def enrollments(self, benefit_source_id: str) -> AsyncIterator[list[BenefitEnrollment]]:
        return _not_supported("benefit enrollments")

    def documents(self) -> AsyncIterator[list[W4Document]]:
        return _not_supported("W-4 documents")
