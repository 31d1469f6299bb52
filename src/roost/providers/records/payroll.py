"""Payroll: pay groups, payments and the pay statements a payment is made of.

Finch's ``/employer/pay-groups``, ``/employer/payment`` and ``/employer/pay-statement`` shapes
(reference/finch-api.md §8; ``finch.types.payroll``, ``finch.types.hris.payment``,
``finch.types.hris.pay_statement``). Amounts are integer cents.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal, TypeAlias

from roost.providers.records.benefits import BenefitType
from roost.providers.records.common import Money

__all__ = [
    "Earning",
    "EarningType",
    "EmployeeDeduction",
    "EmployerContribution",
    "PayFrequency",
    "PayGroup",
    "PayPeriod",
    "PayStatement",
    "PayStatementType",
    "Payment",
    "PaymentMethod",
    "Tax",
    "TaxType",
]

PayFrequency: TypeAlias = Literal[
    "annually",
    "bi_weekly",
    "daily",
    "monthly",
    "other",
    "quarterly",
    "semi_annually",
    "semi_monthly",
    "weekly",
]
EarningType: TypeAlias = Literal[
    "salary",
    "wage",
    "reimbursement",
    "overtime",
    "severance",
    "double_overtime",
    "pto",
    "sick",
    "bonus",
    "commission",
    "tips",
    "1099",
    "other",
]
TaxType: TypeAlias = Literal["state", "federal", "local", "fica"]
PaymentMethod: TypeAlias = Literal["check", "direct_deposit", "other"]
PayStatementType: TypeAlias = Literal["regular_payroll", "off_cycle_payroll", "one_time_payment"]


@dataclass(frozen=True, slots=True, kw_only=True)
class PayGroup:
    source_id: str
    entity_source_id: str | None = None
    name: str
    pay_frequencies: tuple[PayFrequency, ...]
    individual_source_ids: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class PayPeriod:
    start_date: date | None
    end_date: date | None


@dataclass(frozen=True, slots=True, kw_only=True)
class Payment:
    source_id: str
    entity_source_id: str | None = None
    pay_date: date | None
    debit_date: date | None = None
    pay_period: PayPeriod | None = None
    company_debit: Money | None = None
    gross_pay: Money | None = None
    net_pay: Money | None = None
    employer_taxes: Money | None = None
    employee_taxes: Money | None = None
    individual_source_ids: tuple[str, ...] = ()
    pay_group_source_ids: tuple[str, ...] = ()
    pay_frequencies: tuple[PayFrequency, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Earning:
    type: EarningType | None
    name: str | None
    amount: int | None
    currency: str = "usd"
    hours: float | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Tax:
    """A tax on the statement; ``employer=True`` taxes are the employer's and not withheld."""

    type: TaxType | None
    name: str | None
    employer: bool | None
    amount: int | None
    currency: str = "usd"


@dataclass(frozen=True, slots=True, kw_only=True)
class EmployeeDeduction:
    name: str | None
    amount: int | None
    pre_tax: bool | None
    type: BenefitType | None
    currency: str = "usd"


@dataclass(frozen=True, slots=True, kw_only=True)
class EmployerContribution:
    name: str | None
    amount: int | None
    type: BenefitType | None
    currency: str = "usd"


@dataclass(frozen=True, slots=True, kw_only=True)
class PayStatement:
    source_id: str
    payment_source_id: str
    individual_source_id: str
    type: PayStatementType | None = None
    payment_method: PaymentMethod | None = None
    total_hours: float | None = None
    gross_pay: Money | None = None
    net_pay: Money | None = None
    earnings: tuple[Earning, ...] = ()
    taxes: tuple[Tax, ...] = ()
    employee_deductions: tuple[EmployeeDeduction, ...] = ()
    employer_contributions: tuple[EmployerContribution, ...] = ()
