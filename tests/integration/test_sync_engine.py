"""The sync engine on a real database: versions, stable ids, no-op re-syncs."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import func, select

from roost.core.clock import FakeClock
from roost.core.runtime import Runtime
from roost.providers.contract import TemporarilyUnavailable
from roost.sync import engine
from roost.sync.models import DataRecord, IdMapping, SyncRun
from roost.sync.schedule import enqueue_due_syncs
from tests.conftest import Credentials
from tests.syncing import connect_sandbox, live_sync, resync, run_jobs


async def counts(runtime: Runtime, connection_id: str) -> dict[str, int]:
    async with runtime.database.reading() as session:
        rows = await session.execute(
            select(DataRecord.kind, func.count())
            .where(DataRecord.connection_id == connection_id)
            .group_by(DataRecord.kind)
        )
        return {kind: count for kind, count in rows.all()}


async def test_the_initial_sync_writes_every_kind_and_goes_live(
    client: httpx.AsyncClient, app_credentials: Credentials, runtime: Runtime
) -> None:
    connected = await connect_sandbox(client, app_credentials)
    assert await live_sync(runtime, connected.connection_id) == 0
    await run_jobs(runtime)
    assert await live_sync(runtime, connected.connection_id) == 1
    written = await counts(runtime, connected.connection_id)
    assert written["company"] == 1
    assert written["directory"] == written["individual"] == written["employment"] == 20
    assert written["payment"] > 10 and written["pay_statement"] > 100
    assert {"pay_group", "benefit", "enrollment"} <= set(written)


async def test_a_resync_without_changes_writes_no_rows_and_keeps_ids(
    client: httpx.AsyncClient, app_credentials: Credentials, runtime: Runtime
) -> None:
    connected = await connect_sandbox(client, app_credentials)
    await run_jobs(runtime)
    before = await counts(runtime, connected.connection_id)
    async with runtime.database.reading() as session:
        ids_before = set(
            (
                await session.execute(
                    select(IdMapping.source_id, IdMapping.roost_id).where(
                        IdMapping.connection_id == connected.connection_id
                    )
                )
            ).all()
        )
    await resync(runtime, connected.connection_id)
    assert await live_sync(runtime, connected.connection_id) == 2
    assert await counts(runtime, connected.connection_id) == before
    async with runtime.database.reading() as session:
        run = await session.scalar(
            select(SyncRun).where(SyncRun.connection_id == connected.connection_id, SyncRun.number == 2)
        )
        ids_after = set(
            (
                await session.execute(
                    select(IdMapping.source_id, IdMapping.roost_id).where(
                        IdMapping.connection_id == connected.connection_id
                    )
                )
            ).all()
        )
    assert run is not None and run.status == "succeeded" and run.stats["rows_written"] == 0
    assert ids_after == ids_before


async def test_connections_resync_on_their_cadence(
    client: httpx.AsyncClient, app_credentials: Credentials, runtime: Runtime, clock: FakeClock
) -> None:
    connected = await connect_sandbox(client, app_credentials, customer_id="cadence")
    await run_jobs(runtime)
    clock.advance(hours=23)
    assert await enqueue_due_syncs(runtime) == 0
    clock.advance(hours=2)
    assert await enqueue_due_syncs(runtime) >= 1
    assert await enqueue_due_syncs(runtime) == 0  # already queued: the dedupe key holds
    await run_jobs(runtime)
    assert await live_sync(runtime, connected.connection_id) == 2


async def test_a_failed_sync_leaves_the_previous_data_in_place(
    client: httpx.AsyncClient, app_credentials: Credentials, runtime: Runtime
) -> None:
    connected = await connect_sandbox(client, app_credentials, customer_id="fails")
    await run_jobs(runtime)
    before = await counts(runtime, connected.connection_id)
    plan = await engine.begin(runtime, connected.connection_id, None)
    assert plan is not None

    class Broken:
        def __getattr__(self, name: str) -> object:
            raise TemporarilyUnavailable("provider down")

    sync = engine.Sync(runtime, plan, lambda _entity: Broken())  # type: ignore[arg-type,return-value]
    with pytest.raises(TemporarilyUnavailable):
        await sync.run()
    await engine.abandon(runtime, plan, "provider down")
    assert await live_sync(runtime, connected.connection_id) == 1
    assert await counts(runtime, connected.connection_id) == before
