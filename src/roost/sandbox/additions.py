"""Additions to a sandbox company: ``POST /sandbox/directory`` and ``POST /sandbox/payment``.

reference §11: people are given as combined individual and employment objects whose every
field is optional, "mock data fills the gaps". A new person's personal details come from a
person the generator makes for a sibling company (so names do not repeat the company's), and
their job from a colleague's (so departments, managers and locations exist in this company).
Added records get Roost ids at once, which the next sync keeps.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import replace
from typing import Any

from roost.auth.service import TokenContext
from roost.core.errors import bad_request
from roost.core.runtime import Runtime
from roost.providers.records import Employment, Individual, Payment, PayStatement
from roost.sandbox.data_schemas import DirectoryPerson, PaymentCreated, PaymentIn, PayStatementIn
from roost.sandbox.edits import Workspace, employment_patch, individual_patch, workspace
from roost.sandbox.overlay import OverlaidCompany, employee_index, shared_company
from roost.sandbox.records import from_wire, to_wire

# The sibling company that lends new people their personal details.
_MOCK_SEED_SALT = 0x5EED
_MOCK_SIZE = 50
# Without dates, a payment covers the two weeks up to today and is paid today.
_DEFAULT_PERIOD_DAYS = 13


def _mock_individual(company: OverlaidCompany, number: int) -> Individual:
    spec = replace(company.base.spec, seed=company.base.spec.seed ^ _MOCK_SEED_SALT, employee_size=_MOCK_SIZE)
    individual, _ = shared_company(spec).employee(1 + number % (_MOCK_SIZE - 1))
    return individual


def _colleague(company: OverlaidCompany, number: int) -> Employment:
    size = company.base.spec.employee_size
    _, employment = company.base.employee(1 + number % (size - 1) if size > 1 else 0)
    return employment


def _new_source_id(company: OverlaidCompany, requested: str | None, taken: set[str]) -> str:
    source_id = requested or f"emp-sbx-{secrets.token_hex(6)}"
    index = employee_index(source_id)
    if source_id in taken or (index is not None and 0 <= index < company.base.spec.employee_size):
        raise bad_request(f"source_id {source_id!r} is already used in this sandbox company")
    taken.add(source_id)
    return source_id


async def _new_person(
    space: Workspace, person: DirectoryPerson, number: int, taken: set[str]
) -> dict[str, Any]:
    company = space.company
    fields = person.model_dump(mode="json", exclude_unset=True)
    source_id = _new_source_id(company, fields.get("source_id"), taken)
    colleague = _colleague(company, number)
    individual = {
        **to_wire(_mock_individual(company, number)),
        "source_id": source_id,
        "entity_source_id": colleague.entity_source_id,
        **individual_patch(fields),
    }
    names = {k: individual[k] for k in ("first_name", "middle_name", "last_name")}
    employment = {
        **to_wire(colleague),
        **names,
        "source_id": source_id,
        **await employment_patch(space, fields),
    }
    # A round trip through the records normalises the stored shape (and rejects bad data).
    return {
        "individual": to_wire(from_wire(Individual, individual)),
        "employment": to_wire(from_wire(Employment, employment)),
    }


async def add_people(
    runtime: Runtime, token: TokenContext, people: list[DirectoryPerson]
) -> list[dict[str, Any]]:
    async with runtime.database.writing() as session:
        space = await workspace(runtime, session, token)
        existing = list(space.state.added_people)
        taken = {p["individual"]["source_id"] for p in existing}
        added = [
            await _new_person(space, person, len(existing) + i, taken) for i, person in enumerate(people)
        ]
        space.state.added_people = [*existing, *added]
        space.touch()
        created = []
        for person in added:
            individual = await space.body("individual", from_wire(Individual, person["individual"]))
            employment = await space.body("employment", from_wire(Employment, person["employment"]))
            created.append({**employment, **individual, "encrypted_ssn": None})
        return created


def _money(amount: int | None) -> dict[str, Any] | None:
    return None if amount is None else {"amount": amount, "currency": "usd"}


def _statement(payment_source_id: str, individual_source_id: str, request: PayStatementIn) -> dict[str, Any]:
    def items(values: list[Any]) -> list[dict[str, Any]]:
        return [{**v.model_dump(mode="json"), "currency": "usd"} for v in values]

    record = {
        "source_id": f"{payment_source_id}-{individual_source_id}",
        "payment_source_id": payment_source_id,
        "individual_source_id": individual_source_id,
        "type": request.type,
        "payment_method": request.payment_method,
        "total_hours": request.total_hours,
        "gross_pay": _money(request.gross_pay),
        "net_pay": _money(request.net_pay),
        "earnings": items(request.earnings),
        "taxes": items(request.taxes),
        "employee_deductions": items(request.employee_deductions),
        "employer_contributions": items(request.employer_contributions),
    }
    return to_wire(from_wire(PayStatement, record))


def _payment(
    source_id: str, entity: str | None, dates: tuple[dt.date, dt.date], statements: list[Any]
) -> Any:
    start, end = dates
    gross = sum(s["gross_pay"]["amount"] for s in statements if s["gross_pay"])
    net = sum(s["net_pay"]["amount"] for s in statements if s["net_pay"])
    taxes = [t for s in statements for t in s["taxes"] if t["amount"] is not None]
    employer_taxes = sum(t["amount"] for t in taxes if t["employer"])
    record = {
        "source_id": source_id,
        "entity_source_id": entity,
        "pay_date": end.isoformat(),
        "debit_date": end.isoformat(),
        "pay_period": {"start_date": start.isoformat(), "end_date": end.isoformat()},
        "company_debit": _money(gross + employer_taxes),
        "gross_pay": _money(gross),
        "net_pay": _money(net),
        "employer_taxes": _money(employer_taxes),
        "employee_taxes": _money(sum(t["amount"] for t in taxes if not t["employer"])),
        "individual_source_ids": [s["individual_source_id"] for s in statements],
    }
    return to_wire(from_wire(Payment, record))


def _dates(runtime: Runtime, request: PaymentIn) -> tuple[dt.date, dt.date]:
    end = request.end_date or runtime.clock.now().date()
    start = request.start_date or end - dt.timedelta(days=_DEFAULT_PERIOD_DAYS)
    if start > end:
        raise bad_request("start_date must not be after end_date")
    return start, end


async def add_payment(runtime: Runtime, token: TokenContext, request: PaymentIn) -> PaymentCreated:
    """A payment paid on ``end_date`` (default today) with the given statements."""
    dates = _dates(runtime, request)
    source_id = f"pmt-sbx-{secrets.token_hex(6)}"
    async with runtime.database.writing() as session:
        space = await workspace(runtime, session, token)
        company = space.company
        people = [await space.source_id(s.individual_id) for s in request.pay_statements]
        if len(set(people)) != len(people):
            raise bad_request("A payment has at most one pay statement per individual")
        statements = [
            _statement(source_id, p, s) for p, s in zip(people, request.pay_statements, strict=True)
        ]
        first = company.person(people[0]) if people else None
        # Multi-entity companies: the payment belongs to its first payee's entity.
        entity = first[1].entity_source_id if first else company.entities()[0].source_id
        payment = _payment(source_id, entity, dates, statements)
        space.state.added_payments = [
            *space.state.added_payments,
            {"payment": payment, "statements": statements},
        ]
        space.touch()
        payment_id = await space.roost_id("payment", source_id)
    return PaymentCreated(payment_id=payment_id, pay_date=dates[1].isoformat())
