"""Pricing paychecks: one template per employee, from which each period's paycheck is derived.

A template holds everything about an employee that does not change from one pay period to
the next. A paycheck depends only on the pay rate in effect, how much of the period was
worked, overtime hours and whether a bonus is due, so the priced line items are cached under
that key; most periods of most employees are a dictionary hit. The arithmetic holds exactly:
gross pay is the sum of earnings, and net pay is gross less employee taxes and deductions.
"""

from __future__ import annotations

from bisect import bisect_right
from datetime import date
from typing import NamedTuple

from roost.providers.records import Earning, EmployeeDeduction, EmployerContribution, Money, Tax
from roost.providers.sandbox.benefits import match_bp
from roost.providers.sandbox.pay_calendar import PERIODS_PER_YEAR, PayRun
from roost.providers.sandbox.randomness import Stream, mix
from roost.providers.sandbox.taxes import TaxProfile, share, withholding
from roost.providers.sandbox.workforce import Worker

__all__ = ["BONUS_MONTH", "PayTemplate", "Paycheck"]

BONUS_MONTH = 3  # annual bonuses go out on the first payroll of March
# Overtime hours (hundredths) an hourly employee works in a full period, equally likely.
_OVERTIME_CENTI = (0, 0, 0, 0, 0, 0, 200, 400, 400, 800)

# Paychecks kept per template: a year of an hourly employee's overtime variants, not every year's.
_MAX_PRICED = 8

_PriceKey = tuple[int, int, int, int, bool]


class Paycheck(NamedTuple):
    total_hours: float
    gross: int
    net: int
    gross_pay: Money
    net_pay: Money
    earnings: tuple[Earning, ...]
    taxes: tuple[Tax, ...]
    employee_deductions: tuple[EmployeeDeduction, ...]
    employer_contributions: tuple[EmployerContribution, ...]
    employee_taxes: int
    employer_taxes: int
    # What the payroll draws from the company: gross pay plus employer taxes and contributions.
    company_debit: int


class PayTemplate:
    """Everything about one employee's pay that holds across periods."""

    __slots__ = (
        "_bonus_bp",
        "_contractor",
        "_effective_dates",
        "_elections",
        "_hourly",
        "_overtime_key",
        "_paid_from",
        "_paid_through",
        "_periods",
        "_priced",
        "_rates",
        "_regular_hours_centi",
        "_tax_profile",
        "individual_source_id",
        "payment_method",
    )

    def __init__(self, seed: int, worker: Worker, tax_profile: TaxProfile | None) -> None:
        roster, pay = worker.roster, worker.pay
        self.individual_source_id = roster.source_id
        self.payment_method = pay.payment_method
        self._paid_from = roster.tenure.paid_from
        self._paid_through = roster.tenure.end_date
        self._effective_dates = tuple(effective for effective, _ in pay.income_history)
        self._rates = tuple(rate for _, rate in pay.income_history)
        self._hourly = roster.job.hourly
        self._contractor = worker.is_contractor
        self._periods = PERIODS_PER_YEAR[worker.pay_frequency]
        self._regular_hours_centi = pay.weekly_hours_centi * 52 // self._periods
        overtime_eligible = self._hourly and pay.flsa_status == "non_exempt"
        self._overtime_key = mix(seed, Stream.OVERTIME, roster.employee_index) if overtime_eligible else None
        self._bonus_bp = pay.bonus_bp
        self._elections = worker.elections
        self._tax_profile = tax_profile
        self._priced: dict[_PriceKey, Paycheck] = {}

    def paycheck(self, run: PayRun) -> Paycheck | None:
        """This employee's paycheck in ``run``, or None when they worked no day of its period."""
        # Plain comparisons rather than min()/max(): this runs once per employee per payment.
        first = run.period_start if run.period_start >= self._paid_from else self._paid_from
        last = run.period_end
        if self._paid_through is not None and self._paid_through < last:
            last = self._paid_through
        if last < first:
            return None
        worked, period_days = (last - first).days + 1, run.period_days
        full = worked == period_days
        rate = self._rates[-1] if last >= self._effective_dates[-1] else self._rate_on(last)
        overtime = 0
        if full and self._overtime_key is not None:
            overtime = _OVERTIME_CENTI[
                mix(self._overtime_key, run.pay_date.toordinal()) % len(_OVERTIME_CENTI)
            ]
        bonus = full and self._bonus_bp > 0 and run.first_in_month and run.pay_date.month == BONUS_MONTH
        # Full periods share one entry whatever their length (semi-monthly periods vary).
        key = (rate, 0 if full else worked, 0 if full else period_days, overtime, bonus)
        priced = self._priced.get(key)
        if priced is None:
            if len(self._priced) >= _MAX_PRICED:
                self._priced.clear()
            priced = self._priced[key] = self._price(rate, worked, period_days, overtime, bonus)
        return priced

    def _rate_on(self, day: date) -> int:
        return self._rates[max(bisect_right(self._effective_dates, day) - 1, 0)]

    def _price(self, rate: int, worked: int, period_days: int, overtime_centi: int, bonus: bool) -> Paycheck:
        full = worked == period_days
        earnings = self._earnings(rate, worked, period_days, overtime_centi, bonus)
        gross = sum(earning.amount or 0 for earning in earnings)
        hours = sum(earning.hours or 0.0 for earning in earnings)
        deductions, contributions, pre_tax, fica_exempt = self._benefit_lines(gross, full=full)
        taxes: tuple[Tax, ...] = ()
        employee_taxes = employer_taxes = 0
        if self._tax_profile is not None:
            taxes, employee_taxes, employer_taxes = withholding(
                self._tax_profile, gross - pre_tax, gross - fica_exempt
            )
        net = gross - employee_taxes - sum(deduction.amount or 0 for deduction in deductions)
        contributed = sum(contribution.amount or 0 for contribution in contributions)
        return Paycheck(
            total_hours=round(hours, 2),
            gross=gross,
            net=net,
            gross_pay=Money(amount=gross),
            net_pay=Money(amount=net),
            earnings=earnings,
            taxes=taxes,
            employee_deductions=deductions,
            employer_contributions=contributions,
            employee_taxes=employee_taxes,
            employer_taxes=employer_taxes,
            company_debit=gross + employer_taxes + contributed,
        )

    def _earnings(
        self, rate: int, worked: int, period_days: int, overtime_centi: int, bonus: bool
    ) -> tuple[Earning, ...]:
        hours_centi = self._regular_hours_centi * worked // period_days
        if not self._hourly:
            salary = rate // self._periods * worked // period_days
            lines = [Earning(type="salary", name="Salary", amount=salary, hours=hours_centi / 100)]
            if bonus:
                lines.append(Earning(type="bonus", name="Annual Bonus", amount=share(rate, self._bonus_bp)))
            return tuple(lines)
        regular_pay = (rate * hours_centi + 50) // 100
        if self._contractor:
            return (
                Earning(type="1099", name="Contractor Payment", amount=regular_pay, hours=hours_centi / 100),
            )
        lines = [Earning(type="wage", name="Regular Pay", amount=regular_pay, hours=hours_centi / 100)]
        if overtime_centi:
            # FLSA: time and a half for hours over 40 a week.
            overtime_pay = (rate * 3 * overtime_centi + 100) // 200
            lines.append(
                Earning(type="overtime", name="Overtime", amount=overtime_pay, hours=overtime_centi / 100)
            )
        return tuple(lines)

    def _benefit_lines(
        self, gross: int, *, full: bool
    ) -> tuple[tuple[EmployeeDeduction, ...], tuple[EmployerContribution, ...], int, int]:
        deductions: list[EmployeeDeduction] = []
        contributions: list[EmployerContribution] = []
        pre_tax = fica_exempt = 0
        for election in self._elections:
            plan = election.plan
            if election.kind == "fixed" and not full:
                continue
            amount = share(gross, election.amount) if election.kind == "percent" else election.amount
            deductions.append(
                EmployeeDeduction(
                    name=plan.deduction_name, amount=amount, pre_tax=plan.pre_tax, type=plan.type
                )
            )
            pre_tax += amount if plan.pre_tax else 0
            fica_exempt += amount if plan.fica_exempt else 0
            employer = (
                share(gross, match_bp(election.amount)) if plan.type == "401k" else election.employer_amount
            )
            if employer and plan.contribution_name is not None:
                contributions.append(
                    EmployerContribution(name=plan.contribution_name, amount=employer, type=plan.type)
                )
        return tuple(deductions), tuple(contributions), pre_tax, fica_exempt
