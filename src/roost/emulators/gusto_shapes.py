"""Sandbox records re-dressed as Gusto API objects (reference/providers.md §1.6).

The generator speaks Finch; the Gusto emulator must speak Gusto so the adapter's mapping back
to Finch is real code under test. Ids become UUIDs (uuid5 of the company seed and the record's
source id, so they are stable across restarts), money becomes two-place decimal strings, hours
three-place strings, and enums take Gusto's spellings.
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from roost.providers.records import (
    Company,
    Employment,
    Individual,
    Location,
)

_NAMESPACE = uuid.UUID("0b9d3c1e-6f1a-4c7e-9a51-7d1f0c2b8e44")

ENTITY_TYPES = {
    ("corporation", "c_corporation"): "C-Corporation",
    ("corporation", "s_corporation"): "S-Corporation",
    ("corporation", None): "C-Corporation",
    ("llc", None): "LLC",
    ("lp", None): "Limited partnership",
    ("partnership", None): "General partnership",
    ("sole_proprietor", None): "Sole proprietor",
    ("non_profit", None): "Non-Profit",
}
PAYMENT_UNITS = {
    "hourly": "Hour",
    "weekly": "Week",
    "monthly": "Month",
    "yearly": "Year",
    "fixed": "Paycheck",
}
EMPLOYMENT_STATUSES = {
    "full_time": "full_time",
    "part_time": "part_time_twenty_plus_hours",
    "seasonal": "seasonal",
    "intern": "variable",
    "temp": "variable",
}


def gusto_uuid(seed: int, source_id: str) -> str:
    return str(uuid.uuid5(_NAMESPACE, f"{seed}/{source_id}"))


def money(cents: int | None) -> str:
    return f"{Decimal(cents or 0) / 100:.2f}"


def hours(value: float | None) -> str:
    return f"{value or 0:.3f}"


def phone_digits(e164: str | None) -> str | None:
    """Gusto stores US phone numbers as 10 digits."""
    return None if e164 is None else e164.removeprefix("+1")


def _address(location: Location, address_uuid: str) -> dict[str, Any]:
    return {
        "uuid": address_uuid,
        "street_1": location.line1,
        "street_2": location.line2,
        "city": location.city,
        "state": location.state,
        "zip": location.postal_code,
        "country": "USA" if location.country == "US" else location.country,
        "active": True,
    }


def company(seed: int, record: Company) -> dict[str, Any]:
    entity = record.entity
    key: tuple[str, str | None] = (entity.type or "", entity.subtype) if entity is not None else ("", None)
    return {
        "uuid": gusto_uuid(seed, record.source_id),
        "name": record.legal_name,
        "trade_name": None,
        "ein": record.ein,
        "entity_type": ENTITY_TYPES.get(key) or ENTITY_TYPES.get((key[0], None)),
        "company_status": "Approved",
        "is_suspended": False,
        "contractor_only": False,
        "primary_payroll_admin": {
            "first_name": "Payroll",
            "last_name": "Admin",
            "email": record.primary_email,
            "phone": phone_digits(record.primary_phone_number),
        },
        "locations": [location(seed, item) for item in record.locations],
    }


def location(seed: int, record: Location) -> dict[str, Any]:
    shaped = _address(record, gusto_uuid(seed, f"location/{record.source_id or record.line1}"))
    return {**shaped, "phone_number": None, "mailing_address": True, "filing_address": True}


def departments(seed: int, record: Company) -> list[dict[str, Any]]:
    # Gusto departments are flat (providers.md §1.5): hierarchy is dropped on purpose.
    return [
        {
            "uuid": gusto_uuid(seed, f"department/{d.name}"),
            "title": d.name,
            "employees": [],
            "contractors": [],
        }
        for d in record.departments
    ]


def compensation(seed: int, employment: Employment, index: int) -> dict[str, Any]:
    income = employment.income_history[index]
    flsa = {"exempt": "Exempt", "non_exempt": "Nonexempt"}.get(employment.flsa_status or "")
    return {
        "uuid": gusto_uuid(seed, f"{employment.source_id}/compensation/{index}"),
        "job_uuid": gusto_uuid(seed, f"{employment.source_id}/job"),
        "employee_uuid": gusto_uuid(seed, employment.source_id),
        "rate": money(income.amount),
        "payment_unit": PAYMENT_UNITS.get(income.unit or "", "Year"),
        "flsa_status": flsa,
        "effective_date": income.effective_date.isoformat() if income.effective_date else None,
    }


def job(seed: int, employment: Employment, all_compensations: bool) -> dict[str, Any]:
    count = len(employment.income_history)
    indices = range(count) if all_compensations else range(count - 1, count)
    compensations = [compensation(seed, employment, i) for i in indices if i >= 0]
    current = compensations[-1] if compensations else None
    work = employment.location
    is_wa = work is not None and work.state == "WA"
    return {
        "uuid": gusto_uuid(seed, f"{employment.source_id}/job"),
        "employee_uuid": gusto_uuid(seed, employment.source_id),
        "title": employment.title,
        "primary": True,
        "hire_date": employment.start_date.isoformat() if employment.start_date else None,
        "rate": current["rate"] if current else None,
        "payment_unit": current["payment_unit"] if current else None,
        "current_compensation_uuid": current["uuid"] if current else None,
        "location": location(seed, work) if work is not None else None,
        "state_wc_class_code": employment.class_code if is_wa else None,
        "compensations": compensations,
    }


def employee(
    seed: int, individual: Individual, employment: Employment, include: frozenset[str]
) -> dict[str, Any]:
    emails = {e.type: e.data for e in individual.emails}
    terminated = employment.employment_status == "terminated"
    subtype = employment.employment.subtype if employment.employment else None
    shaped: dict[str, Any] = {
        "uuid": gusto_uuid(seed, individual.source_id),
        "first_name": individual.first_name,
        "middle_initial": (individual.middle_name or "")[:1] or None,
        "last_name": individual.last_name,
        "preferred_first_name": individual.preferred_name,
        "email": emails.get("personal"),
        "work_email": emails.get("work"),
        "phone": phone_digits(individual.phone_numbers[0].data) if individual.phone_numbers else None,
        "date_of_birth": individual.dob.isoformat() if individual.dob else None,
        "manager_uuid": gusto_uuid(seed, employment.manager_source_id)
        if employment.manager_source_id
        else None,
        "department": employment.department.name if employment.department else None,
        "title": employment.title,
        "hired_at": employment.start_date.isoformat() if employment.start_date else None,
        "terminated": terminated,
        "terminations": _terminations(seed, employment),
        "onboarded": employment.employment_status != "onboarding",
        "onboarding_status": "onboarding_completed"
        if employment.employment_status != "onboarding"
        else "admin_onboarding_incomplete",
        "current_employment_status": EMPLOYMENT_STATUSES.get(subtype or ""),
        "payment_method": "Direct Deposit",
        "ssn": "",  # deprecated and always empty (providers.md §1.6)
        "has_ssn": True,
        "jobs": [job(seed, employment, "all_compensations" in include)],
    }
    if "current_home_address" in include and individual.residence is not None:
        shaped["current_home_address"] = _address(
            individual.residence, gusto_uuid(seed, f"{individual.source_id}/home")
        )
    if "custom_fields" in include:
        shaped["custom_fields"] = [
            {"name": f.name, "type": "text", "value": None if f.value is None else str(f.value)}
            for f in employment.custom_fields
        ]
    return shaped


def _terminations(seed: int, employment: Employment) -> list[dict[str, Any]]:
    if employment.end_date is None:
        return []
    return [
        {
            "uuid": gusto_uuid(seed, f"{employment.source_id}/termination"),
            "employee_uuid": gusto_uuid(seed, employment.source_id),
            "active": True,
            "effective_date": employment.end_date.isoformat(),
            "run_termination_payroll": False,
            "cancelable": False,
        }
    ]


def contractor(seed: int, individual: Individual, employment: Employment) -> dict[str, Any]:
    income = employment.income
    emails = {e.type: e.data for e in individual.emails}
    return {
        "uuid": gusto_uuid(seed, individual.source_id),
        "type": "Individual",
        "wage_type": "Hourly" if income is not None and income.unit == "hourly" else "Fixed",
        "is_active": employment.is_active is not False,
        "first_name": individual.first_name,
        "middle_initial": (individual.middle_name or "")[:1] or None,
        "last_name": individual.last_name,
        "business_name": None,
        "email": emails.get("personal") or emails.get("work"),
        "start_date": employment.start_date.isoformat() if employment.start_date else None,
        "dismissal_date": employment.end_date.isoformat() if employment.end_date else None,
        "hourly_rate": money(income.amount) if income is not None and income.unit == "hourly" else "0.00",
        "department": employment.department.name if employment.department else None,
        "onboarded": True,
    }
