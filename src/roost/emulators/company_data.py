"""The sandbox company an emulator serves, with the lookups every emulator needs.

Emulators re-dress :class:`SandboxCompany` records in their provider's shapes; this wrapper
adds what a provider API needs on top: employees and contractors apart (most providers list
them separately), and payments by id over the whole payroll history.
"""

from __future__ import annotations

from datetime import date
from functools import cached_property

from roost.providers.records import Employment, Individual, Payment
from roost.providers.sandbox.generator import CompanySpec, SandboxCompany

__all__ = ["EmulatedCompany"]


class EmulatedCompany:
    def __init__(self, spec: CompanySpec) -> None:
        self.spec = spec
        self.sandbox = SandboxCompany(spec)

    def person(self, index: int) -> tuple[Individual, Employment]:
        return self.sandbox.employee(index)

    @cached_property
    def _kinds(self) -> tuple[tuple[int, ...], tuple[int, ...]]:
        employees: list[int] = []
        contractors: list[int] = []
        for index, employment in enumerate(self.sandbox.employments()):
            kind = employment.employment.type if employment.employment else "employee"
            (contractors if kind == "contractor" else employees).append(index)
        return tuple(employees), tuple(contractors)

    @property
    def employee_indices(self) -> tuple[int, ...]:
        return self._kinds[0]

    @property
    def contractor_indices(self) -> tuple[int, ...]:
        return self._kinds[1]

    @cached_property
    def index_by_source_id(self) -> dict[str, int]:
        return {entry.source_id: index for index, entry in enumerate(self.sandbox.directory())}

    @cached_property
    def payments(self) -> tuple[Payment, ...]:
        return tuple(self.sandbox.payments(self.spec.first_history_day, self.spec.today))

    def payments_between(self, start: date, end: date) -> list[Payment]:
        return [p for p in self.payments if p.pay_date is not None and start <= p.pay_date <= end]
