"""Pay statement items, their rules and ``/disconnect-entity`` through the official ``finch-api`` SDK
against a running Roost."""

from __future__ import annotations

import asyncio
import time
import uuid

import finch
import httpx
import pytest
from finch import Finch

from tests.conftest import Credentials, LiveServer
from tests.syncing import connect_sandbox

pytestmark = pytest.mark.contract
SYNC_WAIT_SECONDS = 60
PRODUCTS = ["company", "directory", "individual", "employment", "payment", "pay_statement"]


def wait_for_sync(client: Finch) -> None:
    deadline = time.monotonic() + SYNC_WAIT_SECONDS
    while client.account.introspect().connection_status.last_successful_sync is None:
        assert time.monotonic() < deadline, "the sync did not finish in time"
        time.sleep(0.2)


@pytest.fixture(scope="module")
def employer(live_server: LiveServer, live_credentials: Credentials) -> Finch:
    """A synced sandbox company whose token grants pay_statement."""
    application = Finch(
        client_id=live_credentials.client_id,
        client_secret=live_credentials.client_secret,
        base_url=live_server.url,
        max_retries=0,
    )
    created = application.sandbox.connections.create(provider_id="gusto", employee_size=8, products=PRODUCTS)
    client = Finch(access_token=created.access_token, base_url=live_server.url, max_retries=0)
    wait_for_sync(client)
    return client


def test_pay_statement_items_and_their_filters(employer: Finch) -> None:
    items = list(employer.hris.pay_statement_item.list())
    assert items and {i.category for i in items} == {
        "earnings",
        "taxes",
        "employee_deductions",
        "employer_contributions",
    }
    assert all(i.attributes.metadata is None for i in items)
    employer_taxes = [i for i in items if i.category == "taxes" and i.attributes.employer]
    assert {i.name for i in employer_taxes} == {"Social Security Employer", "Medicare Employer"}
    assert all(i.attributes.pre_tax is not None for i in items if i.category == "employee_deductions")

    # The SDK sends categories[]=…&categories[]=… (brackets style).
    taxes = list(employer.hris.pay_statement_item.list(categories=["taxes"], name="medicare", type="fica"))
    assert {(i.category, i.name) for i in taxes} == {("taxes", "Medicare"), ("taxes", "Medicare Employer")}
    assert list(employer.hris.pay_statement_item.list(start_date="1990-01-01", end_date="1990-12-31")) == []
    with pytest.raises(finch.BadRequestError) as raised:
        employer.hris.pay_statement_item.list(start_date="2025-06-01", end_date="2025-01-01")
    assert "end_date" in raised.value.message


def test_rule_lifecycle_and_its_effect_on_items(employer: Finch) -> None:
    rules = employer.hris.pay_statement_item.rules
    created = rules.create(
        attributes={"metadata": {"label": "Base Compensation"}},
        conditions=[{"field": "name", "operator": "equals", "value": "Salary"}],
        effective_start_date="2020-01-01",
        entity_type="pay_statement_item",
    )
    assert created.id and created.priority is not None and created.created_at is not None
    assert created.attributes is not None and created.attributes.metadata == {"label": "Base Compensation"}
    assert created.conditions and created.conditions[0].operator == "equals"
    assert created.effective_start_date == "2020-01-01" and created.effective_end_date is None
    assert created.id in [rule.id for rule in rules.list()]

    salary = next(i for i in employer.hris.pay_statement_item.list() if i.name == "Salary")
    assert salary.attributes.metadata == {"label": "Base Compensation"}

    # The SDK's update body is a placeholder; extra_body carries the real change.
    updated = rules.update(created.id, extra_body={"attributes": {"metadata": {"label": "Base"}}})
    assert updated.id == created.id and updated.attributes is not None
    assert updated.attributes.metadata == {"label": "Base"}
    salary = next(i for i in employer.hris.pay_statement_item.list() if i.name == "Salary")
    assert salary.attributes.metadata == {"label": "Base"}

    deleted = rules.delete(created.id)
    assert deleted.id == created.id and deleted.deleted_at is not None
    assert created.id not in [rule.id for rule in rules.list()]
    with pytest.raises(finch.NotFoundError):
        rules.delete(created.id)
    with pytest.raises(finch.BadRequestError) as raised:
        rules.create(
            attributes={"metadata": {"x": 1}},
            conditions=[{"field": "name", "operator": "equals", "value": "Salary"}],
            effective_start_date="2025-02-01",
            effective_end_date="2025-01-01",
        )
    assert "effective_end_date" in raised.value.message


def test_disconnect_entity_keeps_the_other_entities(
    live_server: LiveServer, live_credentials: Credentials
) -> None:
    async def connect() -> str:
        async with httpx.AsyncClient(base_url=live_server.url) as http:
            connected = await connect_sandbox(
                http,
                live_credentials,
                customer_id=f"entities-{uuid.uuid4()}",
                password="account_selection",
                products=PRODUCTS,
            )
        return connected.access_token

    client = Finch(access_token=asyncio.run(connect()), base_url=live_server.url, max_retries=0)
    wait_for_sync(client)
    entities = client.account.introspect().entities or []
    first, second = (entity.id for entity in entities)
    kept = {p.id for p in client.hris.directory.list(entity_ids=[second])}

    assert client.account.disconnect_entity(entity_ids=[first]).status == "success"
    statuses = {e.id: e.status for e in client.account.introspect().entities or []}
    assert statuses == {first: "disconnected", second: "connected"}
    with pytest.raises(finch.BadRequestError) as raised:
        client.hris.directory.list(entity_ids=[first])
    assert "disconnected" in raised.value.message
    assert {p.id for p in client.hris.directory.list()} == kept

    assert client.account.disconnect_entity(entity_ids=[second]).status == "success"
    with pytest.raises(finch.AuthenticationError):
        client.account.introspect()
