"""The benefit plans a sandbox company offers, and each employee's elections in them.

An election is what both the enrollment record and the pay-statement lines are derived
from, so the two always agree: ``fixed`` amounts are cents per paycheck, ``percent``
amounts basis points of gross pay. Fixed deductions are only taken on paychecks covering a
whole pay period (benefits start with the first full period and end before the final partial
one).
"""

from __future__ import annotations

import random
from typing import Literal, NamedTuple

from roost.providers.records import (
    BenefitAmount,
    BenefitEnrollment,
    BenefitType,
    CompanyBenefit,
    CompanyMatch,
    HsaContributionLimit,
    MatchTier,
    TieredMatch,
)
from roost.providers.sandbox.randomness import pick

__all__ = [
    "PLANS",
    "PLANS_BY_ID",
    "BenefitPlan",
    "Election",
    "company_benefits",
    "draw_elections",
    "enrollment",
]

# 100% of the first 3% of pay the employee defers, then 50% of the next 2%.
_MATCH = (MatchTier(match=10_000, threshold=300), MatchTier(match=5_000, threshold=200))
_DEFERRAL_LIMIT = 2_300_000  # IRS 402(g) limit for 2024, cents
_CATCH_UP = 750_000
_CATCH_UP_AGE = 50


class BenefitPlan(NamedTuple):
    source_id: str
    type: BenefitType
    description: str
    deduction_name: str
    contribution_name: str | None
    pre_tax: bool
    # Section 125 and HSA deductions are also exempt from FICA; 401(k) deferrals are not.
    fica_exempt: bool


PLANS: tuple[BenefitPlan, ...] = (
    BenefitPlan("ben-401k", "401k", "401(k) Retirement Plan", "401(k)", "401(k) Match", True, False),
    BenefitPlan("ben-401k-roth", "401k_roth", "Roth 401(k)", "Roth 401(k)", None, False, False),
    BenefitPlan("ben-medical", "s125_medical", "Medical (PPO)", "Medical", "Medical - Employer", True, True),
    BenefitPlan("ben-dental", "s125_dental", "Dental", "Dental", "Dental - Employer", True, True),
    BenefitPlan("ben-vision", "s125_vision", "Vision", "Vision", None, True, True),
    BenefitPlan("ben-hsa", "hsa_pre", "Health Savings Account", "HSA", "HSA - Employer", True, True),
    BenefitPlan("ben-fsa", "fsa_medical", "Healthcare FSA", "FSA Medical", None, True, True),
)
PLANS_BY_ID: dict[str, BenefitPlan] = {plan.source_id: plan for plan in PLANS}
_PLAN = {plan.type: plan for plan in PLANS}

# Monthly premiums in cents: (employee individual, employee family, employer individual, employer family).
_PREMIUMS: dict[BenefitType, tuple[int, int, int, int]] = {
    "s125_medical": (11_000, 42_000, 48_000, 115_000),
    "s125_dental": (1_200, 3_800, 2_000, 4_500),
    "s125_vision": (800, 1_800, 0, 0),
}


_TAKE_UP: tuple[tuple[BenefitType, float], ...] = (
    ("s125_medical", 0.8),
    ("s125_dental", 0.7),
    ("s125_vision", 0.45),
)


class Election(NamedTuple):
    plan: BenefitPlan
    kind: Literal["fixed", "percent"]
    # Cents per paycheck (fixed) or basis points of gross pay (percent).
    amount: int
    # The employer's fixed cents per paycheck; the 401(k) match is computed from MATCH instead.
    employer_amount: int
    coverage: HsaContributionLimit | None
    annual_maximum: int | None
    catch_up: bool | None


def company_benefits() -> list[CompanyBenefit]:
    return [
        CompanyBenefit(
            source_id=plan.source_id,
            type=plan.type,
            description=plan.description,
            frequency="every_paycheck",
            company_contribution=CompanyMatch(tiers=_MATCH) if plan.type == "401k" else None,
        )
        for plan in PLANS
    ]


def match_bp(employee_bp: int) -> int:
    """The employer match, in basis points of pay, for a deferral of ``employee_bp``."""
    matched, floor = 0, 0
    for tier in _MATCH:
        band = min(max(employee_bp - floor, 0), tier.threshold)
        matched += band * tier.match // 10_000
        floor += tier.threshold
    return matched


def draw_elections(
    rng: random.Random, *, full_time: bool, annual_pay: int, periods_per_year: int, age: int
) -> tuple[Election, ...]:
    """What an employee enrolled in; only full-time employees get the health plans."""
    elections = _retirement(rng, annual_pay, catch_up=age >= _CATCH_UP_AGE)
    if full_time:
        # Keep fixed deductions affordable: at most 30% of a regular paycheck.
        budget = annual_pay * 3 // (10 * periods_per_year)
        elections += _affordable(_health(rng, periods_per_year), budget)
    return elections


def enrollment(individual_source_id: str, election: Election) -> BenefitEnrollment:
    plan = election.plan
    contribution: BenefitAmount | TieredMatch | None = None
    if plan.type == "401k":
        contribution = TieredMatch(tiers=_MATCH)
    elif election.employer_amount:
        contribution = BenefitAmount(type="fixed", amount=election.employer_amount)
    return BenefitEnrollment(
        individual_source_id=individual_source_id,
        benefit_source_id=plan.source_id,
        employee_deduction=BenefitAmount(type=election.kind, amount=election.amount),
        company_contribution=contribution,
        annual_maximum=election.annual_maximum,
        catch_up=election.catch_up,
        hsa_contribution_limit=election.coverage if plan.type == "hsa_pre" else None,
    )


def _retirement(rng: random.Random, annual_pay: int, *, catch_up: bool) -> tuple[Election, ...]:
    elections: tuple[Election, ...] = ()
    limit_bp = (_DEFERRAL_LIMIT + (_CATCH_UP if catch_up else 0)) * 10_000 // max(annual_pay, 1)
    if rng.random() < 0.68:
        deferral = min(pick(rng, (300, 400, 500, 600, 800, 1000, 1500)), limit_bp)
        elections += (Election(_PLAN["401k"], "percent", deferral, 0, None, _DEFERRAL_LIMIT, catch_up),)
        limit_bp -= deferral
    if rng.random() < 0.15 and limit_bp >= 100:
        roth = min(pick(rng, (200, 300, 500)), limit_bp)
        elections += (Election(_PLAN["401k_roth"], "percent", roth, 0, None, _DEFERRAL_LIMIT, catch_up),)
    return elections


def _affordable(elections: tuple[Election, ...], budget: int) -> tuple[Election, ...]:
    # Drop the last-chosen plans first: medical outranks dental, dental outranks the rest.
    kept = list(elections)
    while sum(election.amount for election in kept) > budget:
        kept.pop()
    return tuple(kept)


def _health(rng: random.Random, periods_per_year: int) -> tuple[Election, ...]:
    coverage: HsaContributionLimit = "family" if rng.random() < 0.35 else "individual"
    family = coverage == "family"
    elections: list[Election] = []
    for benefit_type, take_up in _TAKE_UP:
        if rng.random() < take_up:
            premiums = _PREMIUMS[benefit_type]
            employee, employer = (premiums[1], premiums[3]) if family else (premiums[0], premiums[2])
            per_paycheck = (employee * 12 // periods_per_year, employer * 12 // periods_per_year)
            elections.append(Election(_PLAN[benefit_type], "fixed", *per_paycheck, coverage, None, None))
    on_medical = any(e.plan.type == "s125_medical" for e in elections)
    if on_medical and rng.random() < 0.3:
        limit = 830_000 if family else 415_000
        annual = min(limit, pick(rng, (100_000, 150_000, 200_000, 300_000, 415_000, 600_000)))
        seed_money = (100_000 if family else 50_000) // periods_per_year
        hsa = Election(
            _PLAN["hsa_pre"], "fixed", annual // periods_per_year, seed_money, coverage, limit, None
        )
        elections.append(hsa)
    elif rng.random() < 0.12:
        annual = pick(rng, (50_000, 100_000, 150_000, 250_000, 320_000))
        elections.append(
            Election(_PLAN["fsa_medical"], "fixed", annual // periods_per_year, 0, None, 320_000, None)
        )
    return tuple(elections)
