"""``to_wire`` speaks Finch: every record, once Roost has swapped provider ids for its own,
validates against the official SDK's model with no field left over.

The sync engine will replace ``source_id`` references with Roost UUIDs; ``finch_ids`` below
plays that part, so what remains is exactly the wire the SDK reads.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from finch.types.hris import (
    W42005,
    W42020,
    Company,
    CompanyBenefit,
    EmploymentData,
    IndividualInDirectory,
    Payment,
    PayStatement,
)
from finch.types.hris.benefits.individual_benefit import IndividualBenefit
from finch.types.hris.document_response import DocumentResponse
from finch.types.hris.employment_data import EmploymentDataResponseBody
from finch.types.hris.individual import IndividualResponseBody
from finch.types.introspection import Entity
from finch.types.payroll.pay_group_retrieve_response import PayGroupRetrieveResponse
from pydantic import BaseModel, TypeAdapter

from roost.providers import records
from roost.providers.records import to_wire
from roost.providers.records.wire import encode, top_level
from roost.providers.sandbox import CompanySpec, SandboxCompany

TODAY = date(2025, 3, 20)
# Renames from a Roost record's references to the Finch field that holds the Roost id.
ID_FIELDS = {
    "source_id": "id",
    "individual_source_id": "individual_id",
    "individual_source_ids": "individual_ids",
    "pay_group_source_ids": "pay_group_ids",
}


@pytest.fixture(scope="module")
def company() -> SandboxCompany:
    return SandboxCompany(CompanySpec(seed=20250320, employee_size=120, entity_count=2, today=TODAY))


def finch_ids(wire: dict[str, Any], *, keep_source_id: bool = False) -> dict[str, Any]:
    """The wire with provider ids in Finch's id fields, and Roost-only references removed."""
    shaped: dict[str, Any] = {}
    for key, value in wire.items():
        if key == "manager_source_id":
            shaped["manager"] = None if value is None else {"id": value}
        elif key in ("entity_source_id", "payment_source_id", "benefit_source_id"):
            continue
        elif key in ID_FIELDS:
            shaped[ID_FIELDS[key]] = value
        else:
            shaped[key] = value
    if keep_source_id:
        shaped["source_id"] = wire["source_id"]
    return shaped


def assert_no_extra_fields(model: BaseModel) -> None:
    """Finch's models accept unknown keys, so check that none arrived, at any depth."""
    assert not model.model_extra, f"{type(model).__name__} got unknown fields {sorted(model.model_extra)}"
    for name in type(model).model_fields:
        for value in _models_in(getattr(model, name)):
            assert_no_extra_fields(value)


def _models_in(value: object) -> Iterator[BaseModel]:
    if isinstance(value, BaseModel):
        yield value
    elif isinstance(value, list):
        for item in value:
            yield from _models_in(item)


def validate(model: type[BaseModel], wire: dict[str, Any]) -> BaseModel:
    validated = model.model_validate(wire)
    assert_no_extra_fields(validated)
    return validated


def test_company_matches_finch_company(company: SandboxCompany) -> None:
    validate(Company, finch_ids(to_wire(company.company())))


def test_entities_match_finch_introspection_entities(company: SandboxCompany) -> None:
    for entity in company.entities():
        wire = to_wire(entity)
        validate(Entity, {"id": "connection-account", **wire, "status": "connected"})


def test_directory_entries_match_finch_directory(company: SandboxCompany) -> None:
    for entry in company.directory():
        validate(IndividualInDirectory, finch_ids(to_wire(entry)))


def test_individuals_match_finch_individual(company: SandboxCompany) -> None:
    for individual in company.individuals():
        validate(IndividualResponseBody, finch_ids(to_wire(individual)))


def test_employments_match_finch_employment_with_source_id(company: SandboxCompany) -> None:
    for employment in company.employments():
        validated = validate(EmploymentDataResponseBody, finch_ids(to_wire(employment), keep_source_id=True))
        assert isinstance(validated, EmploymentDataResponseBody)
        assert validated.source_id == employment.source_id
        assert validated.income is not None and employment.income is not None
        assert validated.income.effective_date == employment.income.effective_date


def test_employment_union_alias_accepts_the_wire(company: SandboxCompany) -> None:
    _, employment = company.employee(3)
    wire = finch_ids(to_wire(employment), keep_source_id=True)
    assert isinstance(TypeAdapter(EmploymentData).validate_python(wire), EmploymentDataResponseBody)


def test_payments_and_statements_match_finch_payroll(company: SandboxCompany) -> None:
    payments = list(company.payments(date(2025, 1, 1), TODAY))
    assert payments
    for payment in payments:
        validate(Payment, finch_ids(to_wire(payment)))
    for statement in company.pay_statements(payments[-1].source_id):
        # A statement's own id is Roost's bookkeeping: Finch nests statements under their payment.
        wire = to_wire(statement)
        del wire["source_id"]
        validate(PayStatement, finch_ids(wire))


def test_pay_groups_match_finch_pay_group(company: SandboxCompany) -> None:
    for group in company.pay_groups():
        validate(PayGroupRetrieveResponse, finch_ids(to_wire(group)))


def test_benefits_and_enrollments_match_finch_benefits(company: SandboxCompany) -> None:
    for benefit in company.benefits():
        wire = to_wire(benefit)
        validate(CompanyBenefit, {"benefit_id": wire.pop("source_id"), **wire})
        for enrollment in company.enrollments(benefit.source_id):
            body = to_wire(enrollment)
            item = {"individual_id": body.pop("individual_source_id"), "code": 200}
            body.pop("benefit_source_id")
            validated = IndividualBenefit.model_validate({**item, "body": body})
            assert_no_extra_fields(validated)


def test_documents_match_finch_document_list_and_forms(company: SandboxCompany) -> None:
    documents = list(company.documents())
    assert {document.type for document in documents} == {"w4_2020", "w4_2005"}
    for document in documents:
        wire = to_wire(document)
        listed = {key: wire[key] for key in ("source_id", "individual_source_id", "type", "year")}
        validate(DocumentResponse, {**finch_ids(listed), "url": f"https://example.test/{document.source_id}"})
        form = W42020 if document.type == "w4_2020" else W42005
        data = {**wire["data"], "individual_id": wire["individual_source_id"]}
        validate(form, {"type": wire["type"], "year": wire["year"], "data": data})


def test_dates_become_iso_strings_and_tuples_become_lists() -> None:
    income = records.Income(amount=100, unit="hourly", effective_date=date(2024, 2, 29))
    wire = to_wire(records.PayPeriod(start_date=date(2024, 1, 1), end_date=None))
    assert wire == {"start_date": "2024-01-01", "end_date": None}
    nested = to_wire(records.Employment(source_id="e1", income_history=(income,)))
    assert nested["income_history"] == [
        {"amount": 100, "unit": "hourly", "effective_date": "2024-02-29", "currency": "usd"}
    ]


def test_single_field_records_serialize_as_objects() -> None:
    assert to_wire(records.DepartmentRef(name="Data")) == {"name": "Data"}


def test_every_record_field_reaches_the_wire_in_declaration_order() -> None:
    individual = records.Individual(source_id="i1", first_name="Ada")
    assert list(to_wire(individual)) == [field.name for field in dataclasses.fields(records.Individual)]


def test_to_wire_refuses_what_is_not_a_record() -> None:
    with pytest.raises(TypeError, match="record dataclass"):
        to_wire({"source_id": "x"})


def test_records_are_frozen_slotted_and_keyword_only() -> None:
    for name in records.__all__:
        record = getattr(records, name)
        if not dataclasses.is_dataclass(record):
            continue
        params = record.__dataclass_params__  # type: ignore[attr-defined]
        assert params.frozen, name
        assert "__slots__" in vars(record), name
        assert all(field.kw_only for field in dataclasses.fields(record)), name


def test_encoded_top_level_is_the_same_document_as_to_wire(company: SandboxCompany) -> None:
    """The sync stores ``encode(top_level(record))``; it must be byte-for-byte the JSON of
    ``to_wire`` — same fields, same order, same dates — or re-syncs would see false changes."""
    payments = list(company.payments(date(2025, 1, 1), TODAY))
    samples: list[object] = [company.company(), *company.pay_groups(), *company.benefits(), *payments]
    samples += list(company.directory())[:20] + list(company.individuals())[:20]
    samples += list(company.employments())[:20] + list(company.documents())[:20]
    samples += list(company.pay_statements(payments[-1].source_id))
    for record in samples:
        expected = json.dumps(to_wire(record), separators=(",", ":"), ensure_ascii=False).encode()
        assert encode(top_level(record)) == expected, type(record).__name__


def test_top_level_keeps_nested_records_as_they_are() -> None:
    income = records.Income(amount=100, unit="hourly", effective_date=date(2024, 2, 29))
    fields = top_level(records.Employment(source_id="e1", income=income))
    assert fields["income"] is income
    assert fields["source_id"] == "e1"
