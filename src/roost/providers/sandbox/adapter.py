"""The Finch-mode sandbox as a provider adapter: any catalogue provider, simulated."""

from __future__ import annotations

import datetime as dt
import functools
import secrets
from collections.abc import AsyncIterator, Iterator, Mapping
from typing import Any, Protocol, TypeVar
from urllib.parse import urlencode

from roost.core.clock import Clock
from roost.providers.catalogue import ProviderDefinition
from roost.providers.contract import (
    AuthFailed,
    AuthStep,
    AuthSucceeded,
    BenefitWriter,
    ProviderAccount,
    ProviderReader,
)
from roost.providers.paging import in_pages
from roost.providers.records import (
    BenefitEnrollment,
    Company,
    CompanyBenefit,
    DirectoryEntry,
    Employment,
    Entity,
    Individual,
    PayGroup,
    Payment,
    PayStatement,
    W4Document,
)
from roost.providers.sandbox import authentication
from roost.providers.sandbox.benefit_edits import (
    BenefitEdits,
    SandboxBenefitWriter,
    edited_benefits,
    edited_enrollments,
)
from roost.providers.sandbox.benefits import PLANS_BY_ID
from roost.providers.sandbox.generator import SandboxCompany

T = TypeVar("T")
PAGE_SIZE = 500


def _pages(items: Iterator[T]) -> AsyncIterator[list[T]]:
    return in_pages(items, PAGE_SIZE)


class GeneratedCompany(Protocol):
    """What the reader reads: a :class:`SandboxCompany`, or one with sandbox edits on top."""

    def company(self) -> Company: ...
    def directory(self) -> Iterator[DirectoryEntry]: ...
    def individuals(self) -> Iterator[Individual]: ...
    def employments(self) -> Iterator[Employment]: ...
    def payments(self, start: dt.date, end: dt.date) -> Iterator[Payment]: ...
    def pay_statements(self, payment_source_id: str) -> Iterator[PayStatement]: ...
    def pay_groups(self) -> list[PayGroup]: ...
    def benefits(self) -> list[CompanyBenefit]: ...
    def enrollments(self, benefit_source_id: str) -> Iterator[BenefitEnrollment]: ...
    def documents(self) -> Iterator[W4Document]: ...


class SandboxReader:
    """Reads of a generated company, page by page; scoped to one entity when given."""

    def __init__(self, company: GeneratedCompany, entity: Entity | None) -> None:
        self._company = company
        self._entity = entity.source_id if entity is not None else None

    def _mine(self, entity_source_id: str | None) -> bool:
        return self._entity is None or entity_source_id in (None, self._entity)

    async def company(self) -> Company:
        return self._company.company()

    def directory(self) -> AsyncIterator[list[DirectoryEntry]]:
        return _pages(e for e in self._company.directory() if self._mine(e.entity_source_id))

    def individuals(self) -> AsyncIterator[list[Individual]]:
        return _pages(i for i in self._company.individuals() if self._mine(i.entity_source_id))

    def employments(self) -> AsyncIterator[list[Employment]]:
        return _pages(e for e in self._company.employments() if self._mine(e.entity_source_id))

    def payments(self, start: dt.date, end: dt.date) -> AsyncIterator[list[Payment]]:
        return _pages(p for p in self._company.payments(start, end) if self._mine(p.entity_source_id))

    def pay_statements(self, payment_source_id: str) -> AsyncIterator[list[PayStatement]]:
        return _pages(self._company.pay_statements(payment_source_id))

    async def pay_groups(self) -> list[PayGroup]:
        return [g for g in self._company.pay_groups() if self._mine(g.entity_source_id)]

    async def benefits(self) -> list[CompanyBenefit]:
        return self._company.benefits()

    def enrollments(self, benefit_source_id: str) -> AsyncIterator[list[BenefitEnrollment]]:
        return _pages(self._company.enrollments(benefit_source_id))

    def documents(self) -> AsyncIterator[list[W4Document]]:
        return _pages(self._company.documents())


class FinchSandboxAdapter:
    """Stands in for ``definition``'s provider with scripted logins and generated data."""

    def __init__(self, definition: ProviderDefinition, clock: Clock) -> None:
        self._definition = definition
        self._clock = clock

    @property
    def definition(self) -> ProviderDefinition:
        return self._definition

    async def login(self, method: str, fields: Mapping[str, str]) -> AuthStep:
        return authentication.login(method, fields)

    async def submit_mfa(self, pending: Mapping[str, Any], code: str) -> AuthStep:
        return authentication.submit_mfa(pending, code)

    async def select_entities(self, pending: Mapping[str, Any], entity_ids: list[str]) -> AuthStep:
        return authentication.select_entities(pending, entity_ids)

    def authorization_url(self, *, redirect_uri: str, state: str, code_challenge: str) -> str:
        # reference §11: in the sandbox, OAuth "succeeds straight away" — no provider page,
        # straight back to Roost's callback with a code.
        return f"{redirect_uri}?{urlencode({'code': 'sandbox-' + secrets.token_urlsafe(12), 'state': state})}"

    async def exchange_code(self, *, code: str, redirect_uri: str, code_verifier: str) -> AuthStep:
        if not code.startswith("sandbox-"):
            return AuthFailed("The provider did not accept the authorization; try again.")
        return AuthSucceeded(authentication.sandbox_account(None))

    async def refresh(self, account: ProviderAccount) -> ProviderAccount:
        return account

    def reader(self, account: ProviderAccount, entity: Entity | None) -> ProviderReader:
        spec = authentication.company_spec(account.credentials, self._clock.now().date())
        return SandboxReader(SandboxCompany(spec), entity)

    def benefit_writer(self, account: ProviderAccount, entity: Entity | None) -> BenefitWriter:
        """A writer over the generated company whose edits live as long as the writer does.

        Roost's own Finch-mode connections write through :mod:`roost.sandbox.benefit_writes`
        instead, which keeps the edits in the connection's overlay for the next sync to read
        (as :mod:`roost.sandbox.readers` does for reads).
        """
        company = SandboxCompany(authentication.company_spec(account.credentials, self._clock.now().date()))
        edits = BenefitEdits()
        people = functools.cache(lambda: frozenset(i.source_id for i in company.individuals()))

        def enrollments(benefit_source_id: str) -> Iterator[BenefitEnrollment]:
            generated = company.enrollments(benefit_source_id) if benefit_source_id in PLANS_BY_ID else ()
            return edited_enrollments(generated, edits, benefit_source_id)

        return SandboxBenefitWriter(
            edits,
            lambda: edited_benefits(company.benefits(), edits),
            enrollments,
            lambda source_id: source_id in people(),
        )
