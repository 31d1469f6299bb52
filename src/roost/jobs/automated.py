"""Automated jobs: forced syncs with Finch's quota semantics (reference §9)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi.responses import JSONResponse
from sqlalchemy import func, select

from roost.auth.service import TokenContext
from roost.connections.models import Connection
from roost.connections.service import SYNC_JOB, sync_dedupe_key
from roost.core.errors import FinchError, not_found
from roost.core.runtime import Runtime
from roost.jobs.models import Job
from roost.jobs.queue import enqueue
from roost.jobs.schemas import AutomatedJobCreate, AutomatedJobCreated, AutomatedJobOut, ManualJobOut

PUBLIC_TYPES = ("data_sync_all", "w4_form_employee_sync")


def job_url(runtime: Runtime, job_id: str, manual: bool = False) -> str:
    kind = "manual" if manual else "automated"
    return f"{runtime.settings.public_url.rstrip('/')}/jobs/{kind}/{job_id}"


def public_status(job: Job) -> str:
    if job.status == "queued":
        return "pending"
    if job.status == "running":
        return "in_progress"
    if job.status == "succeeded":
        return "complete"
    return str((job.result or {}).get("status", "error"))


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value else None


def automated_out(runtime: Runtime, job: Job) -> AutomatedJobOut:
    params = job.payload.get("params") if job.payload else None
    return AutomatedJobOut(
        job_id=job.id,
        job_url=job_url(runtime, job.id),
        type=job.public_type or "data_sync_all",
        status=public_status(job),
        params=params,
        created_at=job.created_at.isoformat(),
        scheduled_at=_iso(job.run_at),
        started_at=_iso(job.started_at),
        completed_at=_iso(job.finished_at),
    )


async def _forced_in_window(session: Any, connection_id: str, since: dt.datetime) -> int:
    return int(
        await session.scalar(
            select(func.count())
            .select_from(Job)
            .where(
                Job.connection_id == connection_id,
                Job.payload["forced"].as_boolean().is_(True),
                Job.created_at >= since,
            )
        )
        or 0
    )


async def create_automated(
    runtime: Runtime, token: TokenContext, request: AutomatedJobCreate
) -> JSONResponse:
    """``201`` new job, ``202`` the running one (no quota used), ``429`` past the quota."""
    if request.type == "w4_form_employee_sync" and request.params is None:
        raise FinchError(
            400,
            "bad_request",
            "params.individual_id is required for w4_form_employee_sync",
            finch_code="invalid_request",
        )
    now = runtime.clock.now()
    allowed = runtime.settings.forced_syncs_per_hour
    window_start = now - dt.timedelta(hours=1)
    async with runtime.database.writing() as session:
        connection = await session.get(Connection, token.connection_id)
        assert connection is not None
        if connection.auth_method == "assisted":
            raise FinchError(400, "bad_request", "cannot create automated job for Assisted Connect token")
        used = await _forced_in_window(session, connection.id, window_start)
        active = await session.scalar(
            select(Job)
            .where(Job.dedupe_key == sync_dedupe_key(connection.id), Job.status.in_(("queued", "running")))
            .limit(1)
        )
        # One sync of a connection at a time: a W-4 sync is a full sync too, so either kind
        # of request while one is queued or running gets that job back.
        if active is not None:
            body = AutomatedJobCreated(
                job_id=active.id,
                job_url=job_url(runtime, active.id),
                allowed_refreshes=allowed,
                remaining_refreshes=max(0, allowed - used),
            )
            return JSONResponse(body.model_dump(exclude_none=True), status_code=202)
        if used >= allowed:
            retry_at = (window_start + dt.timedelta(hours=1)).isoformat()
            body = AutomatedJobCreated(
                job_id="", job_url="", allowed_refreshes=allowed, remaining_refreshes=0, retry_at=retry_at
            )
            payload = body.model_dump(include={"allowed_refreshes", "remaining_refreshes", "retry_at"})
            return JSONResponse(
                {
                    **payload,
                    "code": 429,
                    "name": "rate_limit_exceeded_error",
                    "message": "Forced sync quota used; see retry_at",
                },
                status_code=429,
            )
        job, _created = await enqueue(
            session,
            now,
            SYNC_JOB,
            {"forced": True, "params": request.params.model_dump() if request.params else None},
            connection_id=connection.id,
            application_id=token.application_id,
            public_type=request.type,
            dedupe_key=sync_dedupe_key(connection.id),
        )
    body = AutomatedJobCreated(
        job_id=job.id,
        job_url=job_url(runtime, job.id),
        allowed_refreshes=allowed,
        remaining_refreshes=max(0, allowed - used - 1),
    )
    return JSONResponse(body.model_dump(exclude_none=True), status_code=201)


async def list_automated(runtime: Runtime, token: TokenContext, limit: int, offset: int) -> dict[str, Any]:
    now = runtime.clock.now()
    async with runtime.database.reading() as session:
        jobs = list(
            await session.scalars(
                select(Job)
                .where(Job.connection_id == token.connection_id, Job.public_type.in_(PUBLIC_TYPES))
                .order_by(Job.created_at.desc())
                .limit(limit)
                .offset(offset)
            )
        )
        used = await _forced_in_window(session, token.connection_id, now - dt.timedelta(hours=1))
    allowed = runtime.settings.forced_syncs_per_hour
    return {
        "data": [automated_out(runtime, job).model_dump() for job in jobs],
        "meta": {
            "quotas": {
                "data_sync_all": {"allowed_refreshes": allowed, "remaining_refreshes": max(0, allowed - used)}
            }
        },
    }


async def get_automated(runtime: Runtime, token: TokenContext, job_id: str) -> AutomatedJobOut:
    async with runtime.database.reading() as session:
        job = await session.scalar(
            select(Job).where(
                Job.id == job_id, Job.connection_id == token.connection_id, Job.public_type.in_(PUBLIC_TYPES)
            )
        )
    if job is None:
        raise not_found(f"No automated job {job_id!r}")
    return automated_out(runtime, job)


async def get_manual(runtime: Runtime, token: TokenContext, job_id: str) -> ManualJobOut:
    async with runtime.database.reading() as session:
        job = await session.scalar(
            select(Job).where(
                Job.id == job_id, Job.connection_id == token.connection_id, Job.public_type == "manual"
            )
        )
    if job is None:
        raise not_found(f"No manual job {job_id!r}")
    status = {"queued": "pending", "running": "in_progress", "succeeded": "complete"}.get(job.status, "error")
    return ManualJobOut(job_id=job.id, status=status, body=(job.result or {}).get("body"))
