"""Pay calendars: when each pay frequency pays, and for which period.

Weekly and bi-weekly payrolls pay on Fridays for the Monday-to-Sunday period that ended
five days before. Semi-monthly payrolls pay on the 15th for the second half of the previous
month and on the last day of the month for its first half, moved back to the Friday when
they fall on a weekend. The company's account is debited two business days before pay day.
Bank holidays are ignored.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal, TypeAlias

__all__ = ["FREQUENCIES", "FREQUENCY_CODES", "PERIODS_PER_YEAR", "Frequency", "PayCalendar", "PayRun"]

Frequency: TypeAlias = Literal["bi_weekly", "semi_monthly", "weekly"]
FREQUENCIES: tuple[Frequency, ...] = ("bi_weekly", "semi_monthly", "weekly")
PERIODS_PER_YEAR: dict[Frequency, int] = {"weekly": 52, "bi_weekly": 26, "semi_monthly": 24}
# Short codes the sandbox's pay group and payment ids use.
FREQUENCY_CODES: dict[Frequency, str] = {"bi_weekly": "bw", "semi_monthly": "sm", "weekly": "wk"}

_FRIDAY = 4
_DAY = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class PayRun:
    """One pay day of one calendar: the dates a payment carries."""

    pay_date: date
    debit_date: date
    period_start: date
    period_end: date
    period_days: int
    # The first pay day of its month, when bonuses are paid.
    first_in_month: bool


@dataclass(frozen=True, slots=True)
class PayCalendar:
    frequency: Frequency
    # A Friday that is a bi-weekly pay day; every 14th day from it is one too.
    biweekly_anchor: date

    def runs(self, start: date, end: date) -> Iterator[PayRun]:
        """The runs whose pay day falls in ``[start, end]``, in pay-day order."""
        if self.frequency == "semi_monthly":
            yield from _semi_monthly_runs(start, end)
            return
        step = 7 if self.frequency == "weekly" else 14
        if step == 7:
            pay_date = start + timedelta(days=(_FRIDAY - start.weekday()) % 7)
        else:
            pay_date = start + timedelta(days=(self.biweekly_anchor - start).days % 14)
        while pay_date <= end:
            period_end = pay_date - timedelta(days=5)
            yield _run(
                pay_date, period_end - timedelta(days=step - 1), period_end, first=pay_date.day <= step
            )
            pay_date += timedelta(days=step)

    def run_on(self, pay_date: date) -> PayRun | None:
        """The run paying on ``pay_date``, or None when it is not a pay day of this calendar."""
        return next(self.runs(pay_date, pay_date), None)


def _semi_monthly_runs(start: date, end: date) -> Iterator[PayRun]:
    year, month = start.year, start.month
    while date(year, month, 1) <= end:
        last_day = calendar.monthrange(year, month)[1]
        previous_month_end = date(year, month, 1) - _DAY
        halves = (
            (15, previous_month_end.replace(day=16), previous_month_end, True),
            (last_day, date(year, month, 1), date(year, month, 15), False),
        )
        for day, period_start, period_end, first in halves:
            pay_date = _on_or_before_business_day(date(year, month, day))
            if start <= pay_date <= end:
                yield _run(pay_date, period_start, period_end, first=first)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def _run(pay_date: date, period_start: date, period_end: date, *, first: bool) -> PayRun:
    return PayRun(
        pay_date=pay_date,
        debit_date=_business_days_before(pay_date, 2),
        period_start=period_start,
        period_end=period_end,
        period_days=(period_end - period_start).days + 1,
        first_in_month=first,
    )


def _on_or_before_business_day(day: date) -> date:
    while day.weekday() >= 5:
        day -= _DAY
    return day


def _business_days_before(day: date, count: int) -> date:
    for _ in range(count):
        day = _on_or_before_business_day(day - _DAY)
    return day
