"""The Finch sandbox API (reference §11): connections without Connect, accounts, statuses, jobs."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy import select

from roost.connections.models import ConnectionStatusChange
from roost.core.runtime import Runtime
from tests.conftest import Credentials, make_application
from tests.syncing import run_jobs

ORGANIZATION = ["company", "directory", "individual", "employment"]


@pytest.fixture
async def sandbox_app(runtime: Runtime) -> Credentials:
    return await make_application(runtime, type="sandbox")


def bearer(created: dict[str, Any]) -> dict[str, str]:
    return {"Authorization": f"Bearer {created['access_token']}"}


async def create(api: httpx.AsyncClient, creds: Credentials, **body: Any) -> dict[str, Any]:
    response = await api.post(
        "/sandbox/connections", json={"provider_id": "gusto", **body}, headers=creds.basic
    )
    assert response.status_code == 200, response.text
    return dict(response.json())


async def test_a_sandbox_connection_has_a_company_a_token_and_its_first_sync(
    api: httpx.AsyncClient, runtime: Runtime, sandbox_app: Credentials
) -> None:
    created = await create(api, sandbox_app, employee_size=5)
    assert set(created) == {
        "access_token", "token_type", "connection_id", "account_id", "entity_id", "company_id",
        "provider_id", "products", "authentication_type",
    }  # fmt: skip
    assert created["products"] == ORGANIZATION and created["authentication_type"] == "oauth"
    assert created["company_id"] == created["account_id"] == created["connection_id"]
    introspected = (await api.get("/introspect", headers=bearer(created))).json()
    assert introspected["connection_type"] == "finch"
    assert introspected["connection_status"]["status"] == "connected"
    assert [e["id"] for e in introspected["entities"]] == [created["entity_id"]]
    # The initial sync was enqueued with the connection; until it runs, data is "in progress".
    assert (await api.get("/employer/company", headers=bearer(created))).status_code == 202
    await run_jobs(runtime)
    directory = (await api.get("/employer/directory", headers=bearer(created))).json()
    assert directory["paging"]["count"] == 5


async def test_sandbox_connection_requests_are_validated(
    api: httpx.AsyncClient, sandbox_app: Credentials
) -> None:
    cases: list[dict[str, Any]] = [
        {"provider_id": "gusto", "employee_size": 100_001},
        {"provider_id": "gusto", "employee_size": 0},
        {"provider_id": "no_such_provider"},
        {"provider_id": "gusto", "products": ["company", "telepathy"]},
        {"provider_id": "gusto", "authentication_type": "credential"},
        {"provider_id": "gusto", "authentication_type": "magic"},
    ]
    for body in cases:
        response = await api.post("/sandbox/connections", json=body, headers=sandbox_app.basic)
        assert response.status_code == 400, (body, response.text)
        assert response.json()["name"] == "bad_request"
    assert (await api.post("/sandbox/connections", json={"provider_id": "gusto"})).status_code == 401


async def test_a_large_company_gets_only_its_latest_pay_period(
    api: httpx.AsyncClient, runtime: Runtime, sandbox_app: Credentials
) -> None:
    created = await create(api, sandbox_app, employee_size=150, products=["payment"])
    await run_jobs(runtime)
    payments = await api.get(
        "/employer/payment",
        params={"start_date": "2020-01-01", "end_date": "2026-01-01"},
        headers=bearer(created),
    )
    assert payments.status_code == 200, payments.text
    assert 1 <= len(payments.json()) <= 6  # one run per pay group, not two years of them


async def test_another_account_on_a_company_is_another_token_on_the_same_connection(
    api: httpx.AsyncClient, runtime: Runtime, sandbox_app: Credentials
) -> None:
    first = await create(api, sandbox_app, employee_size=3)
    response = await api.post(
        "/sandbox/connections/accounts",
        json={"company_id": first["company_id"], "provider_id": "gusto", "products": ["company", "payment"]},
        headers=sandbox_app.basic,
    )
    assert response.status_code == 200, response.text
    second = response.json()
    assert (
        second["connection_id"] == first["connection_id"] and second["access_token"] != first["access_token"]
    )
    assert second["products"] == ["company", "payment"]
    await run_jobs(runtime)
    # The company's syncs now include what the new account may read.
    payments = await api.get(
        "/employer/payment",
        params={"start_date": "2025-12-01", "end_date": "2025-12-31"},
        headers=bearer(second),
    )
    assert payments.status_code == 200 and payments.json()
    assert (await api.get("/employer/directory", headers=bearer(second))).status_code == 403


async def test_accounts_are_added_only_to_known_companies_of_the_same_provider(
    api: httpx.AsyncClient, runtime: Runtime, sandbox_app: Credentials
) -> None:
    first = await create(api, sandbox_app, employee_size=2)
    unknown = {"company_id": "00000000-0000-4000-8000-000000000000", "provider_id": "gusto"}
    response = await api.post("/sandbox/connections/accounts", json=unknown, headers=sandbox_app.basic)
    assert response.status_code == 404
    other = {"company_id": first["company_id"], "provider_id": "paychex_flex"}
    response = await api.post("/sandbox/connections/accounts", json=other, headers=sandbox_app.basic)
    assert response.status_code == 400 and "another provider" in response.json()["message"]
    stranger = await make_application(runtime, type="sandbox")
    mine = {"company_id": first["company_id"], "provider_id": "gusto"}
    assert (
        await api.post("/sandbox/connections/accounts", json=mine, headers=stranger.basic)
    ).status_code == 404


async def test_forcing_reauth_makes_data_endpoints_answer_401_and_is_recorded(
    api: httpx.AsyncClient, runtime: Runtime, sandbox_app: Credentials
) -> None:
    created = await create(api, sandbox_app, employee_size=2)
    await run_jobs(runtime)
    response = await api.put(
        "/sandbox/connections/accounts", json={"connection_status": "reauth"}, headers=bearer(created)
    )
    assert response.status_code == 200, response.text
    assert set(response.json()) == {
        "account_id", "authentication_type", "company_id", "connection_id", "entity_id",
        "provider_id", "products",
    }  # fmt: skip
    denied = await api.get("/employer/company", headers=bearer(created))
    assert denied.status_code == 401 and denied.json()["finch_code"] == "reauthenticate_user"
    await api.put(
        "/sandbox/connections/accounts", json={"connection_status": "connected"}, headers=bearer(created)
    )
    assert (await api.get("/employer/company", headers=bearer(created))).status_code == 200
    async with runtime.database.reading() as session:
        history = list(
            await session.scalars(
                select(ConnectionStatusChange)
                .where(ConnectionStatusChange.connection_id == created["connection_id"])
                .order_by(ConnectionStatusChange.id)
            )
        )
    assert [(h.status, h.reason) for h in history][-2:] == [
        ("reauth", "sandbox_status_override"),
        ("connected", "sandbox_status_override"),
    ]


async def test_sandbox_jobs_are_forced_syncs_with_their_quota(
    api: httpx.AsyncClient, runtime: Runtime, sandbox_app: Credentials
) -> None:
    created = await create(api, sandbox_app, employee_size=2)
    await run_jobs(runtime)
    first = await api.post("/sandbox/jobs", json={"type": "data_sync_all"}, headers=bearer(created))
    assert first.status_code == 201, first.text
    assert set(first.json()) == {"job_id", "job_url", "allowed_refreshes", "remaining_refreshes"}
    again = await api.post("/sandbox/jobs", json={"type": "data_sync_all"}, headers=bearer(created))
    assert again.status_code == 202 and again.json()["job_id"] == first.json()["job_id"]
    await run_jobs(runtime)
    job = (await api.get(f"/jobs/automated/{first.json()['job_id']}", headers=bearer(created))).json()
    assert job["status"] == "complete"
    assert (
        await api.post("/sandbox/jobs", json={"type": "data_sync_all"}, headers=bearer(created))
    ).status_code == 429
    bad = await api.post("/sandbox/jobs", json={"type": "w4_form_employee_sync"}, headers=bearer(created))
    assert bad.status_code == 400


@pytest.mark.parametrize(
    ("completion", "job_status", "connection_status"),
    [
        ("reauth_error", "reauth_error", "reauth"),
        ("permissions_error", "permissions_error", "error_permissions"),
        ("error", "error", "connected"),
        ("complete", "complete", "connected"),
    ],
)
async def test_the_job_configuration_decides_how_the_next_sync_ends(
    api: httpx.AsyncClient,
    runtime: Runtime,
    sandbox_app: Credentials,
    completion: str,
    job_status: str,
    connection_status: str,
) -> None:
    created = await create(api, sandbox_app, employee_size=2)
    await run_jobs(runtime)
    default = await api.get("/sandbox/jobs/configuration", headers=bearer(created))
    assert default.json() == [{"type": "data_sync_all", "completion_status": "complete"}]
    configured = {"type": "data_sync_all", "completion_status": completion}
    put = await api.put("/sandbox/jobs/configuration", json=configured, headers=bearer(created))
    assert put.status_code == 200 and put.json() == configured
    assert (await api.get("/sandbox/jobs/configuration", headers=bearer(created))).json() == [configured]
    job = await api.post("/sandbox/jobs", json={"type": "data_sync_all"}, headers=bearer(created))
    await run_jobs(runtime)
    finished = (await api.get(f"/jobs/automated/{job.json()['job_id']}", headers=bearer(created))).json()
    assert finished["status"] == job_status
    introspected = (await api.get("/introspect", headers=bearer(created))).json()
    assert introspected["connection_status"]["status"] == connection_status
