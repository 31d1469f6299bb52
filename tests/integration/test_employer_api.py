"""The /employer API read through the official finch-api SDK (AsyncFinch over ASGI)."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator

import finch
import httpx
import pytest
from finch import AsyncFinch
from sqlalchemy import update

from roost.connections.models import Connection
from roost.core.runtime import Runtime
from tests.conftest import Credentials
from tests.syncing import Connected, connect_sandbox, run_jobs


@pytest.fixture
async def connected(client: httpx.AsyncClient, app_credentials: Credentials, runtime: Runtime) -> Connected:
    connection = await connect_sandbox(client, app_credentials)
    await run_jobs(runtime)
    return connection


@pytest.fixture
async def sdk(client: httpx.AsyncClient, connected: Connected) -> AsyncIterator[AsyncFinch]:
    async with AsyncFinch(
        access_token=connected.access_token, base_url="http://testserver", http_client=client, max_retries=0
    ) as employer:
        yield employer


async def test_company_and_auto_paged_directory(sdk: AsyncFinch) -> None:
    company = await sdk.hris.company.retrieve()
    assert company.legal_name and company.ein and company.departments
    people = [person async for person in sdk.hris.directory.list(limit=7)]
    assert len(people) == 20 and len({p.id for p in people}) == 20
    assert sum(1 for p in people if p.manager is None) == 1


async def test_individuals_with_and_without_ssn(sdk: AsyncFinch) -> None:
    ids = [p.id async for p in sdk.hris.directory.list()]
    plain = [
        r async for r in sdk.hris.individuals.retrieve_many(requests=[{"individual_id": i} for i in ids[:3]])
    ]
    assert all(r.code == 200 and r.body.ssn is None for r in plain)  # type: ignore[union-attr]
    with_ssn = [
        r
        async for r in sdk.hris.individuals.retrieve_many(
            requests=[{"individual_id": ids[0]}, {"individual_id": "00000000-0000-4000-8000-000000000000"}],
            options={"include": ["ssn"]},
        )
    ]
    assert with_ssn[0].body.ssn  # type: ignore[union-attr]
    assert with_ssn[1].code == 404


async def test_employment_payments_and_pay_statements(sdk: AsyncFinch) -> None:
    ids = [p.id async for p in sdk.hris.directory.list()]
    employment = [r async for r in sdk.hris.employments.retrieve_many(requests=[{"individual_id": ids[1]}])]
    assert employment[0].body.employment.type in ("employee", "contractor")  # type: ignore[union-attr]
    payments = [
        p
        async for p in sdk.hris.payments.list(start_date=dt.date(2025, 1, 1), end_date=dt.date(2025, 12, 31))
    ]
    assert payments and all(p.pay_date.startswith("2025") for p in payments)  # type: ignore[union-attr]
    statements = [
        s
        async for s in sdk.hris.pay_statements.retrieve_many(
            requests=[{"payment_id": payments[0].id, "limit": 2}]
        )
    ]
    body = statements[0].body
    assert statements[0].code == 200 and body.paging.count >= len(body.pay_statements)  # type: ignore[union-attr]
    statement = body.pay_statements[0]  # type: ignore[union-attr]
    assert statement.gross_pay.amount == sum(e.amount for e in statement.earnings)
    groups = [g async for g in sdk.payroll.pay_groups.list()]
    detail = await sdk.payroll.pay_groups.retrieve(groups[0].id)
    assert detail.individual_ids


async def test_benefits_and_enrollments(sdk: AsyncFinch) -> None:
    benefits = [b async for b in sdk.hris.benefits.list()]
    assert benefits
    enrolled = await sdk.hris.benefits.individuals.enrolled_ids(benefits[0].benefit_id)
    assert enrolled.individual_ids
    items = [
        i
        async for i in sdk.hris.benefits.individuals.retrieve_many_benefits(
            benefits[0].benefit_id, individual_ids=enrolled.individual_ids[0]
        )
    ]
    assert items[0].code == 200


async def test_a_product_not_granted_is_an_insufficient_scope(
    client: httpx.AsyncClient, app_credentials: Credentials, runtime: Runtime
) -> None:
    connected = await connect_sandbox(client, app_credentials, customer_id="narrow", products=["company"])
    await run_jobs(runtime)
    response = await client.get("/employer/directory", headers=connected.bearer)
    assert response.status_code == 403 and response.json()["name"] == "insufficient_scope_error"


async def test_a_connection_needing_reauthentication_answers_401(
    sdk: AsyncFinch, connected: Connected, runtime: Runtime
) -> None:
    async with runtime.database.writing() as session:
        await session.execute(
            update(Connection).where(Connection.id == connected.connection_id).values(status="reauth")
        )
    with pytest.raises(finch.AuthenticationError) as raised:
        await sdk.hris.company.retrieve()
    assert raised.value.body["finch_code"] == "reauthenticate_user"  # type: ignore[index]


async def test_freshness_headers(client: httpx.AsyncClient, connected: Connected) -> None:
    response = await client.get("/employer/company", headers=connected.bearer)
    assert response.headers["finch-last-attempted-update-result"] == "success"
    assert "finch-data-retrieved" in response.headers


async def test_multi_entity_connections_need_entity_ids(
    client: httpx.AsyncClient, app_credentials: Credentials, runtime: Runtime
) -> None:
    connected = await connect_sandbox(
        client, app_credentials, customer_id="multi", password="account_selection"
    )
    await run_jobs(runtime)
    missing = await client.get("/employer/directory", headers=connected.bearer)
    assert missing.status_code == 400 and missing.json()["name"] == "invalid_request_error"
    introspected = (await client.get("/introspect", headers=connected.bearer)).json()
    first, second = (e["id"] for e in introspected["entities"])
    one = (
        await client.get("/employer/directory", params={"entity_ids[]": first}, headers=connected.bearer)
    ).json()
    two = (
        await client.get("/employer/directory", params={"entity_ids": second}, headers=connected.bearer)
    ).json()
    # Two of the company's three entities were connected: each has people, none overlap,
    # and the third entity's people are not served.
    assert one["paging"]["count"] > 0 and two["paging"]["count"] > 0
    assert one["paging"]["count"] + two["paging"]["count"] < 20
    assert not {p["id"] for p in one["individuals"]} & {p["id"] for p in two["individuals"]}


async def test_before_the_first_sync_data_is_accepted_not_served(
    client: httpx.AsyncClient, app_credentials: Credentials
) -> None:
    connected = await connect_sandbox(client, app_credentials, customer_id="early")
    response = await client.get("/employer/company", headers=connected.bearer)
    assert response.status_code == 202 and response.json()["finch_code"] == "data_sync_in_progress"
