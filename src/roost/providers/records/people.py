"""The workforce: individuals, their directory entries and their employment.

Finch's ``/employer/individual``, ``/employer/directory`` and ``/employer/employment`` shapes
(reference/finch-api.md §8; ``finch.types.hris.individual``, ``individual_in_directory``,
``employment_data``). Other people are referred to by their provider source id.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal, TypeAlias

from roost.providers.records.common import Income, Location
from roost.providers.records.organization import DepartmentRef

__all__ = [
    "ContactType",
    "CustomField",
    "DirectoryEntry",
    "Email",
    "Employment",
    "EmploymentKind",
    "EmploymentStatus",
    "EmploymentSubtype",
    "EmploymentType",
    "Ethnicity",
    "FlsaStatus",
    "Gender",
    "Individual",
    "MaritalStatus",
    "PhoneNumber",
]

Gender: TypeAlias = Literal["female", "male", "other", "decline_to_specify"]
Ethnicity: TypeAlias = Literal[
    "asian",
    "white",
    "black_or_african_american",
    "native_hawaiian_or_pacific_islander",
    "american_indian_or_alaska_native",
    "hispanic_or_latino",
    "two_or_more_races",
    "decline_to_specify",
]
MaritalStatus: TypeAlias = Literal["single", "married", "divorced", "widowed", "domestic_partner", "unknown"]
ContactType: TypeAlias = Literal["work", "personal"]
EmploymentType: TypeAlias = Literal["employee", "contractor"]
EmploymentSubtype: TypeAlias = Literal[
    "full_time", "intern", "part_time", "temp", "seasonal", "individual_contractor"
]
EmploymentStatus: TypeAlias = Literal[
    "active", "deceased", "leave", "onboarding", "prehire", "retired", "terminated"
]
FlsaStatus: TypeAlias = Literal["exempt", "non_exempt", "unknown"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Email:
    data: str
    type: ContactType | None


@dataclass(frozen=True, slots=True, kw_only=True)
class PhoneNumber:
    """``data`` is E.164 (``+14155550123``)."""

    data: str
    type: ContactType | None


@dataclass(frozen=True, slots=True, kw_only=True)
class Individual:
    source_id: str
    entity_source_id: str | None = None
    first_name: str | None = None
    middle_name: str | None = None
    last_name: str | None = None
    preferred_name: str | None = None
    dob: date | None = None
    gender: Gender | None = None
    ethnicity: Ethnicity | None = None
    marital_status: MaritalStatus | None = None
    emails: tuple[Email, ...] = ()
    phone_numbers: tuple[PhoneNumber, ...] = ()
    residence: Location | None = None
    ssn: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class DirectoryEntry:
    source_id: str
    entity_source_id: str | None = None
    first_name: str | None = None
    middle_name: str | None = None
    last_name: str | None = None
    manager_source_id: str | None = None
    department: DepartmentRef | None = None
    is_active: bool | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class EmploymentKind:
    """Finch's ``employment`` object: the main type and its subtype."""

    type: EmploymentType | None
    subtype: EmploymentSubtype | None


@dataclass(frozen=True, slots=True, kw_only=True)
class CustomField:
    """An employer-defined field; Finch allows any JSON scalar as the value."""

    name: str
    value: str | int | float | bool | None


@dataclass(frozen=True, slots=True, kw_only=True)
class Employment:
    # Finch's own ``source_id`` field on employment means exactly this: the provider's id.
    source_id: str
    entity_source_id: str | None = None
    first_name: str | None = None
    middle_name: str | None = None
    last_name: str | None = None
    title: str | None = None
    department: DepartmentRef | None = None
    manager_source_id: str | None = None
    employment: EmploymentKind | None = None
    employment_status: EmploymentStatus | None = None
    start_date: date | None = None
    end_date: date | None = None
    latest_rehire_date: date | None = None
    is_active: bool | None = None
    class_code: str | None = None
    flsa_status: FlsaStatus | None = None
    location: Location | None = None
    income: Income | None = None
    income_history: tuple[Income, ...] = ()
    custom_fields: tuple[CustomField, ...] = ()
    benefit_eligibility_class: str | None = None
    highly_compensated_employee: bool | None = None
    key_employee: bool | None = None
    union_code: str | None = None
    union_local: str | None = None
