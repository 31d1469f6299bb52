"""Job titles and current pay, from where someone sits in the org chart.

The chief executive and department heads are paid above every band of their department,
managers just above it; individual contributors draw a role of their department, and its
band. Part-time, temporary and contract workers are paid by the hour.
"""

from __future__ import annotations

import random
from typing import NamedTuple

from roost.providers.records import EmploymentSubtype
from roost.providers.sandbox.departments import DEPARTMENTS, EXECUTIVE, DepartmentPlan, Role
from roost.providers.sandbox.org_chart import Placement
from roost.providers.sandbox.randomness import Weighted

__all__ = ["Job", "draw_job", "round_pay"]

_FULL_YEAR_HOURS = 2080
_HOURLY_SUBTYPES = frozenset({"part_time", "temp", "seasonal", "individual_contractor"})
_ROLES: dict[str, Weighted[Role]] = {
    plan.name: Weighted([(role, role.weight) for role in plan.roles]) for plan in DEPARTMENTS
}


class Job(NamedTuple):
    plan: DepartmentPlan | None
    department: str
    # Position of the team within its department, or -1 for the executive and heads.
    team_number: int
    title: str
    hourly: bool
    # Current pay: cents per year, or cents per hour when hourly.
    pay: int


def draw_job(
    rng: random.Random,
    plans: tuple[DepartmentPlan, ...],
    placement: Placement,
    *,
    leads: bool,
    subtype: EmploymentSubtype | None,
) -> Job:
    if placement.depth == 0:
        return Job(
            None, EXECUTIVE, -1, "Chief Executive Officer", False, _salary(rng, 25_000_000, 45_000_000)
        )
    plan = plans[placement.head - 1]
    top_of_band = max(role.pay_high for role in plan.roles if not role.hourly)
    if placement.depth == 1:
        pay = _salary(rng, top_of_band * 13 // 10, top_of_band * 17 // 10)
        return Job(plan, plan.name, -1, plan.head_title, False, pay)
    team_number = placement.team_anchor % len(plan.teams)
    team = plan.teams[team_number]
    if leads:
        title = f"{team} Manager" if placement.depth == 2 else f"{team} Team Lead"
        return Job(plan, team, team_number, title, False, _salary(rng, top_of_band, top_of_band * 13 // 10))
    return _individual_contributor(rng, plan, team_number, subtype)


def _individual_contributor(
    rng: random.Random, plan: DepartmentPlan, team_number: int, subtype: EmploymentSubtype | None
) -> Job:
    team = plan.teams[team_number]
    if subtype == "intern":
        return Job(plan, team, team_number, f"{plan.name} Intern", True, _rate(rng, 1_800, 3_200))
    role = _ROLES[plan.name].draw(rng)
    if subtype == "individual_contractor":
        # Contractors bill about a quarter more than an employee's hourly equivalent.
        low, high = (role.pay_low, role.pay_high) if role.hourly else _hourly_band(role)
        return Job(
            plan, team, team_number, f"Contract {role.title}", True, _rate(rng, low * 5 // 4, high * 5 // 4)
        )
    if role.hourly or subtype in _HOURLY_SUBTYPES:
        low, high = (role.pay_low, role.pay_high) if role.hourly else _hourly_band(role)
        return Job(plan, team, team_number, role.title, True, _rate(rng, low, high))
    if rng.random() < 0.35:
        pay = _salary(rng, role.pay_low * 6 // 5, role.pay_high * 6 // 5)
        return Job(plan, team, team_number, f"Senior {role.title}", False, pay)
    return Job(plan, team, team_number, role.title, False, _salary(rng, role.pay_low, role.pay_high))


def _hourly_band(role: Role) -> tuple[int, int]:
    return role.pay_low // _FULL_YEAR_HOURS, role.pay_high // _FULL_YEAR_HOURS


def round_pay(amount: float, *, hourly: bool) -> int:
    """Pay as payroll systems hold it: salaries to the hundred dollars, rates to the quarter."""
    step = 25 if hourly else 10_000
    return max(step, round(amount / step) * step)


def _salary(rng: random.Random, low: int, high: int) -> int:
    return round_pay(low + rng.random() * (high - low), hourly=False)


def _rate(rng: random.Random, low: int, high: int) -> int:
    return round_pay(low + rng.random() * (high - low), hourly=True)
