"""Who works at a sandbox company: each employee's place, job, dates, pay and elections.

Every employee is drawn from their own ``random.Random``, seeded by the company's employee
stream key with the index in its low 32 bits, so employee ``i`` costs the same whether or not
anyone else was generated. The stream is drawn in a fixed order: the roster (kind, job,
dates), then names, then pay and elections, then personal details, so a directory listing
stops after the names and only the individual record pays for the personal details.
"""

from __future__ import annotations

import random
from datetime import date
from typing import NamedTuple

from roost.providers.records import EmploymentKind, FlsaStatus, IncomeUnit, PaymentMethod
from roost.providers.sandbox.benefits import Election, draw_elections
from roost.providers.sandbox.company_profile import PAY_SLOTS, CompanyProfile
from roost.providers.sandbox.geography import LOCAL_TAXES
from roost.providers.sandbox.jobs import Job, draw_job
from roost.providers.sandbox.names import NamePools, Names, draw_names
from roost.providers.sandbox.pay_calendar import FREQUENCIES, FREQUENCY_CODES, PERIODS_PER_YEAR, Frequency
from roost.providers.sandbox.randomness import Stream, Weighted, mix, pick
from roost.providers.sandbox.taxes import TaxProfile, W4Choices, draw_w4
from roost.providers.sandbox.tenure import Tenure, draw_income_history, draw_tenure

__all__ = ["PayTerms", "Roster", "Worker", "Workforce", "employee_source_id", "pay_group_source_id"]

_EXEMPT_SALARY_FLOOR = 4_388_800  # FLSA salary threshold from July 2024, cents per year
_KINDS: Weighted[EmploymentKind] = Weighted(
    [
        (EmploymentKind(type="employee", subtype="full_time"), 82),
        (EmploymentKind(type="employee", subtype="part_time"), 6),
        (EmploymentKind(type="contractor", subtype="individual_contractor"), 5),
        (EmploymentKind(type="employee", subtype="intern"), 3),
        (EmploymentKind(type="employee", subtype="temp"), 2.5),
        (EmploymentKind(type="employee", subtype="seasonal"), 1.5),
    ]
)
_FULL_TIME = EmploymentKind(type="employee", subtype="full_time")
# Weekly hours in hundredths, by subtype (full-time and temporary staff work 40).
_WEEKLY_HOURS: dict[str | None, tuple[int, ...]] = {
    "part_time": (2_000, 2_400, 3_000),
    "intern": (2_000, 4_000),
    "individual_contractor": (1_000, 2_000, 3_000, 4_000),
}
_UNION_LOCALS = ("Local 705", "Local 710", "Local 743", "Local 727")


def employee_source_id(index: int) -> str:
    return f"emp-{index + 1:06d}"


def pay_group_source_id(entity: int, frequency: Frequency) -> str:
    return f"pg-{entity + 1}-{FREQUENCY_CODES[frequency]}"


class Roster(NamedTuple):
    """Where an employee sits and since when: what the directory shows."""

    employee_index: int
    source_id: str
    entity_source_id: str
    manager_source_id: str | None
    depth: int
    # Has people reporting to them.
    leads: bool
    kind: EmploymentKind
    job: Job
    tenure: Tenure


class PayTerms(NamedTuple):
    # (effective date, cents per `income_unit`), oldest first; the last entry is current.
    income_history: tuple[tuple[date, int], ...]
    income_unit: IncomeUnit
    weekly_hours_centi: int
    flsa_status: FlsaStatus
    payment_method: PaymentMethod
    bonus_bp: int
    # What a full year at the current pay comes to, cents.
    annual_pay: int


class Worker(NamedTuple):
    """An employee's roster entry plus everything payroll and benefits need."""

    roster: Roster
    pay_frequency: Frequency
    pay_group_source_id: str
    location_index: int
    pay: PayTerms
    elections: tuple[Election, ...]
    w4: W4Choices | None
    remote_eligible: bool
    union_local: str | None

    @property
    def source_id(self) -> str:
        return self.roster.source_id

    @property
    def employee_index(self) -> int:
        return self.roster.employee_index

    @property
    def is_contractor(self) -> bool:
        return self.roster.kind.type == "contractor"


# Workers kept per company, so that one sync draws each employee once for individuals,
# employments, pay templates and documents rather than once for each (~2 KB each).
WORKER_CACHE_SIZE = 10_000


class Workforce:
    """Draws the employees of one company; keeps at most ``WORKER_CACHE_SIZE`` of them."""

    def __init__(self, seed: int, profile: CompanyProfile, pools: NamePools, today: date) -> None:
        self._stream_key = mix(seed, Stream.EMPLOYEE) << 32
        self._profile = profile
        self._pools = pools
        self._today = today
        self.size = profile.org_chart.size
        self._workers: dict[int, tuple[Worker, Names]] = {}
        self._slots_of = {
            frequency: tuple(
                slot for slot, slot_frequency in enumerate(profile.pay_slots) if slot_frequency == frequency
            )
            for frequency in FREQUENCIES
        }

    def entity_of(self, index: int) -> int:
        return (index // self._profile.entity_block) % len(self._profile.entities)

    def frequency_of(self, index: int) -> Frequency:
        return self._profile.pay_slots[index % PAY_SLOTS]

    def members(self, entity: int, frequency: Frequency) -> list[int]:
        """The indexes in one pay group, found by arithmetic rather than by drawing anyone."""
        block, entities, size = self._profile.entity_block, len(self._profile.entities), self.size
        starts = range(entity * block, size, block * entities)
        if block == PAY_SLOTS:
            # Blocks are aligned with the slot pattern: take the group's slots of each block.
            slots = self._slots_of[frequency]
            return [start + slot for start in starts for slot in slots if start + slot < size]
        pattern = self._profile.pay_slots
        return [
            index
            for start in starts
            for index in range(start, min(start + block, size))
            if pattern[index % PAY_SLOTS] == frequency
        ]

    def roster(self, index: int) -> tuple[Roster, Names, random.Random]:
        """Employee ``index``'s roster entry and names, and their stream positioned after them."""
        if not 0 <= index < self.size:
            raise IndexError(f"employee index {index} is outside 0..{self.size - 1}")
        rng = random.Random(self._stream_key | index)
        chart = self._profile.org_chart
        placement, leads = chart.placement(index), chart.has_reports(index)
        kind = _FULL_TIME if leads or placement.depth <= 1 else _KINDS.draw(rng)
        job = draw_job(rng, self._profile.plans, placement, leads=leads, subtype=kind.subtype)
        # Managers and department heads stay employed, so nobody reports to someone who left.
        protected = leads or placement.depth <= 1
        tenure = draw_tenure(
            rng, self._today, self._profile.founded, protected=protected, chief=index == 0, kind=kind
        )
        manager = chart.manager_of(index)
        roster = Roster(
            employee_index=index,
            source_id=employee_source_id(index),
            entity_source_id=self._profile.entities[self.entity_of(index)].source_id,
            manager_source_id=None if manager is None else employee_source_id(manager),
            depth=placement.depth,
            leads=leads,
            kind=kind,
            job=job,
            tenure=tenure,
        )
        return roster, draw_names(rng, self._pools), rng

    def employee(self, index: int) -> tuple[Worker, Names, random.Random]:
        """Employee ``index`` in full, and their stream positioned for the personal details."""
        roster, names, rng = self.roster(index)
        job, kind, tenure = roster.job, roster.kind, roster.tenure
        location = self._location(rng, job, index)
        frequency = self.frequency_of(index)
        pay = _pay_terms(rng, roster, self._today)
        employee = kind.type == "employee"
        elections: tuple[Election, ...] = ()
        if employee:
            elections = draw_elections(
                rng,
                full_time=kind.subtype == "full_time",
                annual_pay=pay.annual_pay,
                periods_per_year=PERIODS_PER_YEAR[frequency],
                age=tenure.age,
            )
        w4 = draw_w4(rng, start=tenure.start_date, today=self._today, marital_status=tenure.marital_status)
        union = job.plan is not None and job.plan.unionized and job.hourly and employee and rng.random() < 0.6
        worker = Worker(
            roster=roster,
            pay_frequency=frequency,
            pay_group_source_id=pay_group_source_id(self.entity_of(index), frequency),
            location_index=location,
            pay=pay,
            elections=elections,
            w4=w4 if employee else None,
            remote_eligible=not (job.plan is not None and job.plan.warehouse) and rng.random() < 0.4,
            union_local=pick(rng, _UNION_LOCALS) if union else None,
        )
        if len(self._workers) < WORKER_CACHE_SIZE:
            self._workers[index] = (worker, names)
        return worker, names, rng

    def worker(self, index: int) -> tuple[Worker, Names]:
        """Employee ``index`` without their personal-details stream: from the cache if drawn."""
        cached = self._workers.get(index)
        if cached is not None:
            return cached
        worker, names, _ = self.employee(index)
        return worker, names

    def tax_profile(self, worker: Worker) -> TaxProfile | None:
        if worker.w4 is None:
            return None
        location = self._profile.company.locations[worker.location_index]
        return TaxProfile(
            w4=worker.w4,
            state=location.state or "",
            local=LOCAL_TAXES.get(location.city or ""),
            periods_per_year=PERIODS_PER_YEAR[worker.pay_frequency],
        )

    def _location(self, rng: random.Random, job: Job, index: int) -> int:
        if index == 0:
            return 0
        if job.plan is not None and job.plan.warehouse:
            return self._profile.warehouse_location
        return self._profile.location_weights.draw(rng)


def _pay_terms(rng: random.Random, roster: Roster, today: date) -> PayTerms:
    job, kind = roster.job, roster.kind
    hours_options = _WEEKLY_HOURS.get(kind.subtype)
    weekly_hours = pick(rng, hours_options) if hours_options else 4_000
    history = draw_income_history(rng, job, roster.tenure, today)
    current = history[-1][1]
    annual = current * weekly_hours * 52 // 100 if job.hourly else current
    flsa: FlsaStatus = "exempt" if not job.hourly and current >= _EXEMPT_SALARY_FLOOR else "non_exempt"
    bonus = 0
    if kind.type == "contractor":
        flsa = "unknown"  # contractors are outside the FLSA
    elif not job.hourly:
        leadership = roster.leads or roster.depth <= 1
        bonus = pick(rng, (1_000, 1_500, 2_000)) if leadership else pick(rng, (0, 0, 0, 300, 500, 800, 1_000))
    method: PaymentMethod = "check" if rng.random() < 0.04 else "direct_deposit"
    return PayTerms(history, "hourly" if job.hourly else "yearly", weekly_hours, flsa, method, bonus, annual)
