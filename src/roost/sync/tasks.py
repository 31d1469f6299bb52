"""The ``sync`` job: one connection's data, end to end, with provider errors mapped."""

from __future__ import annotations

from typing import Any

from roost.connections.events import announce_status
from roost.connections.models import Connection
from roost.connections.service import SYNC_JOB, record_status
from roost.core.runtime import Runtime
from roost.jobs.queue import ClaimedJob
from roost.jobs.worker import GiveUp, RetryLater
from roost.providers.contract import (
    AuthenticationRevoked,
    InsufficientPermissions,
    NotSupported,
    RateLimited,
    TemporarilyUnavailable,
)
from roost.sandbox.readers import readers_for
from roost.sync import engine

__all__ = ["SYNC_JOB", "run_sync"]


async def _set_status(runtime: Runtime, connection_id: str, status: str, reason: str) -> None:
    async with runtime.database.writing() as session:
        connection = await session.get(Connection, connection_id, with_for_update=True)
        if connection is not None and connection.status not in (status, "disconnected"):
            record_status(session, connection, status, reason, runtime.clock.now())
            await announce_status(session, runtime, connection)


async def run_sync(runtime: Runtime, job: ClaimedJob) -> dict[str, Any] | None:
    connection_id = str(job.connection_id)
    # A forced data_sync_all (POST /jobs/automated, POST /sandbox/jobs) reads everything again.
    plan = await engine.begin(runtime, connection_id, job.id, full=bool((job.payload or {}).get("forced")))
    if plan is None:
        return {"skipped": "connection is disconnected or has no credentials"}
    async with runtime.database.reading() as session:
        connection = await session.get(Connection, connection_id)
    assert connection is not None
    if connection.auth_method == "assisted" and connection.status == "pending":
        await engine.abandon(runtime, plan, "assisted connection not confirmed yet")
        return {"skipped": "assisted connection awaits confirmation"}
    adapter = runtime.adapters.adapter(connection.provider_id, connection.sandbox, connection.id)
    if adapter is None:
        await engine.abandon(runtime, plan, "no adapter")
        raise GiveUp(f"No adapter for {connection.provider_id}", {"status": "error"})
    sync = engine.Sync(runtime, plan, await readers_for(runtime, connection, adapter, plan.account))
    try:
        outcome = await sync.run()
    except AuthenticationRevoked as exc:
        await engine.abandon(runtime, plan, str(exc))
        await _set_status(runtime, connection_id, "reauth", "provider_authentication_revoked")
        raise GiveUp("authentication revoked", {"status": "reauth_error"}) from exc
    except InsufficientPermissions as exc:
        await engine.abandon(runtime, plan, str(exc))
        await _set_status(runtime, connection_id, "error_permissions", "provider_permissions_missing")
        raise GiveUp("missing permissions", {"status": "permissions_error"}) from exc
    except (RateLimited, TemporarilyUnavailable) as exc:
        await engine.abandon(runtime, plan, str(exc))
        raise RetryLater(str(exc), getattr(exc, "retry_after", None)) from exc
    except NotSupported as exc:
        await engine.abandon(runtime, plan, str(exc))
        raise GiveUp(str(exc), {"status": "error"}) from exc
    except BaseException as exc:
        await engine.abandon(runtime, plan, repr(exc))
        raise
    await engine.complete(runtime, plan, outcome, job.id)
    if connection.status in ("pending", "processing"):
        await _set_status(runtime, connection_id, "connected", "first_sync_succeeded")
    return {
        "status": "complete",
        "sync": plan.number,
        "rows_written": outcome.rows_written,
        "partial_errors": outcome.partial_errors,
    }
