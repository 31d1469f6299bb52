"""One sync of one connection: read through the adapter page by page, write versions,
switch the live number, and report what changed (DESIGN.md §3)."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import bindparam, select, update

from roost.connections.models import Connection, ConnectionEntity
from roost.core import identifiers
from roost.core.gc_tuning import bulk_allocations
from roost.core.runtime import Runtime
from roost.providers.contract import (
    NotSupported,
    ProviderAccount,
    ProviderReader,
    RateLimited,
    TemporarilyUnavailable,
)
from roost.providers.records import Entity
from roost.providers.records.wire import top_level
from roost.sync.events import announce_sync
from roost.sync.mapping import ID_SPACE, finch_body
from roost.sync.models import DataRecord, SyncRun
from roost.sync.pages import PAGED_KINDS, store_pages
from roost.sync.store import IdRegistry, KindChanges, Row, VersionedWriter, discard_unfinished

# Which record kinds a granted product needs.
PRODUCT_KINDS: dict[str, tuple[str, ...]] = {
    "company": ("company",),
    "directory": ("directory",),
    "individual": ("individual",),
    "employment": ("employment",),
    "payment": ("payment", "pay_group"),
    "pay_statement": ("payment", "pay_statement"),
    "benefits": ("benefit", "enrollment"),
    "documents": ("document",),
}


_SETTLED_PAYMENTS = select(DataRecord.roost_id).where(
    DataRecord.connection_id == bindparam("connection_id"),
    DataRecord.kind == "payment",
    DataRecord.valid_to.is_(None),
    DataRecord.on_date >= bindparam("start"),
    DataRecord.on_date < bindparam("before"),
)


def kinds_for(products: list[str]) -> set[str]:
    return {kind for product in products for kind in PRODUCT_KINDS.get(product, ())}


@dataclass
class SyncPlan:
    connection_id: str
    number: int
    kinds: set[str]
    account: ProviderAccount
    entities: list[tuple[Entity | None, str | None]]  # (provider entity, Roost entity id)
    today: dt.date
    initial: bool = False
    # Payments whose statements failed to fetch in the live sync: fetched again regardless.
    incomplete_payments: frozenset[str] = frozenset()
    # Unchanged payments paid before this day keep their statements without a re-read.
    statements_settled_before: dt.date | None = None
    # A scheduled re-sync lists payments from this day on and keeps the older ones as they
    # are (paid payroll is history); None: the whole history is read.
    payments_from: dt.date | None = None


@dataclass
class SyncOutcome:
    number: int
    changes: dict[str, KindChanges] = field(default_factory=dict)
    partial_errors: list[dict[str, str]] = field(default_factory=list)

    @property
    def rows_written(self) -> int:
        return sum(change.rows_written for change in self.changes.values())


async def begin(
    runtime: Runtime, connection_id: str, job_id: str | None, *, full: bool = False
) -> SyncPlan | None:
    """Discard leftovers of an interrupted sync and number a new one; None if nothing to sync.

    ``full`` (a forced ``data_sync_all``) reads the whole payroll history again; otherwise a
    re-sync whose previous sync read payroll in full reads only the refresh window's
    payments and statements, and those that changed or failed (DESIGN.md §6).
    """
    async with runtime.database.reading() as session:
        connection = await session.get(Connection, connection_id)
        if connection is None or connection.status == "disconnected" or not connection.credentials_ciphertext:
            return None
        entity_rows = list(
            await session.scalars(
                select(ConnectionEntity).where(
                    ConnectionEntity.connection_id == connection_id, ConnectionEntity.status == "connected"
                )
            )
        )
        live = connection.live_sync
        last = await session.scalar(
            select(SyncRun.number)
            .where(SyncRun.connection_id == connection_id)
            .order_by(SyncRun.number.desc())
            .limit(1)
        )
        live_stats = await session.scalar(
            select(SyncRun.stats).where(SyncRun.connection_id == connection_id, SyncRun.number == live)
        )
    live_kinds = set((live_stats or {}).get("kinds", ()))
    incomplete = frozenset(
        str(error["payment_id"])
        for error in (live_stats or {}).get("partial_errors", [])
        if "payment_id" in error
    )
    await discard_unfinished(runtime, connection_id, live)
    number = max(live, last or 0) + 1
    credentials = runtime.keyring.decrypt(connection.credentials_ciphertext, connection.id)
    account = ProviderAccount(
        credentials=credentials,
        entities=tuple(Entity(source_id=e.source_id, name=e.name or "") for e in entity_rows),
        external_id=connection.external_id,
        username=connection.username,
    )
    entities: list[tuple[Entity | None, str | None]] = [
        (Entity(source_id=e.source_id, name=e.name or ""), e.id) for e in entity_rows
    ] or [(None, None)]
    now = runtime.clock.now()
    async with runtime.database.writing() as session:
        # A run still marked running belongs to an attempt whose worker died mid-sync (kill -9;
        # the sync dedupe key lets one data_sync_all of a connection run at a time) and whose
        # rows were just discarded: record it as failed instead of leaving it running forever.
        await session.execute(
            update(SyncRun)
            .where(SyncRun.connection_id == connection_id, SyncRun.status == "running")
            .values(status="failed", finished_at=now, error="interrupted: its worker stopped mid-sync")
        )
        session.add(
            SyncRun(
                id=identifiers.new_uuid(),
                connection_id=connection_id,
                number=number,
                job_id=job_id,
                status="running",
                started_at=now,
                stats={},
            )
        )
        await session.execute(
            update(Connection).where(Connection.id == connection_id).values(last_sync_attempt_at=now)
        )
    today = now.date()
    kinds = kinds_for(list(connection.products))
    settled_before = today - dt.timedelta(days=runtime.settings.statement_refresh_days)
    # Settled payroll may be kept only if the live sync read it (a newly granted product
    # starts with its whole history).
    payroll_read = {"payment", "pay_statement"} & kinds <= live_kinds
    incremental = live > 0 and not full and payroll_read
    return SyncPlan(
        connection_id,
        number,
        kinds,
        account,
        entities,
        today,
        initial=live == 0,
        incomplete_payments=incomplete,
        statements_settled_before=settled_before if incremental else None,
        payments_from=settled_before if incremental and not incomplete else None,
    )


class Sync:
    """Runs a :class:`SyncPlan` against readers, one transaction per page."""

    def __init__(
        self, runtime: Runtime, plan: SyncPlan, reader_for: Callable[[Entity | None], ProviderReader]
    ) -> None:
        self.runtime = runtime
        self.plan = plan
        self.reader_for = reader_for
        self.ids = IdRegistry(plan.connection_id)
        self.outcome = SyncOutcome(plan.number)
        self._writers: dict[str, VersionedWriter] = {}
        self._order: dict[str, int] = {}
        entity_ids = frozenset(entity_id for _, entity_id in plan.entities if entity_id is not None)
        self._synced_entities = entity_ids or None

    def _writer(self, kind: str) -> VersionedWriter:
        if kind not in self._writers:
            changes = self.outcome.changes.setdefault(kind, KindChanges(keep_ids=not self.plan.initial))
            self._writers[kind] = VersionedWriter(
                self.plan.connection_id, kind, self.plan.number, changes, self._synced_entities
            )
        return self._writers[kind]

    def _row(self, kind: str, wire: dict[str, Any], entity_id: str | None, **extra: Any) -> Row:
        self._order[kind] = self._order.get(kind, 0) + 1
        body = finch_body(kind, wire, self.ids.roost_id)
        roost_id = extra.pop("roost_id", None) or body.get("id") or body.get("benefit_id")
        return Row(
            roost_id=str(roost_id),
            body=body,
            # Position, then sync number: versions from different syncs that are live together
            # never tie, so listings page by sort key alone (see roost.hris.store).
            sort_key=f"{self._order[kind]:012d}{self.plan.number:08d}",
            entity_id=entity_id,
            **extra,
        )

    async def _page(
        self,
        kind: str,
        wires: list[dict[str, Any]],
        make: Callable[[dict[str, Any]], Row] | None = None,
        *,
        parent_id: str | None = None,
        load: bool = False,
    ) -> None:
        """Write one page of records in one short transaction."""
        build = make or (lambda wire: self._row(kind, wire, None))
        async with self.runtime.database.statements() as runner:
            for space in set(ID_SPACE.values()):
                await self.ids.load(runner, space)
            writer = self._writer(kind)
            if load:
                await writer.load_current(runner, parent_id)
            rows = [build(wire) for wire in wires]
            await self.ids.save(runner)
            await writer.write(runner, rows)

    async def _stream(
        self,
        kind: str,
        pages: AsyncIterator[list[Any]],
        entity_id: str | None,
        make: Callable[[dict[str, Any]], Row] | None = None,
        *,
        parent_id: str | None = None,
    ) -> None:
        def default(wire: dict[str, Any]) -> Row:
            return self._row(kind, wire, entity_id)

        first = kind not in self._writers or parent_id is not None
        async for page in pages:
            await self._page(
                kind, [top_level(r) for r in page], make or default, parent_id=parent_id, load=first
            )
            first = False
        if first:  # an empty listing still loads what is current, so deletions are seen
            await self._page(kind, [], parent_id=parent_id, load=True)

    async def run(self) -> SyncOutcome:
        with bulk_allocations():
            return await self._run()

    async def _run(self) -> SyncOutcome:
        for entity, entity_id in self.plan.entities:
            reader = self.reader_for(entity)
            await self._organisation(reader, entity_id)
            await self._payroll(reader, entity_id)
        if "pay_statement" in self.plan.kinds and "payment" in self._writers:
            # A payment that disappeared takes its statements with it.
            for payment_id in self._writers["payment"].missing():
                async with self.runtime.database.statements() as runner:
                    writer = self._writer("pay_statement")
                    await writer.load_current(runner, payment_id)
                    await writer.settle(runner)
        async with self.runtime.database.statements() as runner:
            for writer in self._writers.values():
                await writer.close_missing(runner)
        if PAGED_KINDS.keys() & self.plan.kinds:
            await store_pages(self.runtime, self.plan.connection_id, self.plan.number, self.outcome.changes)
        return self.outcome

    async def _organisation(self, reader: ProviderReader, entity_id: str | None) -> None:
        kinds = self.plan.kinds
        if "company" in kinds:
            company = top_level(await reader.company())
            await self._page(
                "company",
                [company],
                lambda wire: self._row("company", wire, entity_id),
                load="company" not in self._writers,
            )
        for kind, pages in (
            ("directory", reader.directory),
            ("individual", reader.individuals),
            ("employment", reader.employments),
            ("document", reader.documents),
        ):
            if kind in kinds:
                await self._stream(kind, pages(), entity_id)
        if "pay_group" in kinds:
            groups = [top_level(g) for g in await reader.pay_groups()]
            await self._page(
                "pay_group",
                groups,
                lambda wire: self._row("pay_group", wire, entity_id),
                load="pay_group" not in self._writers,
            )
        if "benefit" in kinds:
            await self._benefits(reader, entity_id)

    async def _benefits(self, reader: ProviderReader, entity_id: str | None) -> None:
        benefits = [top_level(b) for b in await reader.benefits()]
        await self._page(
            "benefit",
            benefits,
            lambda wire: self._row("benefit", wire, entity_id),
            load="benefit" not in self._writers,
        )
        for benefit in benefits:
            benefit_id = self.ids.roost_id("benefit", benefit["source_id"])

            def enrollment(wire: dict[str, Any], benefit_id: str = benefit_id) -> Row:
                person = self.ids.roost_id("individual", wire["individual_source_id"])
                return self._row(
                    "enrollment", wire, entity_id, roost_id=f"{benefit_id}:{person}", parent_id=benefit_id
                )

            await self._stream(
                "enrollment",
                reader.enrollments(benefit["source_id"]),
                entity_id,
                enrollment,
                parent_id=benefit_id,
            )

    async def _payroll(self, reader: ProviderReader, entity_id: str | None) -> None:
        if "payment" not in self.plan.kinds:
            return
        start = dt.date(self.plan.today.year - 1, 1, 1)
        read_from = max(start, self.plan.payments_from) if self.plan.payments_from else start
        payments: list[tuple[str, dt.date | None]] = []

        def payment_row(wire: dict[str, Any]) -> Row:
            payments.append((wire["source_id"], wire["pay_date"]))
            return self._row("payment", wire, entity_id, on_date=wire["pay_date"])

        await self._stream("payment", reader.payments(read_from, self.plan.today), entity_id, payment_row)
        if read_from > start:
            # Payments before the window were not listed: they stay as they are, with their
            # statements (a forced sync reads them all again).
            async with self.runtime.database.statements() as runner:
                kept = await runner.all(
                    _SETTLED_PAYMENTS,
                    {"connection_id": self.plan.connection_id, "start": start, "before": read_from},
                )
            self._writer("payment").keep(row.roost_id for row in kept)
        if "pay_statement" in self.plan.kinds:
            for source_id, pay_date in payments:
                if not self._statements_settled(source_id, pay_date):
                    await self._statements(reader, source_id, entity_id)

    def _statements_settled(self, payment_source_id: str, pay_date: dt.date | None) -> bool:
        """Whether a payment's live statements can stand without reading them again: the
        payment is unchanged since the live sync, paid before the refresh window, and its
        statements were fetched in full last time. Paid payroll is history; re-reading a year
        of statements on every daily sync would cost far more than everything else."""
        payment_id = self.ids.roost_id("payment", payment_source_id)
        settled_before = self.plan.statements_settled_before
        return (
            not self.plan.initial
            and settled_before is not None
            and pay_date is not None
            and pay_date < settled_before
            and payment_id in self._writer("payment").unchanged
            and payment_id not in self.plan.incomplete_payments
        )

    async def _statements(
        self, reader: ProviderReader, payment_source_id: str, entity_id: str | None
    ) -> None:
        payment_id = self.ids.roost_id("payment", payment_source_id)

        def statement(wire: dict[str, Any]) -> Row:
            person = self.ids.roost_id("individual", wire["individual_source_id"])
            return self._row(
                "pay_statement", wire, entity_id, roost_id=f"{payment_id}:{person}", parent_id=payment_id
            )

        writer = self._writer("pay_statement")
        try:
            await self._stream(
                "pay_statement",
                reader.pay_statements(payment_source_id),
                entity_id,
                statement,
                parent_id=payment_id,
            )
        except (TemporarilyUnavailable, NotSupported, RateLimited) as exc:
            # One payment's statements failing is recorded and reported, not fatal; what was
            # live for that payment stays live.
            self.outcome.partial_errors.append({"payment_id": payment_id, "error": type(exc).__name__})
            async with self.runtime.database.statements() as runner:
                await writer.load_current(runner, payment_id)
            writer.keep_prefix(f"{payment_id}:")
        async with self.runtime.database.statements() as runner:
            await writer.settle(runner)


async def complete(runtime: Runtime, plan: SyncPlan, outcome: SyncOutcome, job_id: str | None = None) -> bool:
    """Switch readers to the new sync in one transaction; False if the sync was superseded.

    A worker that lost its lease (paused, partitioned) may still reach this point after
    another worker took the job over: ``begin`` marked this run failed and discarded its
    rows, so it must not go live. The run's own status row is the guard.
    """
    now = runtime.clock.now()
    result = "partial_error" if outcome.partial_errors else "success"
    stats = {
        "kinds": sorted(plan.kinds),
        "rows_written": outcome.rows_written,
        "changes": {kind: dict(c.counts) for kind, c in outcome.changes.items()},
        "partial_errors": outcome.partial_errors,
    }
    async with runtime.database.writing() as session:
        connection = await session.get(Connection, plan.connection_id, with_for_update=True)
        if connection is None:
            return False
        finished = await session.execute(
            update(SyncRun)
            .where(
                SyncRun.connection_id == plan.connection_id,
                SyncRun.number == plan.number,
                SyncRun.status == "running",
            )
            .values(status="succeeded", finished_at=now, stats=stats)
        )
        if finished.rowcount != 1:  # type: ignore[attr-defined]
            return False
        initial = connection.live_sync == 0
        connection.live_sync = plan.number
        connection.last_successful_sync = now
        connection.last_sync_result = result
        # Events go out in the same transaction as the switch (transactional outbox).
        await announce_sync(
            session,
            runtime,
            application_id=connection.application_id,
            connection_id=connection.id,
            job_id=job_id,
            initial=initial,
            changes=outcome.changes,
        )
    return True


async def abandon(runtime: Runtime, plan: SyncPlan, error: str) -> None:
    """A failed sync leaves the previous data in place."""
    await discard_unfinished(runtime, plan.connection_id, await _live(runtime, plan.connection_id))
    now = runtime.clock.now()
    async with runtime.database.writing() as session:
        await session.execute(
            update(SyncRun)
            .where(SyncRun.connection_id == plan.connection_id, SyncRun.number == plan.number)
            .values(status="failed", finished_at=now, error=error[:4000])
        )
        await session.execute(
            update(Connection).where(Connection.id == plan.connection_id).values(last_sync_result="error")
        )


async def _live(runtime: Runtime, connection_id: str) -> int:
    async with runtime.database.reading() as session:
        return int(
            await session.scalar(select(Connection.live_sync).where(Connection.id == connection_id)) or 0
        )
