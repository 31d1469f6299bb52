"""Only sandbox applications, and only on Finch-mode sandbox connections, use /sandbox/*."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy import update

from roost.auth.models import AccessToken
from roost.connections.models import Connection
from roost.core import identifiers
from roost.core.runtime import Runtime
from tests.conftest import Credentials, make_application
from tests.integration.test_sandbox_api import create
from tests.syncing import REDIRECT, connect_sandbox

BEARER_ENDPOINTS: list[tuple[str, str, Any]] = [
    ("PUT", "/sandbox/connections/accounts", {"connection_status": "reauth"}),
    ("GET", "/sandbox/connections/faults", None),
    ("PUT", "/sandbox/connections/faults", {}),
    ("PUT", "/sandbox/company", {"legal_name": "X"}),
    ("POST", "/sandbox/directory", [{}]),
    ("PUT", "/sandbox/individual/00000000-0000-4000-8000-000000000000", {"first_name": "X"}),
    ("PUT", "/sandbox/employment/00000000-0000-4000-8000-000000000000", {"title": "X"}),
    ("POST", "/sandbox/payment", {}),
    ("POST", "/sandbox/jobs", {"type": "data_sync_all"}),
    ("GET", "/sandbox/jobs/configuration", None),
    ("PUT", "/sandbox/jobs/configuration", {"type": "data_sync_all", "completion_status": "error"}),
]


async def token_for(runtime: Runtime, connection_id: str, application_id: str) -> dict[str, str]:
    token = identifiers.new_secret(identifiers.ACCESS_TOKEN_PREFIX)
    async with runtime.database.writing() as session:
        session.add(
            AccessToken(
                id=identifiers.new_uuid(),
                token_digest=identifiers.digest(runtime.server_key, token),
                application_id=application_id,
                connection_id=connection_id,
                products=["company"],
                entity_ids=[],
                created_at=runtime.clock.now(),
            )
        )
    return {"Authorization": f"Bearer {token}"}


def assert_forbidden(response: httpx.Response, finch_code: str) -> None:
    assert response.status_code == 403, response.text
    body = response.json()
    assert body["statusCode"] == body["code"] == 403 and body["name"] == "forbidden_error"
    assert body["finch_code"] == finch_code and "sandbox" in body["message"]


@pytest.mark.parametrize("kind", ["development", "production"])
async def test_other_applications_cannot_create_sandbox_connections(
    api: httpx.AsyncClient, runtime: Runtime, kind: Any
) -> None:
    creds = await make_application(runtime, type=kind)
    response = await api.post("/sandbox/connections", json={"provider_id": "gusto"}, headers=creds.basic)
    assert_forbidden(response, "sandbox_application_required")
    account = {"company_id": "x", "provider_id": "gusto"}
    response = await api.post("/sandbox/connections/accounts", json=account, headers=creds.basic)
    assert_forbidden(response, "sandbox_application_required")


async def test_other_applications_cannot_edit_their_sandbox_connections(
    api: httpx.AsyncClient, runtime: Runtime
) -> None:
    creds: Credentials = await make_application(runtime, redirect_uris=[REDIRECT])
    connected = await connect_sandbox(api, creds, customer_id="dev-app")
    for method, path, body in BEARER_ENDPOINTS:
        response = await api.request(method, path, json=body, headers=connected.bearer)
        assert_forbidden(response, "sandbox_application_required")


async def test_provider_connections_are_not_sandbox_connections(
    api: httpx.AsyncClient, runtime: Runtime
) -> None:
    creds = await make_application(runtime, type="sandbox")
    created = await create(api, creds, employee_size=2)
    async with runtime.database.writing() as session:
        await session.execute(
            update(Connection)
            .where(Connection.id == created["connection_id"])
            .values(connection_type="provider", sandbox="provider")
        )
        connection = await session.get(Connection, created["connection_id"])
        assert connection is not None
        application_id = connection.application_id
    headers = await token_for(runtime, created["connection_id"], application_id)
    for method, path, body in BEARER_ENDPOINTS:
        response = await api.request(method, path, json=body, headers=headers)
        assert_forbidden(response, "sandbox_connection_required")
    account = {"company_id": created["connection_id"], "provider_id": "gusto"}
    response = await api.post("/sandbox/connections/accounts", json=account, headers=creds.basic)
    assert_forbidden(response, "sandbox_connection_required")


async def test_bearer_endpoints_need_a_token(api: httpx.AsyncClient) -> None:
    for method, path, body in BEARER_ENDPOINTS:
        response = await api.request(method, path, json=body)
        assert response.status_code == 401 and response.json()["name"] == "unauthorized_request_error"
