"""BambooHR employee fields → Roost records (reference/providers.md §3.4).

BambooHR values are strings or null (documentation.bamboohr.com "list-of-field-names"); empty
dates may arrive as ``"0000-00-00"`` and currency fields as ``"85000.00 USD"`` or a bare
number, so every parser here is tolerant. Departments come from the ``department`` list field
and are flat (``division`` is not read as a parent: customers use it for unrelated things).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from roost.providers.records import (
    Company,
    ContactType,
    Department,
    DepartmentRef,
    DirectoryEntry,
    Email,
    Employment,
    EmploymentKind,
    EmploymentStatus,
    EmploymentSubtype,
    EmploymentType,
    Ethnicity,
    FlsaStatus,
    Gender,
    Income,
    IncomeUnit,
    Individual,
    Location,
    MaritalStatus,
    PhoneNumber,
)

Json = Mapping[str, Any]

# The fields one custom report asks for: everything directory, individual and employment need.
_REPORT_WORDS = (
    "employeeNumber firstName middleName lastName preferredName dateOfBirth gender maritalStatus "
    "ethnicity ssn workEmail homeEmail mobilePhone homePhone workPhone address1 address2 city state "
    "stateCode zipcode country jobTitle department location supervisorEId hireDate originalHireDate "
    "terminationDate status employmentHistoryStatus exempt payRate payPer payRateEffectiveDate"
)
REPORT_FIELDS = tuple(_REPORT_WORDS.split())

UNITS: dict[str, IncomeUnit] = {
    "Hour": "hourly",
    "Day": "daily",
    "Week": "weekly",
    "Month": "monthly",
    "Quarter": "quarterly",
    "Year": "yearly",
}
KINDS: dict[str, tuple[EmploymentType, EmploymentSubtype | None]] = {
    "Full-Time": ("employee", "full_time"),
    "Part-Time": ("employee", "part_time"),
    "Intern": ("employee", "intern"),
    "Temporary": ("employee", "temp"),
    "Seasonal": ("employee", "seasonal"),
    "Contractor": ("contractor", "individual_contractor"),
}
MARITAL: dict[str, MaritalStatus] = {
    "Single": "single",
    "Married": "married",
    "Divorced": "divorced",
    "Widowed": "widowed",
    "Domestic Partnership": "domestic_partner",
}
# Matched by keyword, in order, because the ethnicity list is customer-editable.
ETHNICITIES: tuple[tuple[str, Ethnicity], ...] = (
    ("two or more", "two_or_more_races"),
    ("hispanic", "hispanic_or_latino"),
    ("black", "black_or_african_american"),
    ("asian", "asian"),
    ("hawaiian", "native_hawaiian_or_pacific_islander"),
    ("american indian", "american_indian_or_alaska_native"),
    ("white", "white"),
    ("decline", "decline_to_specify"),
)
_MONEY = re.compile(r"^\s*([0-9.,-]+)\s*([A-Za-z]{3})?\s*$")


def text(value: object) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def day(value: object) -> date | None:
    raw = text(value)
    if raw is None or raw.startswith("0000"):
        return None
    return date.fromisoformat(raw[:10])


def money(value: object) -> tuple[int | None, str]:
    """``"85000.00 USD"`` (or ``{"value": ..., "currency": ...}``) as cents and currency."""
    if isinstance(value, Mapping):
        return money(f"{value.get('value', '')} {value.get('currency') or 'USD'}")
    match = _MONEY.match(str(value)) if value is not None else None
    if match is None:
        return None, "usd"
    try:
        amount = Decimal(match.group(1).replace(",", ""))
    except InvalidOperation:
        return None, "usd"
    cents = int((amount * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    return cents, (match.group(2) or "USD").lower()


def phone(value: object) -> str | None:
    digits = "".join(ch for ch in text(value) or "" if ch.isdigit())
    if not digits:
        return None
    return f"+1{digits}" if len(digits) == 10 else f"+{digits}"


def company(domain: str, info: Json, lists: Sequence[Json]) -> Company:
    options = {str(item.get("alias")): item.get("options") or [] for item in lists}
    address = info.get("address") or {}
    office = Location(
        line1=text(address.get("line1")),
        line2=text(address.get("line2")),
        city=text(address.get("city")),
        state=text(address.get("state")),
        postal_code=text(address.get("zip")),
        country="US",
    )
    named = tuple(Location(name=o["name"]) for o in options.get("location", []) if o.get("archived") != "yes")
    return Company(
        source_id=domain,  # BambooHR has no company id; the subdomain is unique and stable
        legal_name=text(info.get("legalName")) or text(info.get("displayName")),
        primary_phone_number=phone(info.get("phone")),
        departments=tuple(
            Department(name=o["name"]) for o in options.get("department", []) if o.get("archived") != "yes"
        ),
        locations=((office,) if office.line1 else ()) + named,
    )


def _department(row: Json) -> DepartmentRef | None:
    name = text(row.get("department"))
    return DepartmentRef(name=name) if name else None


def _active(row: Json) -> bool:
    return row.get("status") == "Active"


def directory_entry(row: Json) -> DirectoryEntry:
    return DirectoryEntry(
        source_id=str(row["id"]),
        first_name=text(row.get("firstName")),
        middle_name=text(row.get("middleName")),
        last_name=text(row.get("lastName")),
        manager_source_id=text(row.get("supervisorEId")),
        department=_department(row),
        is_active=_active(row),
    )


GENDERS: dict[str, Gender] = {"Male": "male", "Female": "female"}
FLSA: dict[str, FlsaStatus] = {"Exempt": "exempt", "Non-exempt": "non_exempt"}
EMAIL_FIELDS: tuple[tuple[str, ContactType], ...] = (("workEmail", "work"), ("homeEmail", "personal"))
PHONE_FIELDS: tuple[tuple[str, ContactType], ...] = (
    ("mobilePhone", "personal"),
    ("homePhone", "personal"),
    ("workPhone", "work"),
)


def _gender(value: object) -> Gender | None:
    raw = text(value)
    return None if raw is None else GENDERS.get(raw, "other")


def _ethnicity(value: object) -> Ethnicity | None:
    lowered = (text(value) or "").lower()
    return next((kind for word, kind in ETHNICITIES if word in lowered), None) if lowered else None


def individual(row: Json) -> Individual:
    emails = [Email(data=str(row[key]), type=kind) for key, kind in EMAIL_FIELDS if text(row.get(key))]
    phones = [
        PhoneNumber(data=number, type=kind) for key, kind in PHONE_FIELDS if (number := phone(row.get(key)))
    ]
    country = text(row.get("country"))
    return Individual(
        source_id=str(row["id"]),
        first_name=text(row.get("firstName")),
        middle_name=text(row.get("middleName")),
        last_name=text(row.get("lastName")),
        preferred_name=text(row.get("preferredName")),
        dob=day(row.get("dateOfBirth")),
        gender=_gender(row.get("gender")),
        ethnicity=_ethnicity(row.get("ethnicity")),
        marital_status=MARITAL.get(text(row.get("maritalStatus")) or ""),
        emails=tuple(emails),
        phone_numbers=tuple(phones),
        residence=Location(
            line1=text(row.get("address1")),
            line2=text(row.get("address2")),
            city=text(row.get("city")),
            state=text(row.get("stateCode")) or text(row.get("state")),
            postal_code=text(row.get("zipcode")),
            country="US" if country in ("United States", "USA", "US") else country,
        )
        if text(row.get("address1"))
        else None,
        ssn=text(row.get("ssn")),
    )


def _status(row: Json) -> EmploymentStatus:
    if _active(row):
        return "active"
    if day(row.get("terminationDate")) is not None:
        return "terminated"
    hired = day(row.get("hireDate"))
    return "prehire" if hired is not None and hired > date.today() else "terminated"


def _flsa(value: object) -> FlsaStatus:
    return FLSA.get(text(value) or "", "unknown")


def _income(row: Json) -> Income | None:
    amount, currency = money(row.get("payRate"))
    if amount is None:
        return None
    unit = UNITS.get(text(row.get("payPer")) or "")
    return Income(
        amount=amount, currency=currency, unit=unit, effective_date=day(row.get("payRateEffectiveDate"))
    )


def compensation_income(row: Json) -> Income | None:
    amount, currency = money(row.get("rate"))
    if amount is None:
        return None
    unit = UNITS.get(text(row.get("paidPer")) or "")
    return Income(amount=amount, currency=currency, unit=unit, effective_date=day(row.get("startDate")))


def employment(row: Json, history: Sequence[Income]) -> Employment:
    kind = KINDS.get(text(row.get("employmentHistoryStatus")) or "")
    hired, original = day(row.get("hireDate")), day(row.get("originalHireDate"))
    office = text(row.get("location"))
    return Employment(
        source_id=str(row["id"]),
        first_name=text(row.get("firstName")),
        middle_name=text(row.get("middleName")),
        last_name=text(row.get("lastName")),
        title=text(row.get("jobTitle")),
        department=_department(row),
        manager_source_id=text(row.get("supervisorEId")),
        employment=EmploymentKind(type=kind[0], subtype=kind[1]) if kind else None,
        employment_status=_status(row),
        start_date=hired,
        end_date=day(row.get("terminationDate")),
        latest_rehire_date=hired
        if original is not None and hired is not None and original != hired
        else None,
        is_active=_active(row),
        flsa_status=_flsa(row.get("exempt")),
        location=Location(name=office) if office else None,
        income=_income(row),
        income_history=tuple(sorted(history, key=lambda i: i.effective_date or date.min)),
    )
