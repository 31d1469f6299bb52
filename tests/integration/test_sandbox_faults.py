"""Fault injection on sandbox connections: slow, failing, revoked and forbidden providers."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from roost.core.clock import FakeClock
from roost.core.runtime import Runtime
from roost.jobs.models import Job
from tests.conftest import make_application
from tests.integration.test_sandbox_api import bearer, create
from tests.syncing import live_sync, run_jobs

DEFAULT_FAULTS = {
    "latency_ms": 0,
    "error_rate": 0.0,
    "error_types": ["server_error", "rate_limit", "timeout"],
    "retry_after_seconds": 1.0,
    "authentication_revoked": False,
    "missing_permissions": False,
    "seed": None,
}


@pytest.fixture
async def company(api: httpx.AsyncClient, runtime: Runtime) -> dict[str, Any]:
    """A sandbox connection whose initial sync has not run yet."""
    return await create(
        api, await make_application(runtime, type="sandbox"), employee_size=3, products=["company"]
    )


async def faults(api: httpx.AsyncClient, company: dict[str, Any], **settings: Any) -> dict[str, Any]:
    response = await api.put("/sandbox/connections/faults", json=settings, headers=bearer(company))
    assert response.status_code == 200, response.text
    return dict(response.json())


async def sync_job(runtime: Runtime, connection_id: str) -> Job:
    async with runtime.database.reading() as session:
        job = await session.scalar(
            select(Job).where(Job.connection_id == connection_id).order_by(Job.created_at)
        )
    assert job is not None
    return job


async def status(api: httpx.AsyncClient, company: dict[str, Any]) -> str:
    return str((await api.get("/introspect", headers=bearer(company))).json()["connection_status"]["status"])


async def test_faults_are_read_and_replaced_whole(api: httpx.AsyncClient, company: dict[str, Any]) -> None:
    current = await api.get("/sandbox/connections/faults", headers=bearer(company))
    assert current.json() == {"connection_id": company["connection_id"], **DEFAULT_FAULTS}
    changed = await faults(api, company, latency_ms=5, error_rate=0.5, error_types=["timeout"])
    assert changed["error_rate"] == 0.5 and changed["error_types"] == ["timeout"]
    reset = await faults(api, company, missing_permissions=True)
    assert reset["error_rate"] == 0.0 and reset["missing_permissions"] is True
    for bad in ({"error_rate": 1.5}, {"latency_ms": 60_000}, {"error_types": ["gremlins"]}, {"surprise": 1}):
        response = await api.put("/sandbox/connections/faults", json=bad, headers=bearer(company))
        assert response.status_code == 400, bad


async def test_provider_errors_are_retried_with_backoff_and_then_succeed(
    api: httpx.AsyncClient, runtime: Runtime, clock: FakeClock, company: dict[str, Any]
) -> None:
    await faults(api, company, error_rate=1.0, error_types=["server_error"])
    await run_jobs(runtime)
    job = await sync_job(runtime, company["connection_id"])
    assert job.status == "queued" and job.attempts == 1 and "503" in (job.last_error or "")
    assert await status(api, company) == "connected"
    assert (await api.get("/employer/company", headers=bearer(company))).status_code == 202
    await faults(api, company)
    clock.advance(hours=2)  # past any backoff
    await run_jobs(runtime)
    assert (await sync_job(runtime, company["connection_id"])).status == "succeeded"
    assert (await api.get("/employer/company", headers=bearer(company))).status_code == 200


async def test_a_rate_limited_sync_waits_for_retry_after(
    api: httpx.AsyncClient, runtime: Runtime, clock: FakeClock, company: dict[str, Any]
) -> None:
    await faults(api, company, error_rate=1.0, error_types=["rate_limit"], retry_after_seconds=120)
    await run_jobs(runtime)
    job = await sync_job(runtime, company["connection_id"])
    assert job.status == "queued" and "429" in (job.last_error or "")
    assert job.run_at == clock.now() + dt.timedelta(seconds=120)


async def test_revoked_authentication_puts_the_connection_in_reauth(
    api: httpx.AsyncClient, runtime: Runtime, company: dict[str, Any]
) -> None:
    await faults(api, company, authentication_revoked=True)
    await run_jobs(runtime)
    job = await sync_job(runtime, company["connection_id"])
    assert job.status == "failed" and job.result == {"status": "reauth_error"}
    assert await status(api, company) == "reauth"
    denied = await api.get("/employer/company", headers=bearer(company))
    assert denied.status_code == 401 and denied.json()["finch_code"] == "reauthenticate_user"


async def test_missing_permissions_put_the_connection_in_error_permissions(
    api: httpx.AsyncClient, runtime: Runtime, company: dict[str, Any]
) -> None:
    await faults(api, company, missing_permissions=True)
    await run_jobs(runtime)
    assert (await sync_job(runtime, company["connection_id"])).result == {"status": "permissions_error"}
    assert await status(api, company) == "error_permissions"
    assert (await api.get("/employer/company", headers=bearer(company))).status_code == 403


async def test_latency_slows_every_provider_request(
    api: httpx.AsyncClient, runtime: Runtime, company: dict[str, Any]
) -> None:
    await faults(api, company, latency_ms=150)
    started = time.monotonic()
    await run_jobs(runtime)
    assert time.monotonic() - started >= 0.15
    assert await live_sync(runtime, company["connection_id"]) == 1


async def test_a_seeded_error_rate_fails_some_requests_deterministically(
    api: httpx.AsyncClient, runtime: Runtime, clock: FakeClock
) -> None:
    creds = await make_application(runtime, type="sandbox")
    outcomes = []
    for _ in range(2):
        company = await create(api, creds, employee_size=3, products=["company", "directory"])
        await faults(api, company, error_rate=0.5, seed=7)
        await run_jobs(runtime)
        outcomes.append((await sync_job(runtime, company["connection_id"])).status)
    assert outcomes[0] == outcomes[1]
