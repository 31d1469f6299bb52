"""Gusto objects → Roost records: company, directory, individual, employment.

Every rule is reference/providers.md §3.2 ("Gusto → Finch mapping"); field names are Gusto's
(§1.6, docs.gusto.com/app-integrations/reference). Money arrives as decimal strings (sometimes
numbers) and becomes integer cents, rounded half-up, never through float.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from roost.providers.records import (
    Company,
    CustomField,
    Department,
    DepartmentRef,
    DirectoryEntry,
    Email,
    Employment,
    EmploymentKind,
    EmploymentSubtype,
    FlsaStatus,
    Income,
    IncomeUnit,
    Individual,
    LegalEntity,
    LegalEntitySubtype,
    LegalEntityType,
    Location,
    PhoneNumber,
)

Json = Mapping[str, Any]

ENTITY_TYPES: dict[str, tuple[LegalEntityType, LegalEntitySubtype | None]] = {
    "C-Corporation": ("corporation", "c_corporation"),
    "S-Corporation": ("corporation", "s_corporation"),
    "LLC": ("llc", None),
    "Limited partnership": ("lp", None),
    "LLP": ("partnership", None),
    "General partnership": ("partnership", None),
    "Joint venture": ("partnership", None),
    "Co-ownership": ("partnership", None),
    "Sole proprietor": ("sole_proprietor", None),
    "Non-Profit": ("non_profit", None),
}
EXEMPT = frozenset({"Exempt", "Commission Only Exempt", "Owner"})
NON_EXEMPT = frozenset({"Nonexempt", "Salaried Nonexempt", "Commission Only Nonexempt"})
UNITS: dict[str, IncomeUnit] = {
    "Hour": "hourly",
    "Week": "weekly",
    "Month": "monthly",
    "Year": "yearly",
    "Paycheck": "fixed",
}
SUBTYPES: dict[str, EmploymentSubtype] = {
    "full_time": "full_time",
    "part_time_under_twenty_hours": "part_time",
    "part_time_twenty_plus_hours": "part_time",
    "seasonal": "seasonal",
}


def cents(value: object) -> int | None:
    """Gusto money (``"1234.56"`` or a number) as integer cents."""
    if value is None or value == "":
        return None
    try:
        return int((Decimal(str(value)) * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    except InvalidOperation:
        return None


def day(value: object) -> date | None:
    if not isinstance(value, str) or not value:
        return None
    return date.fromisoformat(value[:10])


def phone(digits: object) -> str | None:
    """Gusto keeps US numbers as 10 digits; Finch wants E.164."""
    if not isinstance(digits, str) or not digits:
        return None
    plain = "".join(ch for ch in digits if ch.isdigit())
    return f"+1{plain}" if len(plain) == 10 else f"+{plain}"


def location(address: Json | None) -> Location | None:
    if not address:
        return None
    country = address.get("country")
    return Location(
        line1=address.get("street_1"),
        line2=address.get("street_2"),
        city=address.get("city"),
        state=address.get("state"),
        postal_code=address.get("zip"),
        country="US" if country in ("USA", "US", None) else country,
        source_id=address.get("uuid"),
    )


def company(body: Json, locations: Sequence[Json], departments: Sequence[Json]) -> Company:
    entity = ENTITY_TYPES.get(body.get("entity_type") or "")
    contact = body.get("primary_payroll_admin") or body.get("primary_signatory") or {}
    phone_number = phone(contact.get("phone")) or next(
        (phone(item.get("phone_number")) for item in locations if item.get("phone_number")), None
    )
    return Company(
        source_id=body["uuid"],
        legal_name=body.get("name"),
        entity=LegalEntity(type=entity[0], subtype=entity[1]) if entity else None,
        ein=body.get("ein"),
        primary_email=contact.get("email"),
        primary_phone_number=phone_number,
        # Gusto departments are flat: no parent (providers.md §3.2).
        departments=tuple(Department(name=d["title"]) for d in departments if d.get("title")),
        locations=tuple(loc for loc in map(location, locations) if loc is not None),
        accounts=(),  # bank accounts are not readable with App Integrations scopes
    )


def _is_active(employee: Json) -> bool:
    return not employee.get("terminated", False)


def _department(name: object) -> DepartmentRef | None:
    return DepartmentRef(name=name) if isinstance(name, str) and name else None


def directory_entry(employee: Json) -> DirectoryEntry:
    return DirectoryEntry(
        source_id=employee["uuid"],
        first_name=employee.get("first_name"),
        middle_name=employee.get("middle_initial") or None,
        last_name=employee.get("last_name"),
        manager_source_id=employee.get("manager_uuid"),
        department=_department(employee.get("department")),
        is_active=_is_active(employee),
    )


def contractor_directory_entry(contractor: Json) -> DirectoryEntry:
    return DirectoryEntry(
        source_id=contractor["uuid"],
        first_name=contractor.get("first_name"),
        middle_name=contractor.get("middle_initial") or None,
        last_name=contractor.get("last_name"),
        department=_department(contractor.get("department")),
        is_active=bool(contractor.get("is_active", True)),
    )


def individual(employee: Json) -> Individual:
    emails = [Email(data=employee["work_email"], type="work")] if employee.get("work_email") else []
    if employee.get("email"):
        emails.append(Email(data=employee["email"], type="personal"))
    number = phone(employee.get("phone"))
    return Individual(
        source_id=employee["uuid"],
        first_name=employee.get("first_name"),
        middle_name=employee.get("middle_initial") or None,
        last_name=employee.get("last_name"),
        preferred_name=employee.get("preferred_first_name") or None,
        dob=day(employee.get("date_of_birth")),
        emails=tuple(emails),
        # The phone's type is unconfirmed in Gusto's docs; personal is the safer reading.
        phone_numbers=(PhoneNumber(data=number, type="personal"),) if number else (),
        residence=location(employee.get("current_home_address")),
        # Gusto never returns the SSN (``ssn`` is always ""), nor gender, ethnicity or marital status.
    )


def contractor_individual(contractor: Json) -> Individual:
    email = contractor.get("email")
    return Individual(
        source_id=contractor["uuid"],
        first_name=contractor.get("first_name"),
        middle_name=contractor.get("middle_initial") or None,
        last_name=contractor.get("last_name"),
        emails=(Email(data=email, type="personal"),) if email else (),
    )


def _primary_job(employee: Json) -> Json:
    jobs: list[Json] = employee.get("jobs") or []
    return next((job for job in jobs if job.get("primary")), jobs[0] if jobs else {})


def _income(compensation: Json) -> Income:
    return Income(
        amount=cents(compensation.get("rate")),
        unit=UNITS.get(compensation.get("payment_unit") or ""),
        effective_date=day(compensation.get("effective_date")),
    )


def _flsa(compensation: Json | None) -> FlsaStatus:
    status = (compensation or {}).get("flsa_status")
    return "exempt" if status in EXEMPT else "non_exempt" if status in NON_EXEMPT else "unknown"


def _status(employee: Json) -> Any:
    if not _is_active(employee):
        return "terminated"
    return "active" if employee.get("onboarded", True) else "onboarding"


def employment(employee: Json) -> Employment:
    job = _primary_job(employee)
    history = sorted(job.get("compensations") or [], key=lambda c: c.get("effective_date") or "")
    current = history[-1] if history else None
    ended = [t for t in employee.get("terminations") or [] if t.get("active")]
    work = location(job.get("location"))
    return Employment(
        source_id=employee["uuid"],
        first_name=employee.get("first_name"),
        middle_name=employee.get("middle_initial") or None,
        last_name=employee.get("last_name"),
        title=job.get("title") or employee.get("title"),
        department=_department(employee.get("department")),
        manager_source_id=employee.get("manager_uuid"),
        employment=EmploymentKind(
            type="employee", subtype=SUBTYPES.get(employee.get("current_employment_status") or "")
        ),
        employment_status=_status(employee),
        start_date=day(job.get("hire_date")) or day(employee.get("hired_at")),
        end_date=day(ended[-1].get("effective_date")) if ended else None,
        is_active=_is_active(employee),
        class_code=job.get("state_wc_class_code"),
        flsa_status=_flsa(current),
        location=work,
        income=_income(current) if current else None,
        income_history=tuple(_income(c) for c in history),
        custom_fields=tuple(
            CustomField(name=f["name"], value=f.get("value")) for f in employee.get("custom_fields") or []
        ),
    )


def contractor_employment(contractor: Json) -> Employment:
    hourly = contractor.get("wage_type") == "Hourly"
    active = bool(contractor.get("is_active", True))
    return Employment(
        source_id=contractor["uuid"],
        first_name=contractor.get("first_name"),
        middle_name=contractor.get("middle_initial") or None,
        last_name=contractor.get("last_name"),
        department=_department(contractor.get("department")),
        employment=EmploymentKind(type="contractor", subtype="individual_contractor"),
        employment_status="active" if active else "terminated",
        start_date=day(contractor.get("start_date")),
        end_date=day(contractor.get("dismissal_date")),
        is_active=active,
        flsa_status="unknown",
        income=Income(amount=cents(contractor.get("hourly_rate")), unit="hourly") if hourly else None,
    )
