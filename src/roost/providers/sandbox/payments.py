"""Payroll runs: pay groups, the payments of each pay day, and their pay statements.

Each (entity, pay frequency) pair is a pay group with its own payment every pay day from
the history start to today. A payment's totals are the sums over its statements, so listing
payments prices every paycheck. Pay templates are kept for the first ``TEMPLATE_CACHE_SIZE``
employees (about 7 KB each), so a year of payroll for a company up to that size prices each
employee's template once. Beyond it the other templates are re-derived for every payment:
memory stays bounded whatever the size, at the cost of speed for very large companies. The
paychecks of listed payments are kept for their statements (``PAID_CACHE_PAYCHECKS``): a
sync lists every payment before it fetches statements, and a template prices only its last
few pay runs, so pricing them again cost more than anything else in the sandbox.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

from roost.providers.records import Entity, Money, PayGroup, Payment, PayPeriod, PayStatement
from roost.providers.sandbox.pay_calendar import FREQUENCIES, FREQUENCY_CODES, Frequency, PayCalendar, PayRun
from roost.providers.sandbox.payroll import Paycheck, PayTemplate
from roost.providers.sandbox.workforce import Workforce, employee_source_id, pay_group_source_id

__all__ = ["TEMPLATE_CACHE_SIZE", "Payroll"]

TEMPLATE_CACHE_SIZE = 16_384
# A sync lists every payment (whose totals price every paycheck) before it asks for any
# payment's statements; the paychecks of listed payments are kept for that, up to this many
# in all (~70 bytes each: they share the templates' priced paychecks), so a year of payroll
# for 10,000 employees is priced once and a larger company still has bounded memory.
PAID_CACHE_PAYCHECKS = 250_000
_GROUP_NAMES: dict[Frequency, str] = {
    "bi_weekly": "Bi-Weekly",
    "semi_monthly": "Semi-Monthly",
    "weekly": "Weekly",
}
_FREQUENCY_OF_CODE: dict[str, Frequency] = {code: frequency for frequency, code in FREQUENCY_CODES.items()}
_PAYMENT_ID = re.compile(r"pmt-([1-9][0-9]*)-([a-z]{2})-([0-9]{4})([0-9]{2})([0-9]{2})")


class Payroll:
    def __init__(
        self,
        seed: int,
        workforce: Workforce,
        entities: tuple[Entity, ...],
        biweekly_anchor: date,
        history: tuple[date, date],
    ) -> None:
        self._seed = seed
        self._workforce = workforce
        self._entities = entities
        self._calendars = {frequency: PayCalendar(frequency, biweekly_anchor) for frequency in FREQUENCIES}
        self._history_start, self._today = history
        self._templates: dict[int, PayTemplate] = {}
        self._listed: dict[str, list[tuple[PayTemplate, Paycheck]]] = {}
        self._listed_paychecks = 0

    def pay_groups(self) -> list[PayGroup]:
        multi_entity = len(self._entities) > 1
        return [
            PayGroup(
                source_id=pay_group_source_id(number, frequency),
                entity_source_id=entity.source_id,
                name=f"{_GROUP_NAMES[frequency]} Payroll" + (f" ({entity.name})" if multi_entity else ""),
                pay_frequencies=(frequency,),
                individual_source_ids=tuple(
                    map(employee_source_id, self._workforce.members(number, frequency))
                ),
            )
            for number, entity in enumerate(self._entities)
            for frequency in FREQUENCIES
        ]

    def payments(self, start: date, end: date) -> Iterator[Payment]:
        """Payments with a pay date in ``[start, end]`` (within the history), by pay date."""
        first, last = max(start, self._history_start), min(end, self._today)
        if first > last:
            return
        scheduled = sorted(
            ((run.pay_date, entity, order, frequency, run) for entity in range(len(self._entities))
             for order, frequency in enumerate(FREQUENCIES)
             for run in self._calendars[frequency].runs(first, last)),
            key=lambda item: item[:3],
        )  # fmt: skip
        for _, entity, _, frequency, run in scheduled:
            payment = self._payment(entity, frequency, run)
            if payment is not None:
                yield payment

    def pay_statements(self, payment_source_id: str) -> Iterator[PayStatement]:
        """The statements of one payment, in employee order; KeyError for an unknown payment."""
        entity, frequency, run = self._parse(payment_source_id)
        return self._statements(payment_source_id, entity, frequency, run)

    def _statements(
        self, payment_source_id: str, entity: int, frequency: Frequency, run: PayRun
    ) -> Iterator[PayStatement]:
        paid = self._listed.pop(payment_source_id, None)
        if paid is None:
            paid = self._paid(entity, frequency, run)
        else:
            self._listed_paychecks -= len(paid)
        for template, paycheck in paid:
            yield PayStatement(
                source_id=f"{payment_source_id}-{template.individual_source_id}",
                payment_source_id=payment_source_id,
                individual_source_id=template.individual_source_id,
                type="regular_payroll",
                payment_method=template.payment_method,
                total_hours=paycheck.total_hours,
                gross_pay=paycheck.gross_pay,
                net_pay=paycheck.net_pay,
                earnings=paycheck.earnings,
                taxes=paycheck.taxes,
                employee_deductions=paycheck.employee_deductions,
                employer_contributions=paycheck.employer_contributions,
            )

    def _payment(self, entity: int, frequency: Frequency, run: PayRun) -> Payment | None:
        source_id = _payment_source_id(entity, frequency, run.pay_date)
        paid = self._listed.get(source_id)
        if paid is None:
            paid = self._paid(entity, frequency, run)
            if self._listed_paychecks + len(paid) <= PAID_CACHE_PAYCHECKS:
                self._listed[source_id] = paid
                self._listed_paychecks += len(paid)
        if not paid:
            return None
        gross = sum(paycheck.gross for _, paycheck in paid)
        employer_taxes = sum(paycheck.employer_taxes for _, paycheck in paid)
        return Payment(
            source_id=source_id,
            entity_source_id=self._entities[entity].source_id,
            pay_date=run.pay_date,
            debit_date=run.debit_date,
            pay_period=PayPeriod(start_date=run.period_start, end_date=run.period_end),
            company_debit=Money(amount=sum(paycheck.company_debit for _, paycheck in paid)),
            gross_pay=Money(amount=gross),
            net_pay=Money(amount=sum(paycheck.net for _, paycheck in paid)),
            employer_taxes=Money(amount=employer_taxes),
            employee_taxes=Money(amount=sum(paycheck.employee_taxes for _, paycheck in paid)),
            individual_source_ids=tuple(template.individual_source_id for template, _ in paid),
            pay_group_source_ids=(pay_group_source_id(entity, frequency),),
            pay_frequencies=(frequency,),
        )

    def _paid(self, entity: int, frequency: Frequency, run: PayRun) -> list[tuple[PayTemplate, Paycheck]]:
        """Who one payment pays, and what."""
        paid = []
        for index in self._workforce.members(entity, frequency):
            template = self._template(index)
            paycheck = template.paycheck(run)
            if paycheck is not None:
                paid.append((template, paycheck))
        return paid

    def _template(self, index: int) -> PayTemplate:
        template = self._templates.get(index)
        if template is None:
            worker, _ = self._workforce.worker(index)
            template = PayTemplate(self._seed, worker, self._workforce.tax_profile(worker))
            if index < TEMPLATE_CACHE_SIZE:
                self._templates[index] = template
        return template

    def _parse(self, payment_source_id: str) -> tuple[int, Frequency, PayRun]:
        match = _PAYMENT_ID.fullmatch(payment_source_id)
        frequency = _FREQUENCY_OF_CODE.get(match.group(2)) if match else None
        if match is None or frequency is None:
            raise KeyError(payment_source_id)
        entity = int(match.group(1)) - 1
        try:
            pay_date = date(int(match.group(3)), int(match.group(4)), int(match.group(5)))
        except ValueError:
            raise KeyError(payment_source_id) from None
        run = self._calendars[frequency].run_on(pay_date)
        in_history = self._history_start <= pay_date <= self._today
        if run is None or not in_history or entity >= len(self._entities):
            raise KeyError(payment_source_id)
        return entity, frequency, run


def _payment_source_id(entity: int, frequency: Frequency, pay_date: date) -> str:
    return f"pmt-{entity + 1}-{FREQUENCY_CODES[frequency]}-{pay_date:%Y%m%d}"
