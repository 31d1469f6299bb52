"""The records of a sandbox employee: directory entry, employment and individual.

The personal details of the individual record (contacts, address, SSN) are the last draws
of the employee's stream, so only that record pays for them.
"""

from __future__ import annotations

import functools
import random

from roost.providers.records import (
    CustomField,
    DepartmentRef,
    DirectoryEntry,
    Email,
    Employment,
    Ethnicity,
    Income,
    Individual,
    Location,
    PhoneNumber,
)
from roost.providers.sandbox.company_profile import CompanyProfile, phone_number
from roost.providers.sandbox.names import NamePools, Names, ascii_letters
from roost.providers.sandbox.randomness import Weighted, pick
from roost.providers.sandbox.workforce import Roster, Worker

__all__ = ["directory_entry", "draw_individual", "employment_record"]

_HIGHLY_COMPENSATED = 15_500_000  # IRS 414(q) threshold for 2024, cents per year
_KEY_EMPLOYEE = 22_000_000  # IRS 416(i) officer threshold for 2024, cents per year
_ETHNICITIES: Weighted[Ethnicity] = Weighted(
    [
        ("white", 58),
        ("hispanic_or_latino", 18),
        ("black_or_african_american", 12),
        ("asian", 7),
        ("two_or_more_races", 2.5),
        ("american_indian_or_alaska_native", 1),
        ("native_hawaiian_or_pacific_islander", 0.5),
        ("decline_to_specify", 1),
    ]
)
_PERSONAL_DOMAINS = ("gmail.com", "yahoo.com", "outlook.com", "icloud.com", "hotmail.com")
_ELIGIBILITY_CLASSES = {"full_time": "Full-Time Benefits", "part_time": "Part-Time Retirement Only"}


def directory_entry(worker: Roster, names: Names) -> DirectoryEntry:
    return DirectoryEntry(
        source_id=worker.source_id,
        entity_source_id=worker.entity_source_id,
        first_name=names.first,
        middle_name=names.middle,
        last_name=names.last,
        manager_source_id=worker.manager_source_id,
        department=_department(worker.job.department),
        is_active=worker.tenure.is_active,
    )


def employment_record(worker: Worker, names: Names, profile: CompanyProfile) -> Employment:
    roster, pay = worker.roster, worker.pay
    job, tenure = roster.job, roster.tenure
    employee = not worker.is_contractor
    income_history = tuple(
        Income(amount=amount, unit=pay.income_unit, effective_date=effective)
        for effective, amount in pay.income_history
    )
    return Employment(
        source_id=roster.source_id,
        entity_source_id=roster.entity_source_id,
        first_name=names.first,
        middle_name=names.middle,
        last_name=names.last,
        title=job.title,
        department=_department(job.department),
        manager_source_id=roster.manager_source_id,
        employment=roster.kind,
        employment_status=tenure.status,
        start_date=tenure.start_date,
        end_date=tenure.end_date,
        latest_rehire_date=tenure.latest_rehire_date,
        is_active=tenure.is_active,
        class_code=(job.plan.class_code if job.plan is not None else "8810") if employee else None,
        flsa_status=pay.flsa_status,
        location=profile.company.locations[worker.location_index],
        income=income_history[-1],
        income_history=income_history,
        custom_fields=_custom_fields(worker),
        benefit_eligibility_class=_ELIGIBILITY_CLASSES.get(roster.kind.subtype or "") if employee else None,
        highly_compensated_employee=employee and pay.annual_pay >= _HIGHLY_COMPENSATED,
        key_employee=employee and roster.depth <= 1 and pay.annual_pay > _KEY_EMPLOYEE,
        union_code="IBT" if worker.union_local is not None else None,
        union_local=worker.union_local,
    )


def draw_individual(
    rng: random.Random, worker: Worker, names: Names, pools: NamePools, profile: CompanyProfile
) -> Individual:
    first, last = ascii_letters(names.first), ascii_letters(names.last)
    # The index keeps work addresses unique when two people share a name.
    emails = [Email(data=f"{first}.{last}{worker.employee_index + 1}@{profile.domain}", type="work")]
    if rng.random() < 0.7:
        personal = f"{first}{last}{rng.randrange(1, 100)}@{pick(rng, _PERSONAL_DOMAINS)}"
        emails.append(Email(data=personal, type="personal"))
    metro = profile.location_metros[worker.location_index]
    phones = [PhoneNumber(data=phone_number(rng, metro), type="personal")]
    if rng.random() < 0.3:
        phones.append(PhoneNumber(data=phone_number(rng, metro), type="work"))
    city, postal_code = pick(rng, metro.places)
    residence = Location(
        line1=f"{rng.randrange(10, 9990)} {pick(rng, pools.streets)}",
        line2=f"Apt {rng.randrange(1, 40)}{pick(rng, 'ABCD')}" if rng.random() < 0.35 else None,
        city=city,
        state=metro.state,
        postal_code=postal_code,
        country="US",
    )
    return Individual(
        source_id=worker.roster.source_id,
        entity_source_id=worker.roster.entity_source_id,
        first_name=names.first,
        middle_name=names.middle,
        last_name=names.last,
        preferred_name=names.preferred,
        dob=worker.roster.tenure.dob,
        gender=names.gender,
        ethnicity=_ETHNICITIES.draw(rng),
        marital_status=worker.roster.tenure.marital_status,
        emails=tuple(emails),
        phone_numbers=tuple(phones),
        residence=residence,
        ssn=_ssn(rng),
    )


def _ssn(rng: random.Random) -> str:
    # SSA never issues area numbers 000, 666 or 900-999, group 00 or serial 0000.
    area = rng.randrange(1, 899)
    area += area >= 666
    return f"{area:03d}-{rng.randrange(1, 100):02d}-{rng.randrange(1, 10_000):04d}"


def _custom_fields(worker: Worker) -> tuple[CustomField, ...]:
    job = worker.roster.job
    cost_center = "EXEC" if job.plan is None else f"{job.plan.name[:3].upper()}-{job.team_number + 2:02d}"
    return (
        CustomField(name="Cost Center", value=cost_center),
        CustomField(name="Remote Eligible", value=worker.remote_eligible),
    )


@functools.cache
def _department(name: str) -> DepartmentRef:
    # Department names come from a fixed table, so sharing one immutable record per name is bounded.
    return DepartmentRef(name=name)
