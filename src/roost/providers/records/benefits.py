"""Benefits: the plans a company offers and each individual's enrollment in one.

Finch's ``/employer/benefits`` and ``/employer/benefits/{id}/individuals`` shapes
(reference/finch-api.md §8 "Benefits"; ``finch.types.hris.company_benefit``,
``finch.types.hris.benefits.individual_benefit``). ``fixed`` amounts are cents per paycheck,
``percent`` amounts and match tiers are basis points (100 = 1%).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, TypeAlias

__all__ = [
    "BenefitAmount",
    "BenefitEnrollment",
    "BenefitFrequency",
    "BenefitType",
    "CompanyBenefit",
    "CompanyMatch",
    "HsaContributionLimit",
    "MatchTier",
    "TieredMatch",
]

BenefitType: TypeAlias = Literal[
    "457",
    "401k",
    "401k_roth",
    "401k_loan",
    "403b",
    "403b_roth",
    "457_roth",
    "commuter",
    "custom_post_tax",
    "custom_pre_tax",
    "fsa_dependent_care",
    "fsa_medical",
    "hsa_post",
    "hsa_pre",
    "s125_dental",
    "s125_medical",
    "s125_vision",
    "simple",
    "simple_ira",
]
BenefitFrequency: TypeAlias = Literal["every_paycheck", "monthly", "one_time"]
HsaContributionLimit: TypeAlias = Literal["individual", "family"]


@dataclass(frozen=True, slots=True, kw_only=True)
class MatchTier:
    """The employer adds ``match`` of the employee's contribution, for the next ``threshold`` of pay."""

    match: int
    threshold: int


@dataclass(frozen=True, slots=True, kw_only=True)
class CompanyMatch:
    """A company benefit's match schedule (Finch's ``company_contribution`` on a company benefit)."""

    tiers: tuple[MatchTier, ...]
    type: Literal["match"] = "match"


@dataclass(frozen=True, slots=True, kw_only=True)
class CompanyBenefit:
    source_id: str
    type: BenefitType | None
    description: str | None
    frequency: BenefitFrequency | None
    company_contribution: CompanyMatch | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class BenefitAmount:
    """A fixed (cents) or percent (basis points) deduction or contribution."""

    type: Literal["fixed", "percent"]
    amount: int


@dataclass(frozen=True, slots=True, kw_only=True)
class TieredMatch:
    tiers: tuple[MatchTier, ...]
    type: Literal["tiered"] = "tiered"


@dataclass(frozen=True, slots=True, kw_only=True)
class BenefitEnrollment:
    """One individual's configuration in one company benefit (identified by the pair)."""

    individual_source_id: str
    benefit_source_id: str
    employee_deduction: BenefitAmount | None
    company_contribution: BenefitAmount | TieredMatch | None = None
    annual_maximum: int | None = None
    catch_up: bool | None = None
    hsa_contribution_limit: HsaContributionLimit | None = None
