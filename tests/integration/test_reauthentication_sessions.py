"""POST /connect/sessions/reauthenticate and GET /connect/sessions/{id} for them."""

from __future__ import annotations

import httpx

from roost.core.runtime import Runtime
from tests.conftest import Credentials, make_application
from tests.factories import insert_connection


async def test_reauthentication_session_is_bound_to_the_connection(
    client: httpx.AsyncClient, app_credentials: Credentials, runtime: Runtime
) -> None:
    connection_id = await insert_connection(
        runtime, app_credentials.client_id, "acme", status="reauth", products=["company", "payment"]
    )
    response = await client.post(
        "/connect/sessions/reauthenticate",
        json={"connection_id": connection_id},
        headers=app_credentials.basic,
    )
    assert response.status_code == 201
    session_id = response.json()["session_id"]
    assert response.json()["connect_url"].endswith(f"/authorize?session={session_id}")
    state = (await client.get(f"/connect/sessions/{session_id}", headers=app_credentials.basic)).json()
    assert state["kind"] == "reauthenticate"
    assert state["connection_id"] == connection_id
    assert state["integration"]["provider"] == "gusto"
    assert state["products"] == ["company", "payment"]
    assert state["customer_id"] == "acme"


async def test_reauthentication_can_change_products_and_redirect_uri(
    client: httpx.AsyncClient, app_credentials: Credentials, runtime: Runtime
) -> None:
    # A provider that offers benefits (``deduction``): Gusto's adapter reads none.
    connection_id = await insert_connection(
        runtime, app_credentials.client_id, "acme", provider_id="rippling"
    )
    response = await client.post(
        "/connect/sessions/reauthenticate",
        json={
            "connection_id": connection_id,
            "products": ["company", "directory", "deduction"],
            "redirect_uri": "https://app.example.com/callback",
            "minutes_to_expire": 10,
        },
        headers=app_credentials.basic,
    )
    assert response.status_code == 201
    state = (
        await client.get(f"/connect/sessions/{response.json()['session_id']}", headers=app_credentials.basic)
    ).json()
    assert state["products"] == ["company", "directory", "benefits"]
    assert state["redirect_uri"] == "https://app.example.com/callback"


async def test_unknown_or_foreign_connection_is_not_found(
    client: httpx.AsyncClient, app_credentials: Credentials, runtime: Runtime
) -> None:
    other = await make_application(runtime)
    foreign = await insert_connection(runtime, other.client_id, "acme")
    for connection_id in (foreign, "00000000-0000-4000-8000-000000000000"):
        response = await client.post(
            "/connect/sessions/reauthenticate",
            json={"connection_id": connection_id},
            headers=app_credentials.basic,
        )
        assert response.status_code == 404
        assert response.json()["name"] == "not_found_error"


async def test_a_disconnected_connection_cannot_be_reauthenticated(
    client: httpx.AsyncClient, app_credentials: Credentials, runtime: Runtime
) -> None:
    connection_id = await insert_connection(runtime, app_credentials.client_id, "acme", status="disconnected")
    response = await client.post(
        "/connect/sessions/reauthenticate",
        json={"connection_id": connection_id},
        headers=app_credentials.basic,
    )
    assert response.status_code == 400
    assert "disconnected" in response.json()["message"]


async def test_reauthentication_validates_redirect_uri_and_products(
    client: httpx.AsyncClient, app_credentials: Credentials, runtime: Runtime
) -> None:
    connection_id = await insert_connection(runtime, app_credentials.client_id, "acme")
    bad_uri = await client.post(
        "/connect/sessions/reauthenticate",
        json={"connection_id": connection_id, "redirect_uri": "https://x.test/"},
        headers=app_credentials.basic,
    )
    assert bad_uri.status_code == 400
    bad_product = await client.post(
        "/connect/sessions/reauthenticate",
        json={"connection_id": connection_id, "products": ["nope"]},
        headers=app_credentials.basic,
    )
    assert bad_product.status_code == 400
    assert "products" in bad_product.json()["message"]
    missing = await client.post("/connect/sessions/reauthenticate", json={}, headers=app_credentials.basic)
    assert missing.status_code == 400
    assert "connection_id" in missing.json()["message"]
