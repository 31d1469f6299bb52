"""/jobs/automated and /jobs/manual with Finch's quota semantics."""

from __future__ import annotations

import httpx

from roost.core.clock import FakeClock
from roost.core.runtime import Runtime
from tests.conftest import Credentials
from tests.syncing import connect_sandbox, run_jobs


async def test_forced_sync_quota_and_job_listing(
    client: httpx.AsyncClient, app_credentials: Credentials, runtime: Runtime, clock: FakeClock
) -> None:
    connected = await connect_sandbox(client, app_credentials)
    # The initial sync is still queued: a forced sync returns it with 202 and uses no quota.
    running = await client.post("/jobs/automated", json={"type": "data_sync_all"}, headers=connected.bearer)
    assert running.status_code == 202 and running.json()["remaining_refreshes"] == 1
    await run_jobs(runtime)
    clock.advance(seconds=5)
    created = await client.post("/jobs/automated", json={"type": "data_sync_all"}, headers=connected.bearer)
    assert created.status_code == 201
    assert created.json()["allowed_refreshes"] == 1 and created.json()["remaining_refreshes"] == 0
    await run_jobs(runtime)
    limited = await client.post("/jobs/automated", json={"type": "data_sync_all"}, headers=connected.bearer)
    assert limited.status_code == 429 and limited.json()["retry_at"]
    job = (await client.get(f"/jobs/automated/{created.json()['job_id']}", headers=connected.bearer)).json()
    assert job["status"] == "complete" and job["type"] == "data_sync_all" and job["completed_at"]
    listed = (await client.get("/jobs/automated", headers=connected.bearer)).json()
    assert listed["data"][0]["job_id"] == created.json()["job_id"]
    assert listed["meta"]["quotas"]["data_sync_all"]["remaining_refreshes"] == 0
    clock.advance(hours=1, seconds=1)
    again = await client.post("/jobs/automated", json={"type": "data_sync_all"}, headers=connected.bearer)
    assert again.status_code == 201


async def test_unknown_jobs_and_bad_requests(client: httpx.AsyncClient, app_credentials: Credentials) -> None:
    connected = await connect_sandbox(client, app_credentials, customer_id="jobs-2")
    missing = await client.get(
        "/jobs/automated/00000000-0000-4000-8000-000000000000", headers=connected.bearer
    )
    assert missing.status_code == 404
    manual = await client.get("/jobs/manual/00000000-0000-4000-8000-000000000000", headers=connected.bearer)
    assert manual.status_code == 404
    bad = await client.post(
        "/jobs/automated", json={"type": "w4_form_employee_sync"}, headers=connected.bearer
    )
    assert bad.status_code == 400
    wrong = await client.post("/jobs/automated", json={"type": "nope"}, headers=connected.bearer)
    assert wrong.status_code == 400 and "type" in wrong.json()["message"]
