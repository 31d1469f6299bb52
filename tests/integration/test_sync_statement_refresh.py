"""Re-syncs and paid payroll: statements of unchanged, settled payments are not read again.

A year of pay statements is most of what a sync reads, and paid payroll is history. A re-sync
therefore fetches a payment's statements only when the payment changed, falls inside the
refresh window (``statement_refresh_days``), or failed to fetch last time; a payment that
disappeared takes its statements with it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Callable
from collections.abc import Set as AbstractSet
from typing import Any

import httpx
from sqlalchemy import func, select

from roost.connections.models import Connection
from roost.core.runtime import Runtime
from roost.providers.contract import ProviderReader, TemporarilyUnavailable
from roost.providers.records import Entity, Payment, PayStatement
from roost.sandbox.readers import readers_for
from roost.sync import engine
from roost.sync.models import DataRecord
from tests.conftest import Credentials
from tests.syncing import connect_sandbox, run_jobs


class Watching:
    """The sandbox reader, with a record of whose statements were fetched, and optional
    failures or omissions for chosen payments."""

    def __init__(
        self,
        inner: ProviderReader,
        fetched: list[str],
        listed_from: list[dt.date],
        *,
        fail: AbstractSet[str],
        drop: AbstractSet[str],
    ) -> None:
        self._inner = inner
        self._fetched = fetched
        self.listed_from = listed_from  # the start date of every payments listing
        self._fail = fail
        self._drop = drop

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    async def payments(self, start: dt.date, end: dt.date) -> AsyncIterator[list[Payment]]:
        self.listed_from.append(start)
        async for page in self._inner.payments(start, end):
            yield [payment for payment in page if payment.source_id not in self._drop]

    async def pay_statements(self, payment_source_id: str) -> AsyncIterator[list[PayStatement]]:
        self._fetched.append(payment_source_id)
        if payment_source_id in self._fail:
            raise TemporarilyUnavailable("statements unavailable")
        async for page in self._inner.pay_statements(payment_source_id):
            yield page


async def sync(
    runtime: Runtime,
    connection_id: str,
    *,
    fail: AbstractSet[str] = frozenset(),
    drop: AbstractSet[str] = frozenset(),
    full: bool = False,
    listed_from: list[dt.date] | None = None,
) -> tuple[list[str], engine.SyncOutcome]:
    plan = await engine.begin(runtime, connection_id, None, full=full)
    assert plan is not None
    async with runtime.database.reading() as session:
        connection = await session.get(Connection, connection_id)
    assert connection is not None
    adapter = runtime.adapters.adapter(connection.provider_id, connection.sandbox, connection.id)
    assert adapter is not None
    real: Callable[[Entity | None], ProviderReader] = await readers_for(
        runtime, connection, adapter, plan.account
    )
    fetched: list[str] = []

    def watching(entity: Entity | None) -> ProviderReader:
        listing = listed_from if listed_from is not None else []
        return Watching(real(entity), fetched, listing, fail=fail, drop=drop)

    outcome = await engine.Sync(runtime, plan, watching).run()
    await engine.complete(runtime, plan, outcome)
    return fetched, outcome


async def payment_dates(runtime: Runtime, connection_id: str) -> dict[str, dt.date]:
    """Source id -> pay date of the payments the provider lists today."""
    plan = await engine.begin(runtime, connection_id, None)
    assert plan is not None
    async with runtime.database.reading() as session:
        connection = await session.get(Connection, connection_id)
    assert connection is not None
    adapter = runtime.adapters.adapter(connection.provider_id, connection.sandbox, connection.id)
    assert adapter is not None
    reader = (await readers_for(runtime, connection, adapter, plan.account))(None)
    await engine.abandon(runtime, plan, "only listing payments")
    dates: dict[str, dt.date] = {}
    async for page in reader.payments(dt.date(plan.today.year - 1, 1, 1), plan.today):
        dates.update({payment.source_id: payment.pay_date for payment in page if payment.pay_date})
    return dates


async def current_statements(runtime: Runtime, connection_id: str) -> int:
    live = select(Connection.live_sync).where(Connection.id == connection_id).scalar_subquery()
    async with runtime.database.reading() as session:
        return int(
            await session.scalar(
                select(func.count()).where(
                    DataRecord.connection_id == connection_id,
                    DataRecord.kind == "pay_statement",
                    DataRecord.valid_from <= live,
                    (DataRecord.valid_to.is_(None)) | (DataRecord.valid_to > live),
                )
            )
            or 0
        )


async def test_a_resync_reads_only_the_statements_of_recent_payments(
    client: httpx.AsyncClient, app_credentials: Credentials, runtime: Runtime
) -> None:
    connected = await connect_sandbox(client, app_credentials, customer_id="refresh-window")
    await run_jobs(runtime)
    dates = await payment_dates(runtime, connected.connection_id)
    window_start = runtime.clock.now().date() - dt.timedelta(days=runtime.settings.statement_refresh_days)
    recent = {source for source, day in dates.items() if day >= window_start}
    assert recent and len(recent) < len(dates)
    before = await current_statements(runtime, connected.connection_id)

    fetched, outcome = await sync(runtime, connected.connection_id)

    assert set(fetched) == recent
    assert outcome.rows_written == 0
    assert await current_statements(runtime, connected.connection_id) == before


async def test_statements_that_failed_are_fetched_again_next_time(
    client: httpx.AsyncClient, app_credentials: Credentials, runtime: Runtime
) -> None:
    connected = await connect_sandbox(client, app_credentials, customer_id="refresh-failed")
    await run_jobs(runtime)
    dates = await payment_dates(runtime, connected.connection_id)
    oldest = min(dates, key=dates.__getitem__)
    before = await current_statements(runtime, connected.connection_id)

    first, _ = await sync(runtime, connected.connection_id)
    assert oldest not in first  # settled: not read
    # The window's payments fail this time: their live statements stay, and are retried next.
    recent = set(first)
    _, failing = await sync(runtime, connected.connection_id, fail=recent)
    assert {error["error"] for error in failing.partial_errors} == {"TemporarilyUnavailable"}
    assert len(failing.partial_errors) == len(recent)
    assert await current_statements(runtime, connected.connection_id) == before

    fetched, retried = await sync(runtime, connected.connection_id)
    assert recent <= set(fetched)
    assert retried.partial_errors == [] and retried.rows_written == 0


async def test_a_payment_that_disappears_takes_its_statements_with_it(
    client: httpx.AsyncClient, app_credentials: Credentials, runtime: Runtime
) -> None:
    connected = await connect_sandbox(client, app_credentials, customer_id="refresh-vanished")
    await run_jobs(runtime)
    dates = await payment_dates(runtime, connected.connection_id)
    oldest = min(dates, key=dates.__getitem__)
    before = await current_statements(runtime, connected.connection_id)

    # Only a full read (a forced data_sync_all) lists old payments and can see one vanish.
    fetched, outcome = await sync(runtime, connected.connection_id, drop={oldest}, full=True)

    assert oldest not in fetched
    deleted = outcome.changes["pay_statement"].deleted
    assert deleted and all(":" in roost_id for roost_id in deleted)
    assert outcome.changes["payment"].counts["deleted"] == 1
    assert await current_statements(runtime, connected.connection_id) == before - len(deleted)


async def test_a_scheduled_resync_lists_only_the_window_and_a_forced_one_everything(
    client: httpx.AsyncClient, app_credentials: Credentials, runtime: Runtime
) -> None:
    connected = await connect_sandbox(client, app_credentials, customer_id="refresh-listing")
    await run_jobs(runtime)
    today = runtime.clock.now().date()
    window_start = today - dt.timedelta(days=runtime.settings.statement_refresh_days)
    before = await current_statements(runtime, connected.connection_id)

    scheduled: list[dt.date] = []
    _, quiet = await sync(runtime, connected.connection_id, listed_from=scheduled)
    assert scheduled == [window_start] and quiet.rows_written == 0
    assert await current_statements(runtime, connected.connection_id) == before  # history kept

    forced: list[dt.date] = []
    fetched, full = await sync(runtime, connected.connection_id, full=True, listed_from=forced)
    assert forced == [dt.date(today.year - 1, 1, 1)] and full.rows_written == 0
    assert len(fetched) == len(await payment_dates(runtime, connected.connection_id))


async def test_statements_that_failed_in_the_live_sync_answer_202_until_fetched(
    client: httpx.AsyncClient, app_credentials: Credentials, runtime: Runtime
) -> None:
    connected = await connect_sandbox(client, app_credentials, customer_id="refresh-202")
    dates = await payment_dates(runtime, connected.connection_id)
    failing = max(dates, key=dates.__getitem__)
    # The first sync (run here, before the queued job) cannot fetch one payment's statements.
    _, first = await sync(runtime, connected.connection_id, fail={failing})
    assert [error["error"] for error in first.partial_errors] == ["TemporarilyUnavailable"]

    async def statements() -> dict[str, dict[str, Any]]:
        listed = await client.get(
            "/employer/payment",
            params={"start_date": "2000-01-01", "end_date": "2100-01-01"},
            headers=connected.bearer,
        )
        ids = sorted(p["id"] for p in listed.json())
        items: dict[str, dict[str, Any]] = {}
        for start in range(0, len(ids), 10):  # at most 10 payments per request
            response = await client.post(
                "/employer/pay-statement",
                json={"requests": [{"payment_id": i} for i in ids[start : start + 10]]},
                headers=connected.bearer,
            )
            assert response.status_code == 200, response.text
            items.update({item["payment_id"]: item for item in response.json()["responses"]})
        return items

    items = await statements()
    waiting = [item for item in items.values() if item["code"] == 202]
    assert len(waiting) == 1 and len(items) == len(dates)
    assert waiting[0]["body"]["finch_code"] == "data_sync_in_progress"
    assert all(item["body"]["pay_statements"] for item in items.values() if item["code"] == 200)

    await run_jobs(runtime)  # the next sync fetches them
    assert {item["code"] for item in (await statements()).values()} == {200}
