"""Jobs whose workers die: leases, attempts, and a superseded sync that must not go live."""

from __future__ import annotations

import httpx
from sqlalchemy import select, update

from roost.core.clock import FakeClock
from roost.core.runtime import Runtime
from roost.jobs.models import Job
from roost.jobs.queue import claim, enqueue
from roost.sync import engine
from roost.sync.models import SyncRun
from tests.conftest import Credentials
from tests.syncing import connect_sandbox, live_sync, run_jobs


async def test_a_job_whose_worker_dies_on_every_attempt_fails_for_good(
    runtime: Runtime, clock: FakeClock
) -> None:
    async with runtime.database.writing() as session:
        job, _ = await enqueue(session, clock.now(), "lease-test", {"n": 1}, max_attempts=2)
    for attempt in (1, 2):
        [claimed] = await claim(
            runtime, f"doomed-worker-{attempt}", 1, lease_seconds=10, kinds=("lease-test",)
        )
        assert claimed.id == job.id and claimed.attempts == attempt
        clock.advance(seconds=11)  # the worker was killed: its lease lapses
    assert await claim(runtime, "third-worker", 1, lease_seconds=10, kinds=("lease-test",)) == []
    async with runtime.database.reading() as session:
        stored = await session.get(Job, job.id)
    assert stored is not None and stored.status == "failed" and stored.attempts == 2
    assert stored.last_error and "stopped before finishing" in stored.last_error


async def test_an_expired_job_with_attempts_left_is_claimed_again(runtime: Runtime, clock: FakeClock) -> None:
    async with runtime.database.writing() as session:
        job, _ = await enqueue(session, clock.now(), "lease-test-2", max_attempts=3)
    [first] = await claim(runtime, "worker-a", 1, lease_seconds=10, kinds=("lease-test-2",))
    assert await claim(runtime, "worker-b", 1, lease_seconds=10, kinds=("lease-test-2",)) == []  # leased
    clock.advance(seconds=11)
    [second] = await claim(runtime, "worker-b", 1, lease_seconds=10, kinds=("lease-test-2",))
    assert first.id == second.id == job.id and second.attempts == 2


async def test_a_w4_sync_while_a_sync_is_queued_returns_that_job(
    client: httpx.AsyncClient, app_credentials: Credentials, runtime: Runtime
) -> None:
    connected = await connect_sandbox(client, app_credentials, customer_id="w4-dedupe")
    person = "00000000-0000-4000-8000-000000000001"
    w4 = {"type": "w4_form_employee_sync", "params": {"individual_id": person}}
    # The initial sync is queued: a W-4 sync (a full sync too) must not run beside it.
    queued = await client.post("/jobs/automated", json=w4, headers=connected.bearer)
    assert queued.status_code == 202
    await run_jobs(runtime)
    created = await client.post("/jobs/automated", json=w4, headers=connected.bearer)
    assert created.status_code == 201
    again = await client.post("/jobs/automated", json={"type": "data_sync_all"}, headers=connected.bearer)
    assert again.status_code == 202 and again.json()["job_id"] == created.json()["job_id"]


async def test_a_superseded_sync_does_not_go_live(
    client: httpx.AsyncClient, app_credentials: Credentials, runtime: Runtime
) -> None:
    connected = await connect_sandbox(client, app_credentials, customer_id="superseded")
    await run_jobs(runtime)
    assert await live_sync(runtime, connected.connection_id) == 1
    stale = await engine.begin(runtime, connected.connection_id, None)
    assert stale is not None
    outcome = engine.SyncOutcome(stale.number)
    # Another worker took the job over: its begin() marked this run failed.
    async with runtime.database.writing() as session:
        await session.execute(
            update(SyncRun)
            .where(SyncRun.connection_id == connected.connection_id, SyncRun.number == stale.number)
            .values(status="failed")
        )
    assert await engine.complete(runtime, stale, outcome) is False
    assert await live_sync(runtime, connected.connection_id) == 1
    async with runtime.database.reading() as session:
        status = await session.scalar(
            select(SyncRun.status).where(
                SyncRun.connection_id == connected.connection_id, SyncRun.number == stale.number
            )
        )
    assert status == "failed"
