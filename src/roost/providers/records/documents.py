"""Tax documents: the W-4 forms an individual filed with the employer.

Finch's ``/employer/documents`` shapes (reference/finch-api.md §8 "Documents";
``finch.types.hris.w42020``, ``finch.types.hris.w42005``). Amounts are integer cents.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, TypeAlias

__all__ = [
    "W4Data2005",
    "W4Data2020",
    "W4Document",
    "W4DocumentType",
    "W4FilingStatus2005",
    "W4FilingStatus2020",
]

W4DocumentType: TypeAlias = Literal["w4_2020", "w4_2005"]
W4FilingStatus2020: TypeAlias = Literal[
    "head_of_household",
    "married_filing_jointly_or_qualifying_surviving_spouse",
    "single_or_married_filing_separately",
]
W4FilingStatus2005: TypeAlias = Literal["married", "married_but_withhold_at_higher_single_rate", "single"]


@dataclass(frozen=True, slots=True, kw_only=True)
class W4Data2020:
    """The 2020 redesign of the form: dollar amounts instead of allowances."""

    filing_status: W4FilingStatus2020 | None
    amount_for_qualifying_children_under_17: int
    amount_for_other_dependents: int
    total_claim_dependent_and_other_credits: int
    other_income: int
    deductions: int
    extra_withholding: int


@dataclass(frozen=True, slots=True, kw_only=True)
class W4Data2005:
    """The allowance-based form in use before 2020."""

    filing_status: W4FilingStatus2005 | None
    exemption: Literal["exempt", "non_exempt"] | None
    total_number_of_allowances: int
    additional_withholding: int


@dataclass(frozen=True, slots=True, kw_only=True)
class W4Document:
    source_id: str
    individual_source_id: str
    type: W4DocumentType
    year: int
    data: W4Data2020 | W4Data2005
