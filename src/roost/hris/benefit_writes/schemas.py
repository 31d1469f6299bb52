"""Wire shapes of the benefit writes (``finch.types.hris.benefit_create_params``,
``benefit_register_params``, ``benefit_update_params`` and ``benefits.individual_enroll_many_params``,
``individual_unenroll_many_params``; reference §8 "Benefits").

Amounts are cents for ``fixed`` and basis points for ``percent`` (100 = 1%); match tiers are
basis points too, so a percentage or a tier value is at most 10,000.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator, model_validator

from roost.providers.records import BenefitFrequency, BenefitType

# One request enrolls or unenrolls at most this many people (a whole large company fits).
MAX_INDIVIDUALS = 10_000
BASIS_POINTS = 10_000

Description = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=255)]
RoostId = Annotated[str, StringConstraints(min_length=1, max_length=80)]


class Shape(BaseModel):
    model_config = ConfigDict(extra="ignore")


class MatchTierIn(Shape):
    match: int = Field(ge=0, le=BASIS_POINTS)
    threshold: int = Field(ge=0, le=BASIS_POINTS)


class CompanyMatchIn(Shape):
    """A company benefit's match schedule (``CompanyContribution`` of ``BenefitCreateParams``)."""

    type: Literal["match"]
    tiers: list[MatchTierIn] = Field(min_length=1, max_length=10)


class BenefitCreate(Shape):
    description: Description
    type: BenefitType
    frequency: BenefitFrequency
    company_contribution: CompanyMatchIn | None = None


class BenefitRegister(Shape):
    description: Description
    type: BenefitType
    frequency: BenefitFrequency


class BenefitUpdate(Shape):
    description: Description


def _percent_in_range(kind: str, amount: int | None) -> None:
    if kind == "percent" and amount is not None and amount > BASIS_POINTS:
        raise ValueError(f"a percent amount is in basis points, at most {BASIS_POINTS} (100%)")


class DeductionIn(Shape):
    type: Literal["fixed", "percent"]
    amount: int = Field(ge=0)

    @model_validator(mode="after")
    def _amount(self) -> DeductionIn:
        _percent_in_range(self.type, self.amount)
        return self


class ContributionIn(Shape):
    type: Literal["fixed", "percent", "tiered"]
    amount: int | None = Field(default=None, ge=0)
    tiers: list[MatchTierIn] | None = Field(default=None, max_length=10)

    @model_validator(mode="after")
    def _amount_or_tiers(self) -> ContributionIn:
        if self.type == "tiered" and not self.tiers:
            raise ValueError("tiers are required for a tiered contribution")
        if self.type != "tiered" and self.amount is None:
            raise ValueError(f"amount is required for a {self.type} contribution")
        _percent_in_range(self.type, self.amount)
        return self


class EnrollmentConfiguration(Shape):
    employee_deduction: DeductionIn | None = None
    company_contribution: ContributionIn | None = None
    annual_maximum: int | None = Field(default=None, ge=0)
    catch_up: bool | None = None
    annual_contribution_limit: Literal["individual", "family"] | None = None
    effective_date: dt.date | None = None

    @field_validator("effective_date", mode="before")
    @classmethod
    def _us_date(cls, value: Any) -> Any:
        # The SDK sends ISO dates; Finch's guide shows mm/dd/yyyy, which is accepted too.
        if isinstance(value, str) and len(value) == 10 and value[2] == "/" and value[5] == "/":
            month, day, year = value.split("/")
            return f"{year}-{month}-{day}"
        return value

    @model_validator(mode="after")
    def _something_to_enroll(self) -> EnrollmentConfiguration:
        if self.employee_deduction is None and self.company_contribution is None:
            raise ValueError("an enrollment needs an employee_deduction or a company_contribution")
        return self


class EnrollmentIn(Shape):
    individual_id: RoostId
    configuration: EnrollmentConfiguration


class UnenrollRequest(Shape):
    individual_ids: list[RoostId] = Field(min_length=1, max_length=MAX_INDIVIDUALS)


class BenefitWriteAccepted(BaseModel):
    """``CreateCompanyBenefitsResponse``, ``RegisterCompanyBenefitResponse`` and
    ``UpdateCompanyBenefitResponse``."""

    benefit_id: str
    job_id: str


class JobAccepted(BaseModel):
    """``EnrolledIndividualBenefitResponse`` and ``UnenrolledIndividualBenefitResponse``."""

    job_id: str
