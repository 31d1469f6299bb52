"""Tax withholding on a sandbox paycheck, and the W-4 choices that drive the federal part.

Federal withholding follows the shape of IRS Publication 15-T's percentage method: the
paycheck is annualized, the W-4 adjustments and standard deduction applied, the 2024 brackets
run, credits subtracted, and the result divided back per paycheck plus any extra
withholding. Wage bases (Social Security's cap, FUTA and SUTA) are not modelled, so every
paycheck can be priced on its own without year-to-date totals.
"""

from __future__ import annotations

import random
from datetime import date
from typing import NamedTuple

from roost.providers.records import MaritalStatus, Tax, W4DocumentType
from roost.providers.records import W4FilingStatus2005 as Filing2005
from roost.providers.records import W4FilingStatus2020 as Filing2020
from roost.providers.sandbox.geography import STATE_DISABILITY_BP, STATE_INCOME_TAX_BP, LocalTax
from roost.providers.sandbox.randomness import pick

__all__ = [
    "CHILD_CREDIT",
    "OTHER_DEPENDENT_CREDIT",
    "TaxProfile",
    "W4Choices",
    "draw_w4",
    "share",
    "withholding",
]

_SOCIAL_SECURITY_BP = 620
_MEDICARE_BP = 145
_ALLOWANCE = 430_000  # the 2019 withholding allowance, cents per year
CHILD_CREDIT = 200_000
OTHER_DEPENDENT_CREDIT = 50_000

# 2024 brackets: (upper bound of taxable income in cents, rate in basis points).
_Brackets = tuple[tuple[int, int], ...]
_TOP = 10**15
_SINGLE: _Brackets = (
    (1_160_000, 1000), (4_715_000, 1200), (10_052_500, 2200), (19_195_000, 2400),
    (24_372_500, 3200), (60_935_000, 3500), (_TOP, 3700),
)  # fmt: skip
_JOINT: _Brackets = (
    (2_320_000, 1000), (9_430_000, 1200), (20_105_000, 2200), (38_390_000, 2400),
    (48_745_000, 3200), (73_120_000, 3500), (_TOP, 3700),
)  # fmt: skip
_HEAD: _Brackets = (
    (1_655_000, 1000), (6_310_000, 1200), (10_050_000, 2200), (19_195_000, 2400),
    (24_370_000, 3200), (60_935_000, 3500), (_TOP, 3700),
)  # fmt: skip
_STANDARD_DEDUCTION = {"single": 1_460_000, "joint": 2_920_000, "head": 2_190_000}
_BRACKETS = {"single": _SINGLE, "joint": _JOINT, "head": _HEAD}
_TABLE_OF_STATUS = {
    "single_or_married_filing_separately": "single",
    "married_filing_jointly_or_qualifying_surviving_spouse": "joint",
    "head_of_household": "head",
    "single": "single",
    "married_but_withhold_at_higher_single_rate": "single",
    "married": "joint",
}


class W4Choices(NamedTuple):
    """What an employee put on their W-4; the 2005 form uses allowances, the 2020 one amounts."""

    form: W4DocumentType
    year: int
    # Exactly one of the two is set, the one of `form`.
    filing_2020: Filing2020 | None
    filing_2005: Filing2005 | None
    children: int
    other_dependents: int
    other_income: int
    deductions: int
    # Cents per paycheck.
    extra_withholding: int
    allowances: int
    exempt: bool

    @property
    def filing_status(self) -> str:
        return self.filing_2020 or self.filing_2005 or "single"


class TaxProfile(NamedTuple):
    w4: W4Choices
    state: str
    local: LocalTax | None
    periods_per_year: int


def draw_w4(rng: random.Random, *, start: date, today: date, marital_status: MaritalStatus) -> W4Choices:
    """A W-4 filed at hire; long-tenured employees often still have the pre-2020 form on file."""
    married = marital_status in ("married", "domestic_partner")
    children = (1 + int(rng.random() * 3)) if rng.random() < (0.55 if married else 0.15) else 0
    other_dependents = 1 if rng.random() < 0.1 else 0
    extra = pick(rng, (1_000, 2_500, 5_000, 10_000)) if rng.random() < 0.1 else 0
    if today.year < 2020 or (start.year < 2020 and rng.random() < 0.6):
        status_2005: Filing2005 = "single"
        if married:
            status_2005 = "married" if rng.random() < 0.8 else "married_but_withhold_at_higher_single_rate"
        allowances = min(children + (2 if married else 1), 6)
        exempt = rng.random() < 0.01
        year = min(start.year, 2019)
        return W4Choices("w4_2005", year, None, status_2005, 0, 0, 0, 0, extra, allowances, exempt)
    status_2020: Filing2020 = "single_or_married_filing_separately"
    if married:
        status_2020 = "married_filing_jointly_or_qualifying_surviving_spouse"
    elif children:
        status_2020 = "head_of_household"
    other_income = pick(rng, (100_000, 500_000, 2_000_000)) if rng.random() < 0.1 else 0
    deductions = pick(rng, (200_000, 800_000, 1_500_000)) if rng.random() < 0.08 else 0
    # Long-tenured employees refiled on the new form some year since it came out.
    year = start.year if start.year >= 2020 else 2020 + int(rng.random() * (today.year - 2019))
    return W4Choices(
        "w4_2020",
        year,
        status_2020,
        None,
        children,
        other_dependents,
        other_income,
        deductions,
        extra,
        0,
        False,
    )


def withholding(profile: TaxProfile, taxable: int, fica_wages: int) -> tuple[tuple[Tax, ...], int, int]:
    """The tax lines of a paycheck, with the employee's and the employer's totals.

    ``taxable`` is gross pay less pre-tax deductions; ``fica_wages`` is gross pay less the
    deductions that are also FICA-exempt (section 125 plans, HSA).
    """
    state_bp = STATE_INCOME_TAX_BP.get(profile.state, 0)
    employee = [
        Tax(type="federal", name="Federal Income Tax", employer=False, amount=_federal(profile, taxable))
    ]
    if state_bp:
        state_tax = share(taxable, state_bp)
        employee.append(
            Tax(type="state", name=f"{profile.state} State Income Tax", employer=False, amount=state_tax)
        )
    if profile.state in STATE_DISABILITY_BP:
        name, rate = STATE_DISABILITY_BP[profile.state]
        employee.append(Tax(type="state", name=name, employer=False, amount=share(fica_wages, rate)))
    if profile.local is not None:
        local_tax = share(taxable, profile.local.rate_bp)
        employee.append(Tax(type="local", name=profile.local.name, employer=False, amount=local_tax))
    social_security, medicare = share(fica_wages, _SOCIAL_SECURITY_BP), share(fica_wages, _MEDICARE_BP)
    employee.append(Tax(type="fica", name="Social Security", employer=False, amount=social_security))
    employee.append(Tax(type="fica", name="Medicare", employer=False, amount=medicare))
    employer = (
        Tax(type="fica", name="Social Security Employer", employer=True, amount=social_security),
        Tax(type="fica", name="Medicare Employer", employer=True, amount=medicare),
    )
    employee_total = sum(tax.amount or 0 for tax in employee)
    return (*employee, *employer), employee_total, social_security + medicare


def _federal(profile: TaxProfile, taxable: int) -> int:
    w4 = profile.w4
    if w4.exempt:
        return 0
    table = _TABLE_OF_STATUS[w4.filing_status]
    annual = taxable * profile.periods_per_year + w4.other_income - w4.deductions
    annual -= _STANDARD_DEDUCTION[table] + w4.allowances * _ALLOWANCE
    tax = _progressive(annual, _BRACKETS[table])
    tax -= w4.children * CHILD_CREDIT + w4.other_dependents * OTHER_DEPENDENT_CREDIT
    return max(tax, 0) // profile.periods_per_year + w4.extra_withholding


def _progressive(income: int, brackets: _Brackets) -> int:
    tax, floor = 0, 0
    for bound, rate in brackets:
        if income <= floor:
            break
        tax += (min(income, bound) - floor) * rate // 10_000
        floor = bound
    return tax


def share(amount: int, rate_bp: int) -> int:
    """``rate_bp`` basis points of ``amount``, rounded half up."""
    return (amount * rate_bp + 5_000) // 10_000
