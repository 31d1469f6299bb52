"""Sandbox payroll re-dressed as Gusto pay schedules, payrolls and employee compensations.

Shapes per reference/providers.md §1.6 ("PaySchedule", "Payroll", "employee_compensations[]").
"""

from __future__ import annotations

from typing import Any

from roost.emulators.gusto_shapes import gusto_uuid, hours, money
from roost.providers.records import Earning, PayGroup, Payment, PayStatement

FREQUENCIES = {
    "weekly": "Every week",
    "bi_weekly": "Every other week",
    "semi_monthly": "Twice per month",
    "monthly": "Monthly",
    "quarterly": "Quarterly",
    "annually": "Annually",
}
HOURLY_NAMES = {"wage": "Regular Hours", "salary": "Regular Hours", "overtime": "Overtime"}
HOURLY_NAMES["double_overtime"] = "Double overtime"
FIXED_NAMES = {
    "bonus": "Bonus",
    "commission": "Commission",
    "tips": "Paycheck Tips",
    "severance": "Severance",
}
PTO_NAMES = {"pto": "Vacation Hours", "sick": "Sick Hours"}


def pay_schedule(seed: int, group: PayGroup) -> dict[str, Any]:
    frequency = group.pay_frequencies[0] if group.pay_frequencies else "bi_weekly"
    return {
        "uuid": gusto_uuid(seed, group.source_id),
        "frequency": FREQUENCIES.get(frequency, "Every other week"),
        "name": group.name,
        "custom_name": group.name,
        "active": True,
    }


def payroll(seed: int, company_uuid: str, payment: Payment, include: frozenset[str]) -> dict[str, Any]:
    period = payment.pay_period
    schedule = payment.pay_group_source_ids[0] if payment.pay_group_source_ids else None
    shaped: dict[str, Any] = {
        "uuid": gusto_uuid(seed, payment.source_id),
        "payroll_uuid": gusto_uuid(seed, payment.source_id),
        "company_uuid": company_uuid,
        "processed": True,
        "check_date": payment.pay_date.isoformat() if payment.pay_date else None,
        "off_cycle": False,
        "external": False,
        "pay_period": {
            "start_date": period.start_date.isoformat() if period and period.start_date else None,
            "end_date": period.end_date.isoformat() if period and period.end_date else None,
            "pay_schedule_uuid": gusto_uuid(seed, schedule) if schedule else None,
        },
        "payroll_status_meta": {
            "expected_debit_time": f"{payment.debit_date.isoformat()}T16:00:00Z"
            if payment.debit_date
            else None
        },
    }
    if "totals" in include:
        shaped["totals"] = {
            "company_debit": money(payment.company_debit.amount if payment.company_debit else None),
            "gross_pay": money(payment.gross_pay.amount if payment.gross_pay else None),
            "net_pay": money(payment.net_pay.amount if payment.net_pay else None),
            "employer_taxes": money(payment.employer_taxes.amount if payment.employer_taxes else None),
            "employee_taxes": money(payment.employee_taxes.amount if payment.employee_taxes else None),
        }
    return shaped


def employee_compensation(seed: int, statement: PayStatement, include: frozenset[str]) -> dict[str, Any]:
    earnings = statement.earnings
    shaped: dict[str, Any] = {
        "employee_uuid": gusto_uuid(seed, statement.individual_source_id),
        "excluded": False,
        "gross_pay": money(statement.gross_pay.amount if statement.gross_pay else None),
        "net_pay": money(statement.net_pay.amount if statement.net_pay else None),
        "payment_method": "Check" if statement.payment_method == "check" else "Direct Deposit",
        "hourly_compensations": [_hourly(e) for e in earnings if e.type in HOURLY_NAMES],
        "fixed_compensations": [_fixed(e) for e in earnings if _is_fixed(e)],
        "paid_time_off": [
            {"name": PTO_NAMES[e.type], "hours": hours(e.hours)} for e in earnings if e.type in PTO_NAMES
        ],
        "reimbursements": [{"amount": money(e.amount)} for e in earnings if e.type == "reimbursement"],
    }
    if "taxes" in include:
        shaped["taxes"] = [
            {"name": t.name, "employer": t.employer, "amount": money(t.amount)} for t in statement.taxes
        ]
    if "benefits" in include:
        shaped["benefits"] = [
            {"name": d.name, "employee_deduction": money(d.amount), "company_contribution": "0.00"}
            for d in statement.employee_deductions
        ] + [
            {"name": c.name, "employee_deduction": "0.00", "company_contribution": money(c.amount)}
            for c in statement.employer_contributions
        ]
    if "deductions" in include:
        shaped["deductions"] = []
    return shaped


def _hourly(earning: Earning) -> dict[str, Any]:
    return {
        "name": HOURLY_NAMES[earning.type or "wage"],
        "hours": hours(earning.hours),
        "amount": money(earning.amount),
        "compensation_multiplier": 1.5 if earning.type == "overtime" else 1.0,
        "flsa_status": "Exempt" if earning.type == "salary" else "Nonexempt",
    }


def _is_fixed(earning: Earning) -> bool:
    known = {*HOURLY_NAMES, *PTO_NAMES, "reimbursement"}
    return earning.type not in known


def _fixed(earning: Earning) -> dict[str, Any]:
    return {"name": FIXED_NAMES.get(earning.type or "", earning.name), "amount": money(earning.amount)}
