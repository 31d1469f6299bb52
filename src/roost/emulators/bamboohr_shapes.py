"""Sandbox people re-dressed as BambooHR employee fields (reference/providers.md §2.4-2.5).

BambooHR returns every field value as a string (or null), ids as numeric strings, currency
fields as ``"85000.00 USD"``, and empty dates as ``"0000-00-00"`` in older responses — the
emulator sends that form on purpose so adapters stay tolerant of it.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from roost.providers.records import Company, Employment, Individual

GENDERS = {"male": "Male", "female": "Female", "other": "Nonbinary"}
MARITAL = {
    "single": "Single",
    "married": "Married",
    "divorced": "Divorced",
    "widowed": "Widowed",
    "domestic_partner": "Domestic Partnership",
}
ETHNICITIES = {
    "white": "White",
    "black_or_african_american": "Black or African American",
    "hispanic_or_latino": "Hispanic or Latino",
    "asian": "Asian",
    "two_or_more_races": "Two or More Races",
    "american_indian_or_alaska_native": "American Indian or Alaska Native",
    "native_hawaiian_or_pacific_islander": "Native Hawaiian or Other Pacific Islander",
    "decline_to_specify": "Decline to Answer",
}
EMPLOYMENT_STATUSES = {
    "full_time": "Full-Time",
    "part_time": "Part-Time",
    "intern": "Intern",
    "temp": "Temporary",
    "seasonal": "Seasonal",
    "individual_contractor": "Contractor",
}
PAY_PER = {
    "hourly": "Hour",
    "daily": "Day",
    "weekly": "Week",
    "monthly": "Month",
    "quarterly": "Quarter",
    "yearly": "Year",
}
EMPTY_DATE = "0000-00-00"


def _amount(cents: int | None) -> str:
    return f"{Decimal(cents or 0) / 100:.2f}"


def _phone(e164: str) -> str:
    digits = e164.removeprefix("+1")
    return f"{digits[:3]}-{digits[3:6]}-{digits[6:]}" if len(digits) == 10 else e164


def company_information(record: Company) -> dict[str, Any]:
    office = record.locations[0] if record.locations else None
    return {
        "legalName": record.legal_name,
        "displayName": record.legal_name,
        "address": {
            "line1": office.line1 if office else None,
            "line2": office.line2 if office else None,
            "city": office.city if office else None,
            "state": office.state if office else None,
            "zip": office.postal_code if office else None,
        },
        "phone": _phone(record.primary_phone_number) if record.primary_phone_number else None,
    }


def _contact(individual: Individual) -> dict[str, Any]:
    emails = {e.type: e.data for e in individual.emails}
    phones = {p.type: _phone(p.data) for p in individual.phone_numbers}
    home = individual.residence
    return {
        "workEmail": emails.get("work"),
        "homeEmail": emails.get("personal"),
        "mobilePhone": phones.get("personal"),
        "workPhone": phones.get("work"),
        "address1": home.line1 if home else None,
        "address2": home.line2 if home else None,
        "city": home.city if home else None,
        "stateCode": home.state if home else None,
        "state": home.state if home else None,
        "zipcode": home.postal_code if home else None,
        "country": "United States" if home and home.country == "US" else None,
    }


def _pay(employment: Employment) -> dict[str, Any]:
    income = employment.income
    if income is None:
        return {"payRate": None, "payPer": None, "payType": None, "payRateEffectiveDate": None}
    return {
        "payRate": f"{_amount(income.amount)} {income.currency.upper()}",
        "payPer": PAY_PER.get(income.unit or ""),
        "payType": "Hourly" if income.unit == "hourly" else "Salary",
        "payRateEffectiveDate": income.effective_date.isoformat() if income.effective_date else None,
    }


def _job(employment: Employment, supervisor_id: str | None) -> dict[str, Any]:
    subtype = employment.employment.subtype if employment.employment else None
    ended = employment.employment_status == "terminated"
    hired = employment.start_date.isoformat() if employment.start_date else None
    return {
        "jobTitle": employment.title,
        "department": employment.department.name if employment.department else None,
        "location": employment.location.name if employment.location else None,
        "supervisorEId": supervisor_id,
        "hireDate": hired,
        "originalHireDate": hired,
        "terminationDate": employment.end_date.isoformat() if employment.end_date else EMPTY_DATE,
        "status": "Inactive" if ended else "Active",
        "employmentHistoryStatus": EMPLOYMENT_STATUSES.get(subtype or ""),
        "exempt": {"exempt": "Exempt", "non_exempt": "Non-exempt"}.get(employment.flsa_status or ""),
    }


def employee_fields(
    employee_id: str, individual: Individual, employment: Employment, supervisor_id: str | None
) -> dict[str, Any]:
    """Every field the emulator knows for one employee, keyed by BambooHR field name."""
    return {
        "id": employee_id,
        "employeeNumber": employee_id.zfill(4),
        "firstName": individual.first_name,
        "middleName": individual.middle_name,
        "lastName": individual.last_name,
        "preferredName": individual.preferred_name,
        "displayName": f"{individual.first_name} {individual.last_name}",
        "dateOfBirth": individual.dob.isoformat() if individual.dob else None,
        "gender": GENDERS.get(individual.gender or ""),
        "maritalStatus": MARITAL.get(individual.marital_status or ""),
        "ethnicity": ETHNICITIES.get(individual.ethnicity or ""),
        "ssn": individual.ssn,
        **_contact(individual),
        **_job(employment, supervisor_id),
        **_pay(employment),
    }


def compensation_rows(employee_id: str, employment: Employment) -> list[dict[str, Any]]:
    """The ``compensation`` table: one row per pay change (JSON ``rate`` shape per §2.5)."""
    return [
        {
            "id": f"{employee_id}{index:03d}",
            "employeeId": employee_id,
            "startDate": income.effective_date.isoformat() if income.effective_date else None,
            "rate": {"currency": income.currency.upper(), "value": _amount(income.amount)},
            "type": "Hourly" if income.unit == "hourly" else "Salary",
            "paidPer": PAY_PER.get(income.unit or ""),
            "exempt": {"exempt": "Exempt", "non_exempt": "Non-exempt"}.get(employment.flsa_status or ""),
        }
        for index, income in enumerate(employment.income_history)
    ]
