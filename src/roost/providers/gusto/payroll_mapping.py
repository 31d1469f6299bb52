"""Gusto payrolls → Roost payments, pay groups and pay statements (reference/providers.md §3.2).

Choices the reference leaves open, made here:
- ``total_hours`` adds paid-time-off hours to worked hours (both are paid hours).
- Benefit lines carry no type in Gusto's payroll; the Finch ``BenefitType`` is read from the
  benefit's name (Gusto names company benefits by their description, e.g. "401(k)"), and
  ``pre_tax`` follows from that type. Unrecognised names stay untyped.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from roost.providers.gusto.mapping import Json, cents, day
from roost.providers.records import (
    BenefitType,
    Earning,
    EarningType,
    EmployeeDeduction,
    EmployerContribution,
    Money,
    PayFrequency,
    PayGroup,
    Payment,
    PayPeriod,
    PayStatement,
    Tax,
    TaxType,
)

FREQUENCIES: dict[str, PayFrequency] = {
    "Every week": "weekly",
    "Every other week": "bi_weekly",
    "Twice per month": "semi_monthly",
    "Monthly": "monthly",
    "Quarterly": "quarterly",
    "Annually": "annually",
}
HOURLY: dict[str, EarningType] = {
    "Regular Hours": "wage",
    "Regular": "wage",
    "Overtime": "overtime",
    "Double overtime": "double_overtime",
    "Holiday": "pto",
}
FIXED: dict[str, EarningType] = {
    "Bonus": "bonus",
    "Commission": "commission",
    "Paycheck Tips": "tips",
    "Cash Tips": "tips",
    "Severance": "severance",
    "Reimbursement": "reimbursement",
}
PAID_TIME_OFF: dict[str, EarningType] = {
    "Vacation Hours": "pto",
    "Holiday Hours": "pto",
    "Sick Hours": "sick",
}
# Checked in order: the first pattern found in a benefit's name gives its type.
BENEFIT_NAMES: tuple[tuple[str, BenefitType], ...] = (
    ("roth 401", "401k_roth"),
    ("401(k) loan", "401k_loan"),
    ("401", "401k"),
    ("roth 403", "403b_roth"),
    ("403", "403b"),
    ("roth 457", "457_roth"),
    ("457", "457"),
    ("simple ira", "simple_ira"),
    ("hsa", "hsa_pre"),
    ("dependent care", "fsa_dependent_care"),
    ("fsa", "fsa_medical"),
    ("dental", "s125_dental"),
    ("vision", "s125_vision"),
    ("medical", "s125_medical"),
    ("commuter", "commuter"),
)
POST_TAX: frozenset[BenefitType] = frozenset(
    {"401k_roth", "403b_roth", "457_roth", "401k_loan", "custom_post_tax"}
)
_STATE_PREFIX = re.compile(r"^[A-Z]{2} ")


def _usd(value: object) -> Money | None:
    amount = cents(value)
    return None if amount is None else Money(amount=amount)


def pay_group(schedule: Json, members: tuple[str, ...]) -> PayGroup:
    frequency = FREQUENCIES.get(schedule.get("frequency") or "", "other")
    return PayGroup(
        source_id=schedule["uuid"],
        name=schedule.get("custom_name")
        or schedule.get("name")
        or schedule.get("frequency")
        or "Pay schedule",
        pay_frequencies=(frequency,),
        individual_source_ids=members,
    )


def payment(
    payroll: Json, frequencies: Mapping[str, PayFrequency], individual_ids: tuple[str, ...]
) -> Payment:
    period = payroll.get("pay_period") or {}
    totals = payroll.get("totals") or {}
    schedule = period.get("pay_schedule_uuid")
    debit_time = (payroll.get("payroll_status_meta") or {}).get("expected_debit_time")
    return Payment(
        source_id=payroll.get("payroll_uuid") or payroll["uuid"],
        pay_date=day(payroll.get("check_date")),
        debit_date=day(debit_time),
        pay_period=PayPeriod(start_date=day(period.get("start_date")), end_date=day(period.get("end_date"))),
        company_debit=_usd(totals.get("company_debit")),
        gross_pay=_usd(totals.get("gross_pay")),
        net_pay=_usd(totals.get("net_pay")),
        employer_taxes=_usd(totals.get("employer_taxes")),
        employee_taxes=_usd(totals.get("employee_taxes")),
        individual_source_ids=individual_ids,
        pay_group_source_ids=(schedule,) if schedule else (),
        pay_frequencies=(frequencies[schedule],)
        if isinstance(schedule, str) and schedule in frequencies
        else (),
    )


def _hours(value: object) -> float | None:
    return None if value in (None, "") else float(str(value))


def _earnings(compensation: Json) -> list[Earning]:
    earnings: list[Earning] = []
    for line in compensation.get("hourly_compensations") or []:
        kind = HOURLY.get(line.get("name") or "", "other")
        if kind == "wage" and line.get("flsa_status") == "Exempt":
            kind = "salary"
        earnings.append(
            Earning(
                type=kind,
                name=line.get("name"),
                amount=cents(line.get("amount")),
                hours=_hours(line.get("hours")),
            )
        )
    for line in compensation.get("fixed_compensations") or []:
        kind = FIXED.get(line.get("name") or "", "other")
        earnings.append(Earning(type=kind, name=line.get("name"), amount=cents(line.get("amount"))))
    for line in compensation.get("paid_time_off") or []:
        # Gusto gives PTO hours only; the amount is inside the regular pay.
        kind = PAID_TIME_OFF.get(line.get("name") or "", "pto")
        earnings.append(
            Earning(type=kind, name=line.get("name"), amount=None, hours=_hours(line.get("hours")))
        )
    for line in compensation.get("reimbursements") or []:
        earnings.append(
            Earning(
                type="reimbursement",
                name=line.get("description") or "Reimbursement",
                amount=cents(line.get("amount")),
            )
        )
    # Every eligible line is present with zeroes when unused (providers.md §1.6): skip those.
    return [e for e in earnings if e.amount or e.hours]


def tax_type(name: str) -> TaxType:
    if name in ("Federal Income Tax", "FUTA") or name.startswith("Federal"):
        return "federal"
    if name.startswith(("Social Security", "Medicare")):
        return "fica"
    if _STATE_PREFIX.match(name) or any(word in name for word in ("State", "SUI", "SDI")):
        return "state"
    return "local"


def benefit_type(name: str) -> BenefitType | None:
    lowered = name.lower()
    return next((kind for pattern, kind in BENEFIT_NAMES if pattern in lowered), None)


def _deductions(compensation: Json) -> tuple[list[EmployeeDeduction], list[EmployerContribution]]:
    deductions: list[EmployeeDeduction] = []
    contributions: list[EmployerContribution] = []
    for line in compensation.get("benefits") or []:
        name = line.get("name") or ""
        kind = benefit_type(name)
        if cents(line.get("employee_deduction")):
            pre_tax = None if kind is None else kind not in POST_TAX
            deductions.append(
                EmployeeDeduction(
                    name=name, amount=cents(line["employee_deduction"]), pre_tax=pre_tax, type=kind
                )
            )
        if cents(line.get("company_contribution")):
            contributions.append(
                EmployerContribution(name=name, amount=cents(line["company_contribution"]), type=kind)
            )
    for line in compensation.get("deductions") or []:
        # Garnishments and other post-tax deductions; percent lines carry no dollar amount.
        if line.get("amount_type", "fixed") == "fixed" and cents(line.get("amount")):
            deductions.append(
                EmployeeDeduction(
                    name=line.get("name"), amount=cents(line["amount"]), pre_tax=False, type=None
                )
            )
    return deductions, contributions


def pay_statement(payroll: Json, compensation: Json) -> PayStatement:
    payroll_id: str = payroll.get("payroll_uuid") or payroll["uuid"]
    employee_id: str = compensation["employee_uuid"]
    earnings = _earnings(compensation)
    deductions, contributions = _deductions(compensation)
    method = compensation.get("payment_method")
    return PayStatement(
        source_id=f"{payroll_id}/{employee_id}",
        payment_source_id=payroll_id,
        individual_source_id=employee_id,
        type="off_cycle_payroll" if payroll.get("off_cycle") else "regular_payroll",
        payment_method="direct_deposit"
        if method == "Direct Deposit"
        else "check"
        if method == "Check"
        else "other",
        total_hours=sum(e.hours or 0.0 for e in earnings) or None,
        gross_pay=_usd(compensation.get("gross_pay")),
        net_pay=_usd(compensation.get("net_pay")),
        earnings=tuple(earnings),
        taxes=tuple(
            Tax(
                type=tax_type(t.get("name") or ""),
                name=t.get("name"),
                employer=bool(t.get("employer")),
                amount=cents(t.get("amount")),
            )
            for t in compensation.get("taxes") or []
        ),
        employee_deductions=tuple(deductions),
        employer_contributions=tuple(contributions),
    )


def included(compensation: Mapping[str, Any]) -> bool:
    return not compensation.get("excluded", False)
