"""The sandbox generator: company shape, paging, multi-entity, payroll filtering, realism."""

from __future__ import annotations

import re
import time
from collections import Counter
from datetime import date, timedelta

import pytest
import time_machine

from roost.providers.records import Employment, Individual, to_wire
from roost.providers.sandbox import CompanySpec, SandboxCompany, payments
from roost.providers.sandbox.departments import DEPARTMENTS
from roost.providers.sandbox.names import build_pools

TODAY = date(2025, 6, 18)
E164 = re.compile(r"\+1[2-9]\d{2}[2-9]\d{6}")
SSN = re.compile(r"(?!000|666|9\d\d)\d{3}-(?!00)\d{2}-(?!0000)\d{4}")


@pytest.fixture(scope="module")
def company() -> SandboxCompany:
    return SandboxCompany(
        CompanySpec(seed=11, employee_size=600, today=TODAY, history_start=date(2025, 1, 1))
    )


@pytest.fixture(scope="module")
def people(company: SandboxCompany) -> list[tuple[Individual, Employment]]:
    return [company.employee(index) for index in range(company.spec.employee_size)]


def routing_checksum_ok(routing_number: str) -> bool:
    digits = [int(digit) for digit in routing_number]
    return sum(digit * (3, 7, 1)[position % 3] for position, digit in enumerate(digits)) % 10 == 0


# The company


def test_company_has_a_legal_identity_matching_its_entity_type(company: SandboxCompany) -> None:
    record = company.company()
    assert record.entity is not None and record.legal_name
    suffixes = {"corporation": (", Inc.", ", PBC"), "llc": (" LLC",), "lp": (" LP",)}
    assert record.legal_name.endswith(suffixes.get(record.entity.type or "", ("",)))
    assert (record.entity.subtype is not None) == (record.entity.type == "corporation")
    assert record.ein is not None and re.fullmatch(r"\d{2}-\d{7}", record.ein)
    assert record.ein[:2] not in {"00", "07", "08", "09", "17", "18", "19", "28", "29", "49", "69", "70"}
    assert record.primary_phone_number is not None and E164.fullmatch(record.primary_phone_number)


def test_departments_form_a_hierarchy_of_known_parents(company: SandboxCompany) -> None:
    departments = company.company().departments
    top = {department.name for department in departments if department.parent is None}
    assert "Executive" in top and len(top) >= 3
    for department in departments:
        assert department.parent is None or department.parent.name in top
    assert len({department.name for department in departments}) == len(departments)


def test_company_has_several_us_offices_and_valid_bank_accounts(company: SandboxCompany) -> None:
    record = company.company()
    assert len(record.locations) >= 3
    assert record.locations[0].name == "Headquarters"
    for location in record.locations:
        assert location.country == "US" and re.fullmatch(r"\d{5}", location.postal_code or "")
        assert location.line1 and location.city and location.state and location.source_id
    assert 2 <= len(record.accounts) <= 3
    for account in record.accounts:
        assert account.routing_number is not None and routing_checksum_ok(account.routing_number)
        assert account.account_number is not None and 10 <= len(account.account_number) <= 12


# Employees, one at a time


def test_an_employee_does_not_depend_on_generating_anyone_else(company: SandboxCompany) -> None:
    fresh = SandboxCompany(company.spec)
    assert to_wire(fresh.employee(417)[1]) == to_wire(company.employee(417)[1])
    for index in (3, 0, 599, 417):
        company.employee(index)
    assert to_wire(fresh.employee(417)[0]) == to_wire(company.employee(417)[0])


def test_the_last_of_a_hundred_thousand_employees_is_immediate() -> None:
    large = SandboxCompany(CompanySpec(seed=5, employee_size=100_000, today=TODAY))
    started = time.perf_counter()
    individual, employment = large.employee(99_999)
    assert time.perf_counter() - started < 0.5
    assert individual.source_id == employment.source_id == "emp-100000"
    assert employment.manager_source_id is not None


def test_an_index_outside_the_company_is_refused(company: SandboxCompany) -> None:
    with pytest.raises(IndexError):
        company.employee(600)
    with pytest.raises(IndexError):
        company.employee(-1)


# Paging


def test_pages_concatenate_to_the_whole_listing(company: SandboxCompany) -> None:
    for listing in (company.directory, company.individuals, company.employments):
        whole = [record.source_id for record in listing()]
        pages = [record.source_id for offset in range(0, 600, 250) for record in listing(offset, 250)]
        assert pages == whole and len(whole) == 600


def test_paging_past_the_end_or_with_a_zero_limit_is_empty(company: SandboxCompany) -> None:
    assert list(company.directory(600, 10)) == []
    assert list(company.directory(10, 0)) == []
    assert [entry.source_id for entry in company.directory(598)] == ["emp-000599", "emp-000600"]
    with pytest.raises(ValueError):
        list(company.directory(-1))


def test_every_view_of_an_employee_agrees(company: SandboxCompany) -> None:
    for entry, individual, employment in zip(
        company.directory(100, 50), company.individuals(100, 50), company.employments(100, 50), strict=True
    ):
        names = {
            (record.first_name, record.middle_name, record.last_name)
            for record in (entry, individual, employment)
        }
        assert len(names) == 1
        assert entry.department == employment.department
        assert entry.manager_source_id == employment.manager_source_id
        assert entry.is_active == employment.is_active


# Realism


def test_the_manager_tree_is_rooted_at_the_chief_executive(
    people: list[tuple[Individual, Employment]],
) -> None:
    by_id = {employment.source_id: employment for _, employment in people}
    chief = people[0][1]
    assert chief.manager_source_id is None and chief.title == "Chief Executive Officer"
    for _, employment in people[1:]:
        manager = by_id[employment.manager_source_id or ""]
        assert manager.source_id < employment.source_id
        assert manager.is_active and manager.employment is not None and manager.employment.type == "employee"


def test_titles_fit_departments(people: list[tuple[Individual, Employment]]) -> None:
    teams = {team: plan for plan in DEPARTMENTS for team in plan.teams}
    for _, employment in people[1:]:
        assert employment.department is not None and employment.title
        plan = teams.get(employment.department.name)
        if plan is None:
            assert employment.title in {
                p.head_title for p in DEPARTMENTS if p.name == employment.department.name
            }
            continue
        roles = {role.title for role in plan.roles}
        title = employment.title.removeprefix("Senior ").removeprefix("Contract ")
        team = employment.department.name
        assert title in roles or title in {f"{team} Manager", f"{team} Team Lead", f"{plan.name} Intern"}


def test_the_workforce_mixes_types_and_statuses(people: list[tuple[Individual, Employment]]) -> None:
    employments = [employment for _, employment in people]
    subtypes = Counter(e.employment.subtype for e in employments if e.employment is not None)
    statuses = Counter(e.employment_status for e in employments)
    assert subtypes["full_time"] > len(employments) * 0.6
    assert {"part_time", "individual_contractor", "intern"} <= set(subtypes)
    assert {"active", "terminated", "leave"} <= set(statuses)
    assert {"exempt", "non_exempt", "unknown"} <= {e.flsa_status for e in employments}


def test_employment_dates_and_statuses_agree(people: list[tuple[Individual, Employment]]) -> None:
    for individual, employment in people:
        assert employment.start_date is not None and employment.start_date < TODAY
        assert (
            individual.dob is not None
            and individual.dob.replace(year=individual.dob.year + 18) <= employment.start_date
        )
        if employment.employment_status in ("terminated", "retired"):
            assert employment.end_date is not None and employment.start_date < employment.end_date < TODAY
            assert employment.is_active is False
        else:
            assert employment.end_date is None and employment.is_active is True
        if employment.latest_rehire_date is not None:
            assert employment.start_date < employment.latest_rehire_date < TODAY


def test_pay_history_leads_to_current_pay_and_flsa_follows_it(
    people: list[tuple[Individual, Employment]],
) -> None:
    for _, employment in people:
        history, income = employment.income_history, employment.income
        assert income is not None and history and history[-1] == income
        assert history[0].effective_date == employment.start_date
        assert [entry.effective_date for entry in history] == sorted(
            entry.effective_date for entry in history
        )  # type: ignore[type-var]
        contractor = employment.employment is not None and employment.employment.type == "contractor"
        expected = {"yearly": "exempt", "hourly": "non_exempt"}[income.unit or ""]
        assert employment.flsa_status == ("unknown" if contractor else expected)
        if income.unit == "yearly":
            assert 4_000_000 <= (income.amount or 0) <= 50_000_000
        else:
            assert 1_500 <= (income.amount or 0) <= 20_000


def test_work_locations_are_company_offices(
    company: SandboxCompany, people: list[tuple[Individual, Employment]]
) -> None:
    offices = set(company.company().locations)
    assert {employment.location for _, employment in people} <= offices


def test_individuals_look_real(company: SandboxCompany, people: list[tuple[Individual, Employment]]) -> None:
    domain = company.company().primary_email.split("@")[1]  # type: ignore[union-attr]
    for individual, employment in people:
        assert individual.gender in ("female", "male", "other", "decline_to_specify")
        assert individual.ssn is not None and SSN.fullmatch(individual.ssn)
        work = [email.data for email in individual.emails if email.type == "work"]
        assert len(work) == 1 and work[0].endswith("@" + domain)
        assert all(E164.fullmatch(phone.data) for phone in individual.phone_numbers)
        assert individual.residence is not None and employment.location is not None
        assert individual.residence.state == employment.location.state
    work_emails = [
        email.data for individual, _ in people for email in individual.emails if email.type == "work"
    ]
    assert len(set(work_emails)) == len(work_emails)
    assert len({individual.last_name for individual, _ in people}) > 100


# Multi-entity


def test_every_record_of_a_multi_entity_company_names_one_of_its_entities() -> None:
    company = SandboxCompany(CompanySpec(seed=3, employee_size=90, entity_count=3, today=TODAY))
    entities = [entity.source_id for entity in company.entities()]
    assert len(entities) == 3 and len(set(entity.name for entity in company.entities())) == 3
    members = Counter(entry.entity_source_id for entry in company.directory())
    assert set(members) == set(entities)
    for individual, employment in map(company.employee, range(90)):
        assert individual.entity_source_id == employment.entity_source_id
    groups = company.pay_groups()
    assert Counter(group.entity_source_id for group in groups) == dict.fromkeys(entities, 3)
    entity_of = {entry.source_id: entry.entity_source_id for entry in company.directory()}
    for payment in company.payments(date(2025, 5, 1), TODAY):
        assert {entity_of[individual] for individual in payment.individual_source_ids} == {
            payment.entity_source_id
        }


def test_a_single_entity_company_has_one_entity_named_after_it(company: SandboxCompany) -> None:
    [entity] = company.entities()
    assert entity.name == company.company().legal_name
    assert {entry.entity_source_id for entry in company.directory(0, 50)} == {entity.source_id}


# Payroll


def test_pay_groups_are_weekly_bi_weekly_and_semi_monthly_with_everyone_in_one(
    company: SandboxCompany,
) -> None:
    groups = company.pay_groups()
    assert sorted(frequency for group in groups for frequency in group.pay_frequencies) == [
        "bi_weekly",
        "semi_monthly",
        "weekly",
    ]
    members = [member for group in groups for member in group.individual_source_ids]
    assert sorted(members) == [entry.source_id for entry in company.directory()]


def test_payments_are_filtered_on_pay_date_inclusively(company: SandboxCompany) -> None:
    all_payments = list(company.payments(date(2000, 1, 1), date(2100, 1, 1)))
    pay_dates = [payment.pay_date for payment in all_payments]
    assert pay_dates == sorted(pay_dates)  # type: ignore[type-var]
    assert min(pay_dates) >= date(2025, 1, 1) and max(pay_dates) <= TODAY  # type: ignore[type-var]
    april = list(company.payments(date(2025, 4, 1), date(2025, 4, 30)))
    assert april and all(date(2025, 4, 1) <= (p.pay_date or date.min) <= date(2025, 4, 30) for p in april)
    one_day = all_payments[10].pay_date or date.min
    assert all_payments[10] in list(company.payments(one_day, one_day))
    assert list(company.payments(date(2025, 5, 2), date(2025, 5, 1))) == []


def test_the_default_history_starts_on_january_first_of_last_year() -> None:
    company = SandboxCompany(CompanySpec(seed=4, employee_size=10, today=date(2025, 2, 10)))
    first = next(company.payments(date(2000, 1, 1), date(2100, 1, 1)))
    assert first.pay_date is not None and date(2024, 1, 1) <= first.pay_date <= date(2024, 1, 20)


def test_unknown_payments_and_benefits_are_key_errors(company: SandboxCompany) -> None:
    for payment_id in (
        "nope",
        "pmt-1-bw-20250231",
        "pmt-9-bw-20250110",
        "pmt-1-xx-20250110",
        "pmt-1-wk-20250102",
    ):
        with pytest.raises(KeyError):
            company.pay_statements(payment_id)
    with pytest.raises(KeyError):
        company.enrollments("ben-pension")


def test_nobody_is_paid_outside_their_employment(
    company: SandboxCompany, people: list[tuple[Individual, Employment]]
) -> None:
    employment_of = {employment.source_id: employment for _, employment in people}
    for payment in company.payments(date(2025, 1, 1), TODAY):
        assert payment.pay_period is not None
        for individual_id in payment.individual_source_ids:
            employment = employment_of[individual_id]
            first_day = employment.latest_rehire_date or employment.start_date
            assert first_day is not None and payment.pay_period.end_date is not None
            assert first_day <= payment.pay_period.end_date
            if employment.end_date is not None:
                assert payment.pay_period.start_date is not None
                assert payment.pay_period.start_date <= employment.end_date


def test_hourly_staff_earn_wages_and_contractors_pay_no_tax(company: SandboxCompany) -> None:
    statements = [
        s
        for p in company.payments(date(2025, 3, 1), date(2025, 3, 31))
        for s in company.pay_statements(p.source_id)
    ]
    earning_types = {earning.type for statement in statements for earning in statement.earnings}
    assert {"salary", "wage", "overtime", "bonus", "1099"} <= earning_types
    for statement in statements:
        if any(earning.type == "1099" for earning in statement.earnings):
            assert statement.taxes == () and statement.employee_deductions == ()


# Benefits and documents


def test_enrollments_agree_with_the_deductions_on_pay_statements(company: SandboxCompany) -> None:
    statements = [
        s for p in company.payments(date(2025, 5, 1), TODAY) for s in company.pay_statements(p.source_id)
    ]
    benefits = company.benefits()
    assert {"401k", "s125_medical", "s125_dental", "hsa_pre"} <= {benefit.type for benefit in benefits}
    for benefit in benefits:
        enrolled = {
            enrollment.individual_source_id: enrollment
            for enrollment in company.enrollments(benefit.source_id)
        }
        assert enrolled or benefit.type in ("fsa_medical", "401k_roth")
        for statement in statements:
            lines = [line for line in statement.employee_deductions if line.type == benefit.type]
            enrollment = enrolled.get(statement.individual_source_id)
            if enrollment is None:
                assert lines == []
                continue
            deduction = enrollment.employee_deduction
            assert deduction is not None
            gross = statement.gross_pay.amount if statement.gross_pay else 0
            if deduction.type == "percent":
                assert [line.amount for line in lines] == [
                    ((gross or 0) * deduction.amount + 5_000) // 10_000
                ]
            else:
                assert [line.amount for line in lines] in ([deduction.amount], [])


def test_long_tenured_employees_may_keep_the_2005_w4(
    company: SandboxCompany, people: list[tuple[Individual, Employment]]
) -> None:
    employment_of = {employment.source_id: employment for _, employment in people}
    documents = list(company.documents())
    assert Counter(document.type for document in documents).most_common(1)[0][0] == "w4_2020"
    for document in documents:
        employment = employment_of[document.individual_source_id]
        assert employment.employment is not None and employment.employment.type == "employee"
        assert employment.start_date is not None
        if document.type == "w4_2005":
            assert employment.start_date.year < 2020 and document.year < 2020
        else:
            assert 2020 <= document.year <= TODAY.year


# The spec


@pytest.mark.parametrize(
    "spec",
    [
        {"seed": 1, "employee_size": 0},
        {"seed": 1, "employee_size": 2, "entity_count": 3},
        {"seed": 1, "entity_count": 0},
        {"seed": 1, "history_start": TODAY + timedelta(days=1)},
    ],
)
def test_impossible_specs_are_refused(spec: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        CompanySpec(**spec, today=TODAY)  # type: ignore[arg-type]


def test_a_one_person_company_is_just_its_founder() -> None:
    company = SandboxCompany(CompanySpec(seed=9, employee_size=1, today=TODAY))
    [entry] = company.directory()
    assert entry.manager_source_id is None and entry.is_active
    assert list(company.payments(date(2025, 6, 1), TODAY))


def test_the_wall_clock_is_never_read() -> None:
    spec = CompanySpec(seed=21, employee_size=30, today=TODAY, history_start=date(2025, 5, 1))
    outputs = []
    for now in (date(2019, 1, 1), date(2031, 7, 4)):
        with time_machine.travel(now, tick=False):
            build_pools.cache_clear()
            company = SandboxCompany(spec)
            payments = list(company.payments(date(2000, 1, 1), date(2100, 1, 1)))
            outputs.append(
                [to_wire(record) for record in (*company.individuals(), *company.employments(), *payments)]
            )
    assert outputs[0] == outputs[1]


@pytest.mark.parametrize("cache_size", [0, 7, 10_000])
def test_cached_workers_give_the_same_records_as_fresh_draws(
    monkeypatch: pytest.MonkeyPatch, cache_size: int
) -> None:
    """Employments, documents and payroll read workers from a bounded cache once drawn; what
    comes out must not depend on whether, or how much, was cached."""
    from roost.providers.sandbox import workforce

    spec = CompanySpec(seed=99, employee_size=40, today=date(2025, 6, 30))
    fresh = SandboxCompany(spec)
    expected = (
        [to_wire(e) for e in fresh.employments()],
        [to_wire(d) for d in fresh.documents()],
        [to_wire(p) for p in fresh.payments(date(2025, 1, 1), date(2025, 6, 30))],
    )
    monkeypatch.setattr(workforce, "WORKER_CACHE_SIZE", cache_size)
    warmed = SandboxCompany(spec)
    individuals = list(warmed.individuals())  # draws everyone, filling the cache
    assert len(individuals) == 40
    assert len(warmed._workforce._workers) == min(cache_size, 40)
    got = (
        [to_wire(e) for e in warmed.employments()],
        [to_wire(d) for d in warmed.documents()],
        [to_wire(p) for p in warmed.payments(date(2025, 1, 1), date(2025, 6, 30))],
    )
    assert got == expected


@pytest.mark.parametrize("budget", [payments.PAID_CACHE_PAYCHECKS, 700])
def test_statements_after_a_listing_equal_statements_priced_afresh(
    budget: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A listing keeps its payments' paychecks for their statements, up to a budget; a
    # company that has listed nothing prices every statement itself. Both must agree.
    monkeypatch.setattr(payments, "PAID_CACHE_PAYCHECKS", budget)
    spec = CompanySpec(seed=3, employee_size=120, today=TODAY, history_start=date(2025, 1, 1))
    listed, fresh = SandboxCompany(spec), SandboxCompany(spec)
    paid = list(listed.payments(date(2025, 1, 1), TODAY))
    assert len(paid) > 10
    for payment in paid:
        statements = list(listed.pay_statements(payment.source_id))
        assert statements == list(fresh.pay_statements(payment.source_id))
        assert sum(s.gross_pay.amount or 0 for s in statements) == payment.gross_pay.amount
        # Asked again, the statements are priced again, identically.
        assert list(listed.pay_statements(payment.source_id)) == statements
    assert list(listed.payments(date(2025, 1, 1), TODAY)) == paid
