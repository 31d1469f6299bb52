"""Paychex Flex objects → Roost records (developer.paychex.com "Workers", "Companies").

Enum spellings marked (unconfirmed) are not shown in Paychex's public pages; unknown values
map to null rather than guessing.
"""

from __future__ import annotations

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
    Ethnicity,
    FlsaStatus,
    Gender,
    Income,
    Individual,
    Location,
    PhoneNumber,
)

Json = Mapping[str, Any]

STATUSES: dict[str, EmploymentStatus] = {
    "ACTIVE": "active",
    "TERMINATED": "terminated",
    "LEAVE": "leave",
    "IN_PROGRESS": "onboarding",  # a worker added but not yet completed in Flex
}
SUBTYPES: dict[str, EmploymentSubtype] = {"FULL_TIME": "full_time", "PART_TIME": "part_time"}
FLSA: dict[str, FlsaStatus] = {"EXEMPT": "exempt", "NON_EXEMPT": "non_exempt"}
GENDERS: dict[str, Gender] = {"MALE": "male", "FEMALE": "female"}
# EEO-1 categories as Paychex codes them (unconfirmed spellings).
ETHNICITIES: dict[str, Ethnicity] = {
    "WHITE_NOT_OF_HISPANIC_ORIGIN": "white",
    "BLACK_NOT_OF_HISPANIC_ORIGIN": "black_or_african_american",
    "HISPANIC": "hispanic_or_latino",
    "ASIAN_OR_PACIFIC_ISLANDER": "asian",
    "NATIVE_HAWAIIAN_OR_OTHER_PACIFIC_ISLAND": "native_hawaiian_or_pacific_islander",
    "AMERICAN_INDIAN_OR_ALASKAN_NATIVE": "american_indian_or_alaska_native",
    "TWO_OR_MORE_RACES": "two_or_more_races",
}
USAGE: dict[str, ContactType] = {"BUSINESS": "work", "PERSONAL": "personal"}


def day(value: object) -> date | None:
    return date.fromisoformat(value[:10]) if isinstance(value, str) and value else None


def cents(value: object) -> int | None:
    try:
        return int((Decimal(str(value)) * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    except InvalidOperation:
        return None


def _ein(value: object) -> str | None:
    digits = "".join(ch for ch in str(value or "") if ch.isdigit())
    return f"{digits[:2]}-{digits[2:]}" if len(digits) == 9 else None


def _address(row: Json) -> Location:
    return Location(
        line1=row.get("streetLineOne"),
        line2=row.get("streetLineTwo"),
        city=row.get("city"),
        state=row.get("countrySubdivisionCode"),
        postal_code=row.get("postalCode"),
        country=row.get("countryCode"),
    )


def company(body: Json, organizations: Sequence[Json]) -> Company:
    addresses = [c for c in body.get("communications") or [] if c.get("type") == "STREET_ADDRESS"]
    return Company(
        source_id=body["companyId"],
        legal_name=body.get("legalName"),
        ein=_ein((body.get("legalId") or {}).get("legalIdValue")),
        departments=tuple(Department(name=o["name"]) for o in organizations if o.get("name")),
        locations=tuple(_address(a) for a in addresses),
    )


def _names(worker: Json) -> dict[str, Any]:
    name = worker.get("name") or {}
    return {
        "first_name": name.get("givenName"),
        "middle_name": name.get("middleName") or None,
        "last_name": name.get("familyName"),
    }


def _status(worker: Json) -> EmploymentStatus | None:
    return STATUSES.get((worker.get("currentStatus") or {}).get("statusType") or "")


def _department(worker: Json) -> DepartmentRef | None:
    name = (worker.get("organization") or {}).get("name")
    return DepartmentRef(name=name) if name else None


def _manager(worker: Json) -> str | None:
    return (worker.get("supervisor") or {}).get("workerId")


def directory_entry(worker: Json) -> DirectoryEntry:
    return DirectoryEntry(
        source_id=worker["workerId"],
        **_names(worker),
        manager_source_id=_manager(worker),
        department=_department(worker),
        is_active=_status(worker) != "terminated",
    )


def _phone(row: Json) -> str:
    return f"+{row.get('dialCountry') or '1'}{row.get('dialArea') or ''}{row.get('dialNumber') or ''}"


def individual(worker: Json) -> Individual:
    communications = worker.get("communications") or []
    emails = [
        Email(data=c["uri"], type=USAGE.get(c.get("usageType") or ""))
        for c in communications
        if c.get("type") == "EMAIL"
    ]
    phones = [
        PhoneNumber(data=_phone(c), type=USAGE.get(c.get("usageType") or ""))
        for c in communications
        if str(c.get("type", "")).endswith("PHONE")
    ]
    home = next((c for c in communications if c.get("type") == "STREET_ADDRESS"), None)
    ssn = "".join(ch for ch in str((worker.get("legalId") or {}).get("legalIdValue") or "") if ch.isdigit())
    return Individual(
        source_id=worker["workerId"],
        **_names(worker),
        preferred_name=(worker.get("name") or {}).get("preferredName") or None,
        dob=day(worker.get("birthDate")),
        gender=GENDERS.get(worker.get("sex") or ""),
        ethnicity=ETHNICITIES.get(worker.get("ethnicityCode") or ""),
        emails=tuple(emails),
        phone_numbers=tuple(phones),
        residence=_address(home) if home else None,
        ssn=f"{ssn[:3]}-{ssn[3:5]}-{ssn[5:]}" if len(ssn) == 9 else None,
    )


def income(rate: Json) -> Income:
    hourly = rate.get("rateType") == "HOURLY"
    # Paychex states salaries as annual amounts (unconfirmed for non-annual salary bases).
    return Income(
        amount=cents(rate.get("amount")),
        unit="hourly" if hourly else "yearly",
        effective_date=day(rate.get("effectiveDate")),
    )


def employment(worker: Json, rates: Sequence[Json]) -> Employment:
    history = sorted((income(r) for r in rates), key=lambda i: i.effective_date or date.min)
    contractor = worker.get("workerType") == "CONTRACTOR"
    status = _status(worker)
    return Employment(
        source_id=worker["workerId"],
        **_names(worker),
        title=(worker.get("job") or {}).get("title"),
        department=_department(worker),
        manager_source_id=_manager(worker),
        employment=EmploymentKind(type="contractor", subtype="individual_contractor")
        if contractor
        else EmploymentKind(type="employee", subtype=SUBTYPES.get(worker.get("employmentType") or "")),
        employment_status=status,
        start_date=day(worker.get("hireDate")),
        end_date=day((worker.get("currentStatus") or {}).get("effectiveDate"))
        if status == "terminated"
        else None,
        is_active=status != "terminated",
        flsa_status=FLSA.get(worker.get("exemptionType") or "", "unknown"),
        income=history[-1] if history else None,
        income_history=tuple(history),
    )
