"""Enqueueing, claiming and finishing jobs (the Oban / River / Solid Queue design)."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Table, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from roost.core import identifiers
from roost.core.runtime import Runtime
from roost.jobs.models import ACTIVE_STATUSES, Job

_jobs = cast(Table, Job.__table__)


@dataclass(frozen=True)
class ClaimedJob:
    id: str
    kind: str
    payload: dict[str, Any]
    attempts: int
    max_attempts: int
    connection_id: str | None
    application_id: str | None


async def enqueue(
    session: AsyncSession,
    now: dt.datetime,
    kind: str,
    payload: dict[str, Any] | None = None,
    *,
    connection_id: str | None = None,
    application_id: str | None = None,
    public_type: str | None = None,
    dedupe_key: str | None = None,
    run_at: dt.datetime | None = None,
    max_attempts: int = 5,
) -> tuple[Job, bool]:
    """Add a job inside the caller's transaction; ``(job, created)``.

    With a ``dedupe_key`` that an active job already holds, that job is returned and
    nothing is inserted (a savepoint keeps the caller's transaction usable).
    """
    if dedupe_key is not None:
        existing = await _active(session, dedupe_key)
        if existing is not None:
            return existing, False
    job = Job(
        id=identifiers.new_uuid(),
        kind=kind,
        public_type=public_type,
        application_id=application_id,
        connection_id=connection_id,
        payload=payload or {},
        status="queued",
        attempts=0,
        max_attempts=max_attempts,
        run_at=run_at or now,
        dedupe_key=dedupe_key,
        created_at=now,
    )
    try:
        async with session.begin_nested():
            session.add(job)
    except IntegrityError:
        existing = await _active(session, dedupe_key or "")
        if existing is None:
            raise
        return existing, False
    return job, True


async def _active(session: AsyncSession, dedupe_key: str) -> Job | None:
    return cast(
        Job | None,
        await session.scalar(
            select(Job).where(Job.dedupe_key == dedupe_key, Job.status.in_(ACTIVE_STATUSES)).limit(1)
        ),
    )


async def claim(
    runtime: Runtime,
    worker_id: str,
    limit: int,
    lease_seconds: float,
    kinds: tuple[str, ...] | None = None,
    application_ids: tuple[str, ...] | None = None,
) -> list[ClaimedJob]:
    """Take up to ``limit`` due jobs (or jobs whose lease expired) for this worker."""
    now = runtime.clock.now()
    expired = (_jobs.c.status == "running") & (_jobs.c.locked_until < now)
    due = or_(
        (_jobs.c.status == "queued") & (_jobs.c.run_at <= now),
        expired & (_jobs.c.attempts < _jobs.c.max_attempts),
    )
    candidates = select(_jobs.c.id).where(due).order_by(_jobs.c.run_at).limit(limit)
    if kinds is not None:
        candidates = candidates.where(_jobs.c.kind.in_(kinds))
    if application_ids is not None:
        # One application's jobs only: lets a test (or a dedicated worker) stay in its lane.
        candidates = candidates.where(_jobs.c.application_id.in_(application_ids))
    candidates = candidates.with_for_update(skip_locked=True)
    statement = (
        update(_jobs)
        .where(_jobs.c.id.in_(candidates.scalar_subquery()))
        .values(
            status="running",
            locked_by=worker_id,
            locked_until=now + dt.timedelta(seconds=lease_seconds),
            attempts=_jobs.c.attempts + 1,
            started_at=now,
        )
        .returning(
            _jobs.c.id,
            _jobs.c.kind,
            _jobs.c.payload,
            _jobs.c.attempts,
            _jobs.c.max_attempts,
            _jobs.c.connection_id,
            _jobs.c.application_id,
        )
    )
    # A job whose every attempt ended with its worker gone (killed mid-job, again and again)
    # fails for good instead of taking workers down forever.
    lane = [] if kinds is None else [_jobs.c.kind.in_(kinds)]
    if application_ids is not None:
        lane.append(_jobs.c.application_id.in_(application_ids))
    exhausted = (
        update(_jobs)
        .where(expired & (_jobs.c.attempts >= _jobs.c.max_attempts), *lane)
        .values(
            status="failed",
            locked_by=None,
            locked_until=None,
            finished_at=now,
            last_error="the worker running it stopped before finishing, on every attempt",
        )
    )
    async with runtime.database.writing_core() as connection:
        await connection.execute(exhausted)
        rows = (await connection.execute(statement)).all()
    return [
        ClaimedJob(
            id=r.id,
            kind=r.kind,
            payload=r.payload,
            attempts=r.attempts,
            max_attempts=r.max_attempts,
            connection_id=r.connection_id,
            application_id=r.application_id,
        )
        for r in rows
    ]


async def extend_lease(runtime: Runtime, job_id: str, worker_id: str, lease_seconds: float) -> bool:
    """Heartbeat: keep a long job's lease; False when another worker took it over."""
    now = runtime.clock.now()
    async with runtime.database.writing_core() as connection:
        result = await connection.execute(
            update(_jobs)
            .where(_jobs.c.id == job_id, _jobs.c.locked_by == worker_id, _jobs.c.status == "running")
            .values(locked_until=now + dt.timedelta(seconds=lease_seconds))
        )
    return bool(result.rowcount)


def backoff_seconds(attempt: int, base: float = 2.0, cap: float = 3600.0) -> float:
    """Full-jitter exponential backoff (AWS Architecture Blog, "Exponential Backoff and Jitter")."""
    return random.uniform(0, min(cap, base * (2**attempt)))


async def finish(runtime: Runtime, job: ClaimedJob, worker_id: str, result: dict[str, Any] | None) -> None:
    now = runtime.clock.now()
    async with runtime.database.writing_core() as connection:
        await connection.execute(
            update(_jobs)
            .where(_jobs.c.id == job.id, _jobs.c.locked_by == worker_id)
            .values(status="succeeded", finished_at=now, locked_until=None, result=result, last_error=None)
        )


async def fail(
    runtime: Runtime,
    job: ClaimedJob,
    worker_id: str,
    error: str,
    *,
    retry_after: float | None = None,
    final: bool = False,
    result: dict[str, Any] | None = None,
) -> None:
    """Retry with jittered backoff, or mark failed once attempts run out (or ``final``)."""
    now = runtime.clock.now()
    if final or job.attempts >= job.max_attempts:
        values: dict[str, Any] = {
            "status": "failed",
            "finished_at": now,
            "locked_until": None,
            "last_error": error[:4000],
            "result": result,
        }
    else:
        delay = retry_after if retry_after is not None else backoff_seconds(job.attempts)
        values = {
            "status": "queued",
            "run_at": now + dt.timedelta(seconds=delay),
            "locked_until": None,
            "locked_by": None,
            "last_error": error[:4000],
        }
    async with runtime.database.writing_core() as connection:
        await connection.execute(
            update(_jobs).where(_jobs.c.id == job.id, _jobs.c.locked_by == worker_id).values(**values)
        )


async def release(runtime: Runtime, job_ids: list[str], worker_id: str) -> None:
    """Give unfinished jobs back at shutdown, without counting the attempt against them."""
    if not job_ids:
        return
    now = runtime.clock.now()
    async with runtime.database.writing_core() as connection:
        await connection.execute(
            update(_jobs)
            .where(_jobs.c.id.in_(job_ids), _jobs.c.locked_by == worker_id, _jobs.c.status == "running")
            .values(
                status="queued", run_at=now, locked_by=None, locked_until=None, attempts=_jobs.c.attempts - 1
            )
        )
