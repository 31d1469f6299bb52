"""Request shapes of the sandbox data edits (reference §11; ``finch.types.sandbox.*_params``).

Every field is optional, as in the SDK; what a request sets is what it changes
(``model_dump(exclude_unset=True)``). Enums are Finch's, so a typo is a 400, not bad data.
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field

from roost.providers.records import (
    BankAccountType,
    BenefitType,
    ContactType,
    EarningType,
    EmploymentStatus,
    EmploymentSubtype,
    EmploymentType,
    Ethnicity,
    FlsaStatus,
    Gender,
    IncomeUnit,
    LegalEntitySubtype,
    LegalEntityType,
    MaritalStatus,
    PaymentMethod,
    PayStatementType,
    TaxType,
)


class Shape(BaseModel):
    model_config = ConfigDict(extra="ignore")


class LocationIn(Shape):
    line1: str | None = None
    line2: str | None = None
    city: str | None = None
    state: str | None = None
    postal_code: str | None = None
    country: str | None = None
    name: str | None = None
    source_id: str | None = None


class IncomeIn(Shape):
    amount: int | None = None
    unit: IncomeUnit | None = None
    effective_date: dt.date | None = None
    currency: str | None = "usd"


class EmailIn(Shape):
    data: str
    type: ContactType | None = None


class PhoneNumberIn(Shape):
    data: str | None = None
    type: ContactType | None = None


class NamedIn(Shape):
    name: str | None = None


class EmploymentKindIn(Shape):
    type: EmploymentType | None = None
    subtype: EmploymentSubtype | None = None


class ManagerIn(Shape):
    id: str = Field(min_length=1, max_length=80)


class CustomFieldIn(Shape):
    name: str | None = None
    value: str | int | float | bool | None = None


class IndividualFields(Shape):
    """``PUT /sandbox/individual/{id}`` (``IndividualUpdateParams``)."""

    first_name: str | None = None
    middle_name: str | None = None
    last_name: str | None = None
    preferred_name: str | None = None
    dob: dt.date | None = None
    gender: Gender | None = None
    ethnicity: Ethnicity | None = None
    marital_status: MaritalStatus | None = None
    emails: list[EmailIn] | None = None
    phone_numbers: list[PhoneNumberIn | None] | None = None
    residence: LocationIn | None = None
    ssn: str | None = None
    encrypted_ssn: str | None = None


class EmploymentFields(Shape):
    """``PUT /sandbox/employment/{id}`` (``EmploymentUpdateParams``)."""

    first_name: str | None = None
    middle_name: str | None = None
    last_name: str | None = None
    title: str | None = None
    department: NamedIn | None = None
    manager: ManagerIn | None = None
    employment: EmploymentKindIn | None = None
    employment_status: EmploymentStatus | None = None
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    latest_rehire_date: dt.date | None = None
    is_active: bool | None = None
    class_code: str | None = None
    flsa_status: FlsaStatus | None = None
    location: LocationIn | None = None
    income: IncomeIn | None = None
    income_history: list[IncomeIn | None] | None = None
    custom_fields: list[CustomFieldIn] | None = None
    benefit_eligibility_class: str | None = None
    highly_compensated_employee: bool | None = None
    key_employee: bool | None = None
    union_code: str | None = None
    union_local: str | None = None
    source_id: str | None = Field(default=None, max_length=200)


class DirectoryPerson(IndividualFields, EmploymentFields):
    """One element of ``POST /sandbox/directory``: individual and employment fields together."""


class DepartmentIn(Shape):
    name: str | None = None
    parent: NamedIn | None = None


class LegalEntityIn(Shape):
    type: LegalEntityType | None = None
    subtype: LegalEntitySubtype | None = None


class BankAccountIn(Shape):
    institution_name: str | None = None
    account_name: str | None = None
    account_type: BankAccountType | None = None
    account_number: str | None = None
    routing_number: str | None = None


class CompanyFields(Shape):
    """``PUT /sandbox/company`` (``CompanyUpdateParams``): every Company key but ``id``."""

    legal_name: str | None = None
    entity: LegalEntityIn | None = None
    ein: str | None = None
    primary_email: str | None = None
    primary_phone_number: str | None = None
    departments: list[DepartmentIn | None] | None = None
    locations: list[LocationIn | None] | None = None
    accounts: list[BankAccountIn] | None = None


class EarningIn(Shape):
    type: EarningType | None = None
    name: str | None = None
    amount: int | None = None
    hours: float | None = None


class TaxIn(Shape):
    type: TaxType | None = None
    name: str | None = None
    employer: bool | None = None
    amount: int | None = None


class DeductionIn(Shape):
    name: str | None = None
    amount: int | None = None
    pre_tax: bool | None = None
    type: BenefitType | None = None


class ContributionIn(Shape):
    name: str | None = None
    amount: int | None = None
    type: BenefitType | None = None


class PayStatementIn(Shape):
    """In this endpoint ``gross_pay`` and ``net_pay`` are integer cents, not Money (reference §11)."""

    individual_id: str = Field(min_length=1, max_length=80)
    earnings: list[EarningIn] = Field(default_factory=list, max_length=100)
    taxes: list[TaxIn] = Field(default_factory=list, max_length=100)
    employee_deductions: list[DeductionIn] = Field(default_factory=list, max_length=100)
    employer_contributions: list[ContributionIn] = Field(default_factory=list, max_length=100)
    gross_pay: int | None = None
    net_pay: int | None = None
    payment_method: PaymentMethod | None = None
    total_hours: float | None = None
    type: PayStatementType | None = None


class PaymentIn(Shape):
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    pay_statements: list[PayStatementIn] = Field(default_factory=list, max_length=10_000)


class PaymentCreated(BaseModel):
    payment_id: str
    pay_date: str
