"""A deterministic, realistic sandbox company, generated lazily from a seed.

The same :class:`CompanySpec` always yields byte-identical data, and nothing is held per
employee: employee ``i`` is drawn from a ``random.Random`` keyed by (seed, i) in O(1), and
every listing streams, so a 100,000-employee company costs no more memory than a small one
(payroll keeps a bounded cache of pay templates). The generator never reads the clock;
``today`` comes from the spec.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date

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
from roost.providers.sandbox.benefits import PLANS_BY_ID, BenefitPlan, company_benefits, enrollment
from roost.providers.sandbox.company_profile import build_profile
from roost.providers.sandbox.documents import w4_document
from roost.providers.sandbox.names import build_pools
from roost.providers.sandbox.payments import Payroll
from roost.providers.sandbox.people import directory_entry, draw_individual, employment_record
from roost.providers.sandbox.workforce import Workforce

__all__ = ["MAX_EMPLOYEES", "CompanySpec", "SandboxCompany"]

# Employee streams carry the index in 32 bits; ten million is far beyond any real sandbox.
MAX_EMPLOYEES = 10_000_000


@dataclass(frozen=True)
class CompanySpec:
    """What a sandbox company is generated from.

    ``seed`` picks the company, any integer; ``entity_count`` above 1 makes a
    multi-entity company; payroll history runs from ``history_start`` (default: January 1 of
    the year before ``today``) to ``today``.
    """

    seed: int
    employee_size: int = 20
    entity_count: int = 1
    history_start: date | None = None
    today: date = field(kw_only=True)

    def __post_init__(self) -> None:
        if not 1 <= self.employee_size <= MAX_EMPLOYEES:
            raise ValueError(f"employee_size must be between 1 and {MAX_EMPLOYEES:,}")
        if not 1 <= self.entity_count <= self.employee_size:
            raise ValueError("entity_count must be between 1 and employee_size")
        if self.history_start is not None and self.history_start > self.today:
            raise ValueError("history_start must not be after today")

    @property
    def first_history_day(self) -> date:
        return self.history_start or date(self.today.year - 1, 1, 1)


class SandboxCompany:
    """One generated company. Listings are iterators: consume them page by page."""

    def __init__(self, spec: CompanySpec) -> None:
        self.spec = spec
        self._pools = build_pools(spec.seed)
        self._profile = build_profile(
            spec.seed, spec.employee_size, spec.entity_count, spec.today, self._pools
        )
        self._workforce = Workforce(spec.seed, self._profile, self._pools, spec.today)
        self._payroll = Payroll(
            spec.seed,
            self._workforce,
            self._profile.entities,
            self._profile.biweekly_anchor,
            (spec.first_history_day, spec.today),
        )

    def company(self) -> Company:
        return self._profile.company

    def entities(self) -> list[Entity]:
        return list(self._profile.entities)

    def employee(self, index: int) -> tuple[Individual, Employment]:
        """Employee ``index`` (0 is the chief executive), independent of every other index."""
        worker, names, rng = self._workforce.employee(index)
        individual = draw_individual(rng, worker, names, self._pools, self._profile)
        return individual, employment_record(worker, names, self._profile)

    def directory(self, offset: int = 0, limit: int | None = None) -> Iterator[DirectoryEntry]:
        for index in self._page(offset, limit):
            roster, names, _ = self._workforce.roster(index)
            yield directory_entry(roster, names)

    def individuals(self, offset: int = 0, limit: int | None = None) -> Iterator[Individual]:
        for index in self._page(offset, limit):
            worker, names, rng = self._workforce.employee(index)
            yield draw_individual(rng, worker, names, self._pools, self._profile)

    def employments(self, offset: int = 0, limit: int | None = None) -> Iterator[Employment]:
        for index in self._page(offset, limit):
            worker, names = self._workforce.worker(index)
            yield employment_record(worker, names, self._profile)

    def pay_groups(self) -> list[PayGroup]:
        """A bi-weekly, a semi-monthly and a weekly group per entity; everyone is in exactly one."""
        return self._payroll.pay_groups()

    def payments(self, start: date, end: date) -> Iterator[Payment]:
        """Payments whose pay date is in ``[start, end]`` and in the payroll history, by pay date."""
        return self._payroll.payments(start, end)

    def pay_statements(self, payment_source_id: str) -> Iterator[PayStatement]:
        """The statements of one payment; raises KeyError for an id no payment could have."""
        return self._payroll.pay_statements(payment_source_id)

    def benefits(self) -> list[CompanyBenefit]:
        return company_benefits()

    def enrollments(self, benefit_source_id: str) -> Iterator[BenefitEnrollment]:
        """Everyone enrolled in the benefit; raises KeyError for an unknown benefit."""
        return self._enrollments(PLANS_BY_ID[benefit_source_id])

    def documents(self) -> Iterator[W4Document]:
        """One W-4 per employee (contractors have none), in employee order."""
        for index in range(self.spec.employee_size):
            document = w4_document(self._workforce.worker(index)[0])
            if document is not None:
                yield document

    def _enrollments(self, plan: BenefitPlan) -> Iterator[BenefitEnrollment]:
        for index in range(self.spec.employee_size):
            worker, _ = self._workforce.worker(index)
            for election in worker.elections:
                if election.plan is plan:
                    yield enrollment(worker.source_id, election)

    def _page(self, offset: int, limit: int | None) -> range:
        if offset < 0 or (limit is not None and limit < 0):
            raise ValueError("offset and limit must not be negative")
        end = self.spec.employee_size if limit is None else min(self.spec.employee_size, offset + limit)
        return range(offset, end)
