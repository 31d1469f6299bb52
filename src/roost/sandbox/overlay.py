"""A generated sandbox company with the tester's edits on top.

reference §11: what ``/sandbox/*`` changes is what the next sync reads. The overlay holds the
edits in the records' field names (company fields, per-person individual and employment
patches keyed by source id, added people, added payments with their statements, and the
benefit writes of ``/employer/benefits``); this module applies them to the generated records
and streams the result like the generator does.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from itertools import chain, islice
from typing import Any

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
from roost.providers.sandbox.benefit_edits import BenefitEdits, edited_benefits, edited_enrollments
from roost.providers.sandbox.benefits import PLANS_BY_ID
from roost.providers.sandbox.generator import CompanySpec, SandboxCompany
from roost.sandbox.records import from_wire, merged

NAME_FIELDS = frozenset({"first_name", "middle_name", "last_name"})
DIRECTORY_FIELDS = frozenset(f.name for f in dataclasses.fields(DirectoryEntry)) - {"source_id"}
_EMPLOYEE_PREFIX = "emp-"


# Benefit writes are kept in the sandbox state's company patch under this key rather than in
# a column of their own: company benefits are company data, and sharing the row keeps
# benefit writes and /sandbox edits of one connection serialised by the same row lock. No
# Company field has this name, and ``split_company_patch`` takes it out before the patch is
# applied to the company record.
BENEFIT_EDITS_KEY = "benefit_edits"


def split_company_patch(patch: Mapping[str, Any]) -> tuple[dict[str, Any], BenefitEdits]:
    """A stored company patch as (company field edits, benefit writes)."""
    company = {k: v for k, v in patch.items() if k != BENEFIT_EDITS_KEY}
    return company, BenefitEdits.from_json(patch.get(BENEFIT_EDITS_KEY))


@dataclass(frozen=True)
class Overlay:
    company: Mapping[str, Any] = field(default_factory=dict)
    individuals: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    employments: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    people: tuple[Mapping[str, Any], ...] = ()
    payments: tuple[Mapping[str, Any], ...] = ()
    # Benefit writes through /employer/benefits (roost.sandbox.benefit_writes).
    benefits: BenefitEdits = field(default_factory=BenefitEdits)


def spec_for(credentials: Mapping[str, Any], today: dt.date) -> CompanySpec:
    """The company a sandbox account stands for; ``history_days`` shortens payroll history
    (reference §11: above 100 employees only the latest pay period is generated)."""
    spec = authentication.company_spec(credentials, today)
    days = credentials.get("history_days")
    if days is None:
        return spec
    return dataclasses.replace(spec, history_start=today - dt.timedelta(days=int(days)))


@functools.lru_cache(maxsize=4)
def shared_company(spec: CompanySpec) -> SandboxCompany:
    """A generated company for single-record look-ups (echoing edits). Building one costs
    ~0.4 s; syncs build their own because payroll iteration keeps per-instance state."""
    return SandboxCompany(spec)


def employee_index(source_id: str) -> int | None:
    """``emp-000004`` -> 3, the generator's own numbering; None for anything else."""
    digits = source_id.removeprefix(_EMPLOYEE_PREFIX)
    return int(digits) - 1 if source_id.startswith(_EMPLOYEE_PREFIX) and digits.isdigit() else None


def _window(items: Iterable[Any], offset: int, limit: int | None) -> Iterator[Any]:
    return islice(items, offset, None if limit is None else offset + limit)


class OverlaidCompany:
    """The generator's interface (what :class:`SandboxReader` reads), with the overlay applied."""

    def __init__(self, base: SandboxCompany, overlay: Overlay) -> None:
        self.base = base
        self.overlay = overlay

    def company(self) -> Company:
        return merged(self.base.company(), self.overlay.company)

    def entities(self) -> list[Entity]:
        return self.base.entities()

    def individual_patch(self, source_id: str) -> Mapping[str, Any]:
        return self.overlay.individuals.get(source_id, {})

    def employment_patch(self, source_id: str) -> Mapping[str, Any]:
        # A person has one name: a renamed individual is renamed in employment too.
        names = {k: v for k, v in self.individual_patch(source_id).items() if k in NAME_FIELDS}
        return {**names, **self.overlay.employments.get(source_id, {})}

    def directory_patch(self, source_id: str) -> Mapping[str, Any]:
        both = {**self.individual_patch(source_id), **self.overlay.employments.get(source_id, {})}
        return {k: v for k, v in both.items() if k in DIRECTORY_FIELDS}

    def _added(self, part: str, record: type[Any]) -> Iterator[Any]:
        for person in self.overlay.people:
            yield from_wire(record, person[part])

    def _added_directory(self) -> Iterator[DirectoryEntry]:
        for person in self.overlay.people:
            employment = person["employment"]
            fields = {k: v for k, v in employment.items() if k in DIRECTORY_FIELDS}
            yield from_wire(DirectoryEntry, {**fields, "source_id": employment["source_id"]})

    def directory(self, offset: int = 0, limit: int | None = None) -> Iterator[DirectoryEntry]:
        entries = chain(self.base.directory(), self._added_directory())
        patched = (merged(e, self.directory_patch(e.source_id)) for e in entries)
        return _window(patched, offset, limit)

    def individuals(self, offset: int = 0, limit: int | None = None) -> Iterator[Individual]:
        people = chain(self.base.individuals(), self._added("individual", Individual))
        patched = (merged(i, self.individual_patch(i.source_id)) for i in people)
        return _window(patched, offset, limit)

    def employments(self, offset: int = 0, limit: int | None = None) -> Iterator[Employment]:
        people = chain(self.base.employments(), self._added("employment", Employment))
        patched = (merged(e, self.employment_patch(e.source_id)) for e in people)
        return _window(patched, offset, limit)

    def person(self, source_id: str) -> tuple[Individual, Employment] | None:
        """One person, edits applied; None when the company has nobody with that id."""
        index = employee_index(source_id)
        if index is not None and 0 <= index < self.base.spec.employee_size:
            individual, employment = self.base.employee(index)
        else:
            found = [p for p in self.overlay.people if p["individual"]["source_id"] == source_id]
            if not found:
                return None
            individual = from_wire(Individual, found[0]["individual"])
            employment = from_wire(Employment, found[0]["employment"])
        return (
            merged(individual, self.individual_patch(source_id)),
            merged(employment, self.employment_patch(source_id)),
        )

    def payments(self, start: dt.date, end: dt.date) -> Iterator[Payment]:
        added = [from_wire(Payment, p["payment"]) for p in self.overlay.payments]
        in_range = sorted(
            (p for p in added if p.pay_date is not None and start <= p.pay_date <= end),
            key=lambda p: p.pay_date or start,
        )
        return chain(self.base.payments(start, end), in_range)

    def pay_statements(self, payment_source_id: str) -> Iterator[PayStatement]:
        for payment in self.overlay.payments:
            if payment["payment"]["source_id"] == payment_source_id:
                return (from_wire(PayStatement, s) for s in payment["statements"])
        return self.base.pay_statements(payment_source_id)

    def pay_groups(self) -> list[PayGroup]:
        return self.base.pay_groups()

    def benefits(self) -> list[CompanyBenefit]:
        return edited_benefits(self.base.benefits(), self.overlay.benefits)

    def enrollments(self, benefit_source_id: str) -> Iterator[BenefitEnrollment]:
        # Benefits added through the API have no generated enrollments.
        generated = self.base.enrollments(benefit_source_id) if benefit_source_id in PLANS_BY_ID else ()
        return edited_enrollments(generated, self.overlay.benefits, benefit_source_id)

    def documents(self) -> Iterator[W4Document]:
        return self.base.documents()
