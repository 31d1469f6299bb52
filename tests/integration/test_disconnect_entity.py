"""POST /disconnect-entity: some entities of a multi-entity connection go, the rest stay."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy import select, update

from roost.auth.models import AccessToken
from roost.core.runtime import Runtime
from roost.webhooks.models import Event
from tests.conftest import Credentials, make_application
from tests.connect_driver import ConnectDriver, query_of
from tests.syncing import REDIRECT, Connected, connect_sandbox, resync, run_jobs


@pytest.fixture
async def multi(client: httpx.AsyncClient, app_credentials: Credentials, runtime: Runtime) -> Connected:
    connection = await connect_sandbox(
        client, app_credentials, customer_id="multi", password="account_selection"
    )
    await run_jobs(runtime)
    return connection


async def entities(client: httpx.AsyncClient, connected: Connected) -> dict[str, str]:
    introspected = await client.get("/introspect", headers=connected.bearer)
    return {e["id"]: e["status"] for e in introspected.json()["entities"]}


async def people(client: httpx.AsyncClient, connected: Connected, **params: Any) -> set[str]:
    response = await client.get("/employer/directory", params=params, headers=connected.bearer)
    assert response.status_code == 200, response.text
    return {p["id"] for p in response.json()["individuals"]}


async def disconnect(client: httpx.AsyncClient, connected: Connected, body: Any) -> httpx.Response:
    return await client.post("/disconnect-entity", json=body, headers=connected.bearer)


async def account_updates(runtime: Runtime, connection_id: str) -> list[str]:
    async with runtime.database.reading() as session:
        events = await session.scalars(
            select(Event)
            .where(Event.connection_id == connection_id, Event.type == "account.updated")
            .order_by(Event.sequence)
        )
        return [str(event.payload["data"]["status"]) for event in events]


async def test_only_the_named_entity_is_disconnected(
    client: httpx.AsyncClient, multi: Connected, runtime: Runtime
) -> None:
    first, second = await entities(client, multi)
    second_people = await people(client, multi, entity_ids=second)
    updates_before = await account_updates(runtime, multi.connection_id)

    response = await disconnect(client, multi, {"entity_ids": [first]})
    assert response.status_code == 200 and response.json() == {"status": "success"}

    assert await entities(client, multi) == {first: "disconnected", second: "connected"}
    introspected = (await client.get("/introspect", headers=multi.bearer)).json()
    assert introspected["connection_status"]["status"] == "connected"
    # The connection's status did not change, so no account.updated was announced.
    assert await account_updates(runtime, multi.connection_id) == updates_before

    # Naming the disconnected entity is a clear error, in every array style.
    for params in ({"entity_ids": first}, {"entity_ids[]": first}):
        refused = await client.get("/employer/directory", params=params, headers=multi.bearer)
        assert refused.status_code == 400
        body = refused.json()
        assert body["name"] == "invalid_request_error" and body["finch_code"] == "entity_disconnected"
        assert first in body["message"] and "disconnected" in body["message"]
    # The remaining entity works, named or not: only its people are served.
    assert await people(client, multi, entity_ids=second) == second_people
    assert await people(client, multi) == second_people
    company = await client.get("/employer/company", headers=multi.bearer)
    assert company.status_code == 200


async def test_after_a_resync_the_disconnected_entity_stays_out(
    client: httpx.AsyncClient, multi: Connected, runtime: Runtime
) -> None:
    first, second = await entities(client, multi)
    second_people = await people(client, multi, entity_ids=second)
    payments_before = (
        await client.get(
            "/employer/payment",
            params={"start_date": "2025-01-01", "end_date": "2025-12-31", "entity_ids": second},
            headers=multi.bearer,
        )
    ).json()
    assert (await disconnect(client, multi, {"entity_ids": [first]})).status_code == 200
    await resync(runtime, multi.connection_id)
    assert await people(client, multi) == second_people
    payments_after = (
        await client.get(
            "/employer/payment",
            params={"start_date": "2025-01-01", "end_date": "2025-12-31"},
            headers=multi.bearer,
        )
    ).json()
    assert payments_after == payments_before
    assert await entities(client, multi) == {first: "disconnected", second: "connected"}
    # The disconnected entity's data is no longer read, which is not its deletion: no
    # *.deleted events are announced for it.
    async with runtime.database.reading() as session:
        announced = list(
            await session.scalars(select(Event.type).where(Event.connection_id == multi.connection_id))
        )
    assert announced and not [kind for kind in announced if kind.endswith(".deleted")]


async def test_disconnecting_every_entity_disconnects_the_connection(
    client: httpx.AsyncClient, multi: Connected, runtime: Runtime
) -> None:
    first, second = await entities(client, multi)
    assert (await disconnect(client, multi, {"entity_ids": [first]})).status_code == 200
    # Repeating an entity already gone is harmless.
    assert (await disconnect(client, multi, {"entity_ids": [first]})).status_code == 200
    assert (await disconnect(client, multi, {"entity_ids": [second, first]})).status_code == 200

    refused = await client.get("/introspect", headers=multi.bearer)
    assert refused.status_code == 401 and refused.json()["name"] == "invalid_token_error"
    assert (await client.get("/employer/company", headers=multi.bearer)).status_code == 401
    assert (await account_updates(runtime, multi.connection_id))[-1] == "disconnected"
    assert (await disconnect(client, multi, {"entity_ids": [first]})).status_code == 401


async def test_a_single_entity_connection_is_disconnected_with_its_entity(
    client: httpx.AsyncClient, app_credentials: Credentials, runtime: Runtime
) -> None:
    single = await connect_sandbox(client, app_credentials, customer_id="single")
    await run_jobs(runtime)
    (only,) = await entities(client, single)
    assert (await disconnect(client, single, {"entity_ids": [only]})).status_code == 200
    assert (await client.get("/employer/company", headers=single.bearer)).status_code == 401
    assert (await account_updates(runtime, single.connection_id))[-1] == "disconnected"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"entity_ids": []}, "entity_ids"),
        ({}, "entity_ids"),
        ({"entity_ids": "not-a-list"}, "entity_ids"),
        ({"entity_ids": [""]}, "entity_ids.0"),
        ({"entity_ids": [7]}, "entity_ids.0"),
        (None, "entity_ids"),
    ],
)
async def test_bad_bodies_are_finch_400s_naming_entity_ids(
    client: httpx.AsyncClient, multi: Connected, body: Any, field: str
) -> None:
    before = await entities(client, multi)
    response = await disconnect(client, multi, body)
    assert response.status_code == 400, response.text
    error = response.json()
    assert error["name"] == "bad_request" and field in error["context"]["fields"]
    assert await entities(client, multi) == before


async def test_an_unknown_entity_fails_the_whole_request(client: httpx.AsyncClient, multi: Connected) -> None:
    first, second = await entities(client, multi)
    unknown = "00000000-0000-4000-8000-000000000000"
    response = await disconnect(client, multi, {"entity_ids": [first, unknown]})
    assert response.status_code == 400
    error = response.json()
    assert error["name"] == "invalid_request_error" and error["context"] == {"entity_ids": [unknown]}
    assert await entities(client, multi) == {first: "connected", second: "connected"}


async def test_another_application_cannot_disconnect_our_entities(
    client: httpx.AsyncClient, multi: Connected, runtime: Runtime
) -> None:
    first, second = await entities(client, multi)
    other_app = await make_application(runtime, redirect_uris=[REDIRECT])
    other = await connect_sandbox(client, other_app, customer_id="multi", password="account_selection")
    await run_jobs(runtime)
    response = await disconnect(client, other, {"entity_ids": [first]})
    assert response.status_code == 400 and response.json()["context"] == {"entity_ids": [first]}
    assert await entities(client, multi) == {first: "connected", second: "connected"}
    assert len(await entities(client, other)) == 2


async def test_it_needs_a_bearer_token(client: httpx.AsyncClient, multi: Connected) -> None:
    first, _ = await entities(client, multi)
    response = await client.post("/disconnect-entity", json={"entity_ids": [first]})
    assert response.status_code == 401
    bad = await client.post(
        "/disconnect-entity", json={"entity_ids": [first]}, headers={"Authorization": "Bearer roost_at_nope"}
    )
    assert bad.status_code == 401 and bad.json()["name"] == "invalid_token_error"
    assert (await entities(client, multi))[first] == "connected"


async def test_rules_of_a_disconnected_entity_are_out_of_reach(
    client: httpx.AsyncClient, multi: Connected
) -> None:
    first, _ = await entities(client, multi)
    rule = {
        "attributes": {"metadata": {"label": "x"}},
        "conditions": [{"field": "name", "operator": "equals", "value": "Salary"}],
    }
    created = await client.post(
        "/employer/pay-statement-item/rule", params={"entity_ids": first}, json=rule, headers=multi.bearer
    )
    assert created.status_code == 201
    assert (await disconnect(client, multi, {"entity_ids": [first]})).status_code == 200
    refused = await client.get(
        "/employer/pay-statement-item/rule", params={"entity_ids": first}, headers=multi.bearer
    )
    assert refused.status_code == 400 and refused.json()["finch_code"] == "entity_disconnected"
    remaining = await client.get("/employer/pay-statement-item/rule", headers=multi.bearer)
    assert remaining.status_code == 200 and remaining.json() == {"responses": []}


async def test_reauthentication_that_selects_the_entity_again_reconnects_it(
    client: httpx.AsyncClient, multi: Connected, app_credentials: Credentials
) -> None:
    first, second = await entities(client, multi)
    assert (await disconnect(client, multi, {"entity_ids": [first]})).status_code == 200
    created = await client.post(
        "/connect/sessions/reauthenticate",
        headers=app_credentials.basic,
        json={"connection_id": multi.connection_id, "redirect_uri": REDIRECT},
    )
    driver = ConnectDriver(client, created.json()["session_id"])
    await driver.open()
    await driver.post("/authorize/login", username="good_user", password="account_selection")
    await driver.post("/authorize/entities", entity_id=["ent-1", "ent-2"])
    code = query_of(await driver.post("/authorize/consent", decision="grant"))["code"]
    token = await client.post(
        "/auth/token",
        json={
            "client_id": app_credentials.client_id,
            "client_secret": app_credentials.client_secret,
            "code": code,
            "redirect_uri": REDIRECT,
        },
    )
    assert token.status_code == 200 and sorted(token.json()["entity_ids"]) == sorted([first, second])
    assert await entities(client, multi) == {first: "connected", second: "connected"}


async def test_a_token_granted_one_of_two_entities_reads_only_that_one(
    client: httpx.AsyncClient, multi: Connected, runtime: Runtime
) -> None:
    first, second = await entities(client, multi)
    first_people = await people(client, multi, entity_ids=first)
    second_people = await people(client, multi, entity_ids=second)
    assert first_people and second_people and first_people.isdisjoint(second_people)
    # What a re-authentication that selected fewer entities leaves behind: the connection
    # still has both entities, this token was granted the first only.
    async with runtime.database.writing() as session:
        await session.execute(
            update(AccessToken)
            .where(AccessToken.connection_id == multi.connection_id)
            .values(entity_ids=[first])
        )
    assert await people(client, multi) == first_people
    assert await people(client, multi, entity_ids=first) == first_people
    refused = await client.get("/employer/directory", params={"entity_ids": second}, headers=multi.bearer)
    assert refused.status_code == 400 and refused.json()["name"] == "invalid_request_error"
    # Nor can it fetch the other entity's people by id.
    batch = await client.post(
        "/employer/individual",
        json={"requests": [{"individual_id": sorted(second_people)[0]}]},
        headers=multi.bearer,
    )
    assert batch.status_code == 200 and batch.json()["responses"][0]["code"] == 404
