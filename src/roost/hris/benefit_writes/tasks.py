"""The benefit-write job: write through the provider, publish the change, then report it.

A write runs in three steps, and the job's payload remembers how far it got (``progress``),
so a retry resumes rather than writing twice:

1. **apply** — the provider takes the write: a Finch-mode sandbox connection's overlay, or the
   real adapter's :class:`~roost.providers.contract.BenefitWriter`. The outcome of every item
   (the benefit, or each person) becomes the manual job's ``body``.
2. **publish** — readers are served from the synced store, never from half-applied writes
   (DESIGN.md §3), so a sync of the connection is queued to carry the change to them. It must
   start after the write: while a sync is already running (it may have read the benefits
   before the write), the job waits for it to end and then queues a new one. A queued sync is
   locked while the write commits, so no worker starts it before the write is visible to it.
   The sandbox applies and publishes in one transaction.
3. **settle** — once that sync has ended, the job completes and ``job.benefit_<operation>.completed``
   is emitted in the same transaction (reference §10). So a client that sees the job
   ``complete``, or gets the webhook, reads the change from ``/employer/benefits``. (Should
   that sync fail, the provider still has the change: the job completes and the next
   successful sync shows it.)

Waiting for a sync is not a failed attempt: the attempt is given back, and the job looks
again after :data:`WAIT_SECONDS`. A job none of whose items succeeded ends as ``error``; the
webhook fires for it too, since the job is finished.
"""

from __future__ import annotations

from typing import Any, NoReturn

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from roost.connections.models import Connection, ConnectionEntity
from roost.connections.service import SYNC_JOB, sync_dedupe_key
from roost.core.runtime import Runtime
from roost.hris.benefit_writes.service import BENEFIT_WRITE_JOB
from roost.hris.benefit_writes.writes import failure, perform
from roost.jobs.automated import job_url
from roost.jobs.models import ACTIVE_STATUSES, Job
from roost.jobs.queue import ClaimedJob, enqueue
from roost.jobs.worker import GiveUp, RetryLater
from roost.providers.contract import (
    AuthenticationRevoked,
    BenefitWriter,
    InsufficientPermissions,
    NotSupported,
    ProviderAccount,
    ProviderError,
    RateLimited,
    TemporarilyUnavailable,
    WriteOutcome,
)
from roost.providers.records import Entity
from roost.sandbox.benefit_writes import open_benefits
from roost.webhooks.service import emit

__all__ = ["BENEFIT_WRITE_JOB", "WAIT_SECONDS", "run_benefit_write"]

WAIT_SECONDS = 1.0


class _SyncRunning(Exception):
    """A sync of the connection is running: publishing must wait for it to end."""


async def run_benefit_write(runtime: Runtime, job: ClaimedJob) -> dict[str, Any] | None:
    try:
        progress = await _applied_and_published(runtime, job)
    except _SyncRunning:
        await _wait(runtime, job, "a sync of this connection is running; the write waits for it")
    if progress["applied"] and not await _ended(runtime, progress["sync_job_id"]):
        await _wait(runtime, job, "waiting for the sync that shows the write to readers")
    return await _settle(runtime, job, progress)


async def _applied_and_published(runtime: Runtime, job: ClaimedJob) -> dict[str, Any]:
    progress: dict[str, Any] | None = job.payload.get("progress")
    if progress is None:
        progress = await _apply(runtime, job)
    if progress["applied"] and progress.get("sync_job_id") is None:
        progress = await _publish(runtime, job, progress)
    return progress


async def _connection(runtime: Runtime, connection_id: str | None) -> Connection | None:
    async with runtime.database.reading() as session:
        return await session.get(Connection, connection_id) if connection_id else None


async def _apply(runtime: Runtime, job: ClaimedJob) -> dict[str, Any]:
    connection = await _connection(runtime, job.connection_id)
    if connection is None or connection.status == "disconnected":
        outcome = WriteOutcome(400, "The connection was disconnected before the write ran", "bad_request")
        return await _save(runtime, job, failure(job.payload, outcome))
    if connection.sandbox == "finch":
        return await _apply_to_sandbox(runtime, job, connection)
    adapter = runtime.adapters.adapter(connection.provider_id, connection.sandbox, connection.id)
    if adapter is None:
        outcome = WriteOutcome(501, f"Roost cannot reach {connection.provider_id}", "not_implemented_error")
        return await _save(runtime, job, failure(job.payload, outcome))
    writer = adapter.benefit_writer(*await _account(runtime, connection, job.payload.get("entity_id")))
    return await _save(runtime, job, await _write(runtime, job, writer))


async def _write(runtime: Runtime, job: ClaimedJob, writer: BenefitWriter) -> dict[str, Any]:
    """A real provider's write, outside any transaction (it is a network call)."""
    try:
        return await perform(runtime, job.connection_id or "", job.payload, writer)
    except (RateLimited, TemporarilyUnavailable) as exc:
        raise RetryLater(str(exc), getattr(exc, "retry_after", None)) from exc
    except ProviderError as exc:
        return failure(job.payload, _refusal(exc))


def _refusal(exc: ProviderError) -> WriteOutcome:
    """A provider's refusal of the whole write, as Finch names it (reference §12)."""
    if isinstance(exc, NotSupported):
        return WriteOutcome(501, str(exc), "not_implemented_error")
    if isinstance(exc, AuthenticationRevoked):
        return WriteOutcome(401, str(exc), "authentication_error", "reauthenticate_user")
    if isinstance(exc, InsufficientPermissions):
        return WriteOutcome(403, str(exc), "error_permissions", "insufficient_account_permissions")
    return WriteOutcome(502, str(exc), "bad_gateway_error", "upstream_provider_error")


async def _apply_to_sandbox(runtime: Runtime, job: ClaimedJob, connection: Connection) -> dict[str, Any]:
    """Write to the overlay and queue the sync that publishes it, in one transaction."""
    async with runtime.database.writing() as session:
        sandbox = await open_benefits(runtime, session, connection)
        if sandbox is None:
            outcome = WriteOutcome(409, "This sandbox connection has no company yet", "conflict_error")
            progress = failure(job.payload, outcome)
        else:
            progress = await perform(runtime, connection.id, job.payload, sandbox.writer, session)
            if progress["applied"]:
                progress["sync_job_id"] = await _sync_after_write(session, runtime, connection, job.id)
                sandbox.save(runtime)
        await _record(session, job, progress)
    return progress


async def _publish(runtime: Runtime, job: ClaimedJob, progress: dict[str, Any]) -> dict[str, Any]:
    connection = await _connection(runtime, job.connection_id)
    if connection is None:  # deleted with its data: nothing left to publish to
        return {**progress, "sync_job_id": ""}
    async with runtime.database.writing() as session:
        progress = {**progress, "sync_job_id": await _sync_after_write(session, runtime, connection, job.id)}
        await _record(session, job, progress)
    return progress


async def _sync_after_write(
    session: AsyncSession, runtime: Runtime, connection: Connection, write_job_id: str
) -> str:
    """The id of a sync that will start after this transaction commits; raises _SyncRunning
    (rolling the transaction back) while one is running."""
    active = await session.scalar(
        select(Job)
        .where(Job.dedupe_key == sync_dedupe_key(connection.id), Job.status.in_(ACTIVE_STATUSES))
        .limit(1)
        .with_for_update()  # a queued sync stays unclaimed (SKIP LOCKED) until this commits
    )
    if active is not None:
        if active.status != "queued":
            raise _SyncRunning()
        return str(active.id)
    sync, created = await enqueue(
        session,
        runtime.clock.now(),
        SYNC_JOB,
        {"benefit_write_job_id": write_job_id},
        connection_id=connection.id,
        application_id=connection.application_id,
        public_type="data_sync_all",
        dedupe_key=sync_dedupe_key(connection.id),
    )
    if not created:  # another writer queued one a moment ago; look again on the next run
        raise _SyncRunning()
    return sync.id


async def _ended(runtime: Runtime, sync_job_id: str) -> bool:
    if not sync_job_id:
        return True
    async with runtime.database.reading() as session:
        status = await session.scalar(select(Job.status).where(Job.id == sync_job_id))
    return status not in ACTIVE_STATUSES


async def _account(
    runtime: Runtime, connection: Connection, entity_id: str | None
) -> tuple[ProviderAccount, Entity | None]:
    async with runtime.database.reading() as session:
        rows = list(
            await session.scalars(
                select(ConnectionEntity).where(
                    ConnectionEntity.connection_id == connection.id, ConnectionEntity.status == "connected"
                )
            )
        )
    entities = tuple(Entity(source_id=e.source_id, name=e.name or "") for e in rows)
    chosen = next((Entity(source_id=e.source_id, name=e.name or "") for e in rows if e.id == entity_id), None)
    credentials = runtime.keyring.decrypt(connection.credentials_ciphertext or "", connection.id)
    account = ProviderAccount(
        credentials=credentials,
        entities=entities,
        external_id=connection.external_id,
        username=connection.username,
    )
    return account, chosen


async def _record(session: AsyncSession, job: ClaimedJob, progress: dict[str, Any]) -> None:
    await session.execute(
        update(Job).where(Job.id == job.id).values(payload={**job.payload, "progress": progress})
    )


async def _save(runtime: Runtime, job: ClaimedJob, progress: dict[str, Any]) -> dict[str, Any]:
    async with runtime.database.writing() as session:
        await _record(session, job, progress)
    return progress


async def _wait(runtime: Runtime, job: ClaimedJob, reason: str) -> NoReturn:
    # Waiting is not a failed attempt: give it back, as queue.release does at shutdown.
    async with runtime.database.writing() as session:
        await session.execute(
            update(Job).where(Job.id == job.id, Job.attempts > 0).values(attempts=Job.attempts - 1)
        )
    raise RetryLater(reason, retry_after=WAIT_SECONDS)


async def _settle(runtime: Runtime, job: ClaimedJob, progress: dict[str, Any]) -> dict[str, Any]:
    """Finish the job and emit its webhook in one transaction (the outbox, DESIGN.md §3); the
    worker then records the same final state again."""
    result = {"body": progress["body"]}
    complete = bool(progress["applied"])
    operation = job.payload["operation"]
    async with runtime.database.writing() as session:
        await session.execute(
            update(Job)
            .where(Job.id == job.id)
            .values(
                status="succeeded" if complete else "failed",
                result=result,
                finished_at=runtime.clock.now(),
                locked_until=None,
            )
        )
        if job.application_id and job.connection_id:
            await emit(
                session,
                runtime,
                application_id=job.application_id,
                connection_id=job.connection_id,
                event_type=f"job.benefit_{operation}.completed",
                data={"job_id": job.id, "job_url": job_url(runtime, job.id, manual=True)},
                entity_id=job.payload.get("entity_id"),
            )
    if not complete:
        raise GiveUp(f"benefit {operation}: no item succeeded", result)
    return result
