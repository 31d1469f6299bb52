"""POST /connect/sessions: creation, customer_id semantics, validation, isolation."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from roost.core.clock import FakeClock
from roost.core.runtime import Runtime
from tests.conftest import Credentials, make_application
from tests.factories import insert_connection

REDIRECT = "https://app.example.com/callback"


def session_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "customer_id": "acme",
        "customer_name": "Acme Corp",
        "products": ["company", "directory"],
    }
    body.update(overrides)
    return body


async def create(client: httpx.AsyncClient, creds: Credentials, **overrides: Any) -> httpx.Response:
    return await client.post("/connect/sessions", json=session_body(**overrides), headers=creds.basic)


async def status_of(client: httpx.AsyncClient, creds: Credentials, session_id: str) -> dict[str, Any]:
    response = await client.get(f"/connect/sessions/{session_id}", headers=creds.basic)
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()
    return data


async def test_creating_a_session_returns_its_id_and_connect_url(
    client: httpx.AsyncClient, app_credentials: Credentials
) -> None:
    response = await create(client, app_credentials, redirect_uri=REDIRECT)
    assert response.status_code == 201
    data = response.json()
    assert set(data) == {"session_id", "connect_url"}
    assert data["connect_url"] == f"http://127.0.0.1:8000/authorize?session={data['session_id']}"
    assert response.headers["finch-request-id"]


async def test_refreshing_a_staged_session_keeps_its_id_and_takes_new_parameters(
    client: httpx.AsyncClient, app_credentials: Credentials
) -> None:
    first = (await create(client, app_credentials)).json()
    second = (
        await create(
            client,
            app_credentials,
            customer_name="Acme Renamed",
            products=["company", "payment"],
            minutes_to_expire=60,
        )
    ).json()
    assert second["session_id"] == first["session_id"]
    state = await status_of(client, app_credentials, first["session_id"])
    assert state["customer_name"] == "Acme Renamed"
    assert state["products"] == ["company", "payment"]
    assert [a["kind"] for a in state["attempts"]] == ["created", "refreshed"]


async def test_an_expired_staged_session_is_renewed_with_its_history_kept(
    client: httpx.AsyncClient, app_credentials: Credentials, clock: FakeClock
) -> None:
    first = (await create(client, app_credentials, minutes_to_expire=5)).json()
    clock.advance(minutes=6)
    assert (await status_of(client, app_credentials, first["session_id"]))["status"] == "expired"
    renewed = (await create(client, app_credentials)).json()
    assert renewed["session_id"] != first["session_id"]
    state = await status_of(client, app_credentials, renewed["session_id"])
    assert state["status"] == "pending"
    assert [a["kind"] for a in state["attempts"]] == ["created", "expired", "renewed"]
    assert state["attempts"][2]["detail"]["previous_session_id"] == first["session_id"]
    # Refreshing now refreshes the renewed session.
    again = (await create(client, app_credentials)).json()
    assert again["session_id"] == renewed["session_id"]


async def test_a_connected_customer_is_pointed_at_reauthentication(
    client: httpx.AsyncClient, app_credentials: Credentials, runtime: Runtime
) -> None:
    connection_id = await insert_connection(runtime, app_credentials.client_id, "acme")
    response = await create(client, app_credentials)
    assert response.status_code == 400
    body = response.json()
    assert body["finch_code"] == "connection_already_exists"
    assert body["context"] == {"connection_id": connection_id}
    assert body["code"] == body["status"] == body["statusCode"] == 400
    assert "reauthenticate" in body["message"]


async def test_a_disconnected_customer_may_start_over(
    client: httpx.AsyncClient, app_credentials: Credentials, runtime: Runtime
) -> None:
    await insert_connection(runtime, app_credentials.client_id, "acme", status="disconnected")
    response = await create(client, app_credentials)
    assert response.status_code == 201


async def test_two_applications_never_see_each_others_customers(
    client: httpx.AsyncClient, app_credentials: Credentials, runtime: Runtime
) -> None:
    other = await make_application(runtime)
    mine = (await create(client, app_credentials)).json()
    theirs = (await create(client, other)).json()
    assert mine["session_id"] != theirs["session_id"]
    hidden = await client.get(f"/connect/sessions/{mine['session_id']}", headers=other.basic)
    assert hidden.status_code == 404
    assert hidden.json()["name"] == "not_found_error"
    # A connection of mine does not block their customer of the same id.
    await insert_connection(runtime, app_credentials.client_id, "shared-id")
    assert (await create(client, other, customer_id="shared-id")).status_code == 201


async def test_deduction_is_read_as_benefits_and_duplicates_collapse(
    client: httpx.AsyncClient, app_credentials: Credentials
) -> None:
    created = (
        await create(client, app_credentials, products=["deduction", "benefits", "company", "company"])
    ).json()
    state = await status_of(client, app_credentials, created["session_id"])
    assert state["products"] == ["benefits", "company"]


async def test_unknown_fields_are_ignored(client: httpx.AsyncClient, app_credentials: Credentials) -> None:
    response = await create(client, app_credentials, some_future_field={"x": 1})
    assert response.status_code == 201


async def test_integration_state_sandbox_and_manual_are_stored(
    client: httpx.AsyncClient, app_credentials: Credentials
) -> None:
    created = (
        await create(
            client,
            app_credentials,
            integration={"provider": "gusto", "auth_method": "oauth"},
            sandbox="finch",
            manual=True,
            customer_email="hr@acme.test",
        )
    ).json()
    state = await status_of(client, app_credentials, created["session_id"])
    assert state["integration"] == {"provider": "gusto", "auth_method": "oauth"}
    assert state["sandbox"] == "finch"
    assert state["manual"] is True
    assert state["customer_email"] == "hr@acme.test"


async def test_default_expiry_is_thirty_days(
    client: httpx.AsyncClient, app_credentials: Credentials, clock: FakeClock
) -> None:
    created = (await create(client, app_credentials)).json()
    state = await status_of(client, app_credentials, created["session_id"])
    assert state["expires_at"].startswith((clock.now().replace(day=31)).date().isoformat())


@pytest.mark.parametrize(
    ("overrides", "fragment"),
    [
        ({"customer_id": None}, "customer_id"),
        ({"customer_id": ""}, "customer_id"),
        ({"customer_name": "x" * 256}, "customer_name"),
        ({"products": []}, "products"),
        ({"products": ["company", "payroll"]}, "products.1"),
        ({"products": "company"}, "products"),
        ({"redirect_uri": "https://evil.example.com/callback"}, "redirect_uri"),
        ({"redirect_uri": REDIRECT + "/"}, "redirect_uri"),
        ({"integration": {"provider": "not_a_provider"}}, "integration.provider"),
        ({"integration": {"provider": "gusto", "auth_method": "credential"}}, "integration.auth_method"),
        ({"integration": {"provider": "gusto", "auth_method": "magic"}}, "integration.auth_method"),
        ({"integration": {}}, "integration.provider"),
        ({"sandbox": "yes"}, "sandbox"),
        ({"minutes_to_expire": 0}, "minutes_to_expire"),
        ({"minutes_to_expire": 129_601}, "minutes_to_expire"),
        ({"manual": "maybe"}, "manual"),
        ({"recordkeeping": {"recordkeeper": "voya"}}, "recordkeeping"),
    ],
)
async def test_invalid_parameters_get_a_finch_bad_request_naming_the_field(
    client: httpx.AsyncClient, app_credentials: Credentials, overrides: dict[str, Any], fragment: str
) -> None:
    body = session_body(**overrides)
    body = {k: v for k, v in body.items() if v is not None}
    response = await client.post("/connect/sessions", json=body, headers=app_credentials.basic)
    assert response.status_code == 400, response.text
    error = response.json()
    assert error["name"] == "bad_request"
    assert error["finch_code"] == "invalid_request"
    assert fragment in error["message"]
    assert "detail" not in error


async def test_nothing_is_stored_when_validation_fails(
    client: httpx.AsyncClient, app_credentials: Credentials
) -> None:
    await create(client, app_credentials, redirect_uri="https://evil.example.com/")
    created = (await create(client, app_credentials)).json()
    state = await status_of(client, app_credentials, created["session_id"])
    assert [a["kind"] for a in state["attempts"]] == ["created"]


async def test_missing_basic_auth_is_an_unauthorized_request(client: httpx.AsyncClient) -> None:
    response = await client.post("/connect/sessions", json=session_body())
    assert response.status_code == 401
    assert response.json()["name"] == "unauthorized_request_error"


@pytest.mark.parametrize("wrong", ["secret", "client"])
async def test_wrong_client_credentials_are_an_invalid_client(
    client: httpx.AsyncClient, app_credentials: Credentials, wrong: str
) -> None:
    creds = Credentials(
        app_credentials.client_id if wrong == "secret" else "roost_ci_unknown",
        "roost_cs_wrong" if wrong == "secret" else app_credentials.client_secret,
    )
    response = await client.post("/connect/sessions", json=session_body(), headers=creds.basic)
    assert response.status_code == 401
    assert response.json()["name"] == "invalid_client_error"


async def test_malformed_basic_header_is_rejected_in_finch_form(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/connect/sessions", json=session_body(), headers={"Authorization": "Basic !!!not-base64"}
    )
    assert response.status_code == 401
    assert response.json()["name"] == "invalid_client_error"
