"""An employee's dates: hire, leave or termination, rehire, birth; and their pay over time.

Tenure is exponential (most people joined recently, a few are long-timers), capped by the
company's age. Managers and department heads are never terminated, so nobody reports to
someone who has left. Pay history is drawn backwards from today's pay, so today's pay stays
within the job's band however long someone has been there.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import NamedTuple

from roost.providers.records import EmploymentKind, EmploymentStatus, MaritalStatus
from roost.providers.sandbox.jobs import Job, round_pay
from roost.providers.sandbox.randomness import Weighted

__all__ = ["Tenure", "draw_income_history", "draw_tenure"]

_ADULT_DAYS = 6575  # 18 years, leap days included
_RETIREMENT_AGE = 62
_SHORT_STINTS = frozenset({"intern", "temp", "seasonal"})
_MARITAL_BY_AGE: tuple[tuple[int, Weighted[MaritalStatus]], ...] = (
    (25, Weighted([("single", 84), ("married", 10), ("domestic_partner", 5), ("unknown", 1)])),
    (
        40,
        Weighted([("single", 38), ("married", 50), ("divorced", 6), ("domestic_partner", 5), ("unknown", 1)]),
    ),
    (
        200,
        Weighted(
            [("married", 60), ("single", 15), ("divorced", 17), ("widowed", 4), ("domestic_partner", 3)]
        ),
    ),
)


class Tenure(NamedTuple):
    start_date: date
    status: EmploymentStatus
    end_date: date | None
    latest_rehire_date: date | None
    dob: date
    # Whole years at the company's today.
    age: int
    marital_status: MaritalStatus

    @property
    def is_active(self) -> bool:
        return self.status in ("active", "leave", "onboarding")

    @property
    def paid_from(self) -> date:
        """The first day of the current stint (payroll knows nothing before a rehire)."""
        return self.latest_rehire_date or self.start_date


def draw_tenure(
    rng: random.Random, today: date, founded: date, *, protected: bool, chief: bool, kind: EmploymentKind
) -> Tenure:
    """``protected`` people (managers, heads) stay employed; the ``chief`` founded the company."""
    company_days = max((today - founded).days, 1)
    if chief:
        days = company_days
    else:
        mean = 150 if kind.subtype in _SHORT_STINTS else (6 * 365 if protected else 3 * 365)
        days = min(company_days, 1 + int(rng.expovariate(1 / mean)))
    start = today - timedelta(days=days)
    status, end_date, rehire = _status(rng, start, days, protected=protected)
    dob = _date_of_birth(rng, today, days, intern=kind.subtype == "intern")
    age = _years_between(dob, today)
    if end_date is not None and _years_between(dob, end_date) >= _RETIREMENT_AGE:
        status = "retired"
    marital = next(table for limit, table in _MARITAL_BY_AGE if age < limit).draw(rng)
    return Tenure(start, status, end_date, rehire, dob, age, marital)


def draw_income_history(
    rng: random.Random, job: Job, tenure: Tenure, today: date
) -> tuple[tuple[date, int], ...]:
    """(effective date, pay) from hire, with a raise most Aprils (sometimes a promotion), oldest first."""
    until = tenure.end_date or today
    eligible_from = tenure.start_date + timedelta(days=180)
    raises: list[tuple[date, float]] = []
    for year in range(tenure.start_date.year + 1, until.year + 1):
        effective = date(year, 4, 1)
        if eligible_from <= effective <= until and rng.random() < 0.85:
            factor = 1.02 + rng.random() * 0.04
            if rng.random() < 0.08:
                factor += 0.08 + rng.random() * 0.07
            raises.append((effective, factor))
    history = [(today, job.pay)]
    for effective, factor in reversed(raises):
        history[-1] = (effective, history[-1][1])
        history.append((today, round_pay(history[-1][1] / factor, hourly=job.hourly)))
    history[-1] = (tenure.start_date, history[-1][1])
    history.reverse()
    return tuple(history)


def _status(
    rng: random.Random, start: date, days: int, *, protected: bool
) -> tuple[EmploymentStatus, date | None, date | None]:
    roll = rng.random()
    if protected:
        return ("leave" if roll < 0.02 else "active"), None, None
    if roll < 0.12 and days >= 2:
        # Skewed towards recent departures; always after the start and before today.
        return "terminated", start + timedelta(days=1 + int(rng.random() ** 0.5 * (days - 2))), None
    if roll < 0.15:
        return "leave", None, None
    if roll < 0.19 and days > 3 * 365:
        return "active", None, start + timedelta(days=365 + int(rng.random() * (days - 425)))
    return ("onboarding" if days <= 14 else "active"), None, None


def _date_of_birth(rng: random.Random, today: date, days_employed: int, *, intern: bool) -> date:
    years = 19 + rng.random() * 5 if intern else 22 + (rng.random() + rng.random()) / 2 * 44
    # Everyone was an adult when hired, however long ago that was.
    age_days = max(int(years * 365.25), days_employed + _ADULT_DAYS + 1)
    return today - timedelta(days=age_days)


def _years_between(earlier: date, later: date) -> int:
    return later.year - earlier.year - ((later.month, later.day) < (earlier.month, earlier.day))
