"""Scheduled re-syncs: every 24 h for automated connections, every 7 days for assisted ones.

Workers call :func:`enqueue_due_syncs` periodically; the per-connection dedupe key makes it
safe for many workers to do so at once, and a connection already syncing is left alone.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import and_, or_, select

from roost.connections.models import Connection
from roost.connections.service import SYNC_JOB, sync_dedupe_key
from roost.core.runtime import Runtime
from roost.jobs.queue import enqueue

SCHEDULED_STATUSES = ("connected", "processing")


async def enqueue_due_syncs(runtime: Runtime, limit: int = 500) -> int:
    """Queue a sync for each connection whose last attempt is older than its cadence."""
    now = runtime.clock.now()
    automated_before = now - dt.timedelta(hours=runtime.settings.sync_interval_hours)
    assisted_before = now - dt.timedelta(hours=runtime.settings.assisted_sync_interval_hours)
    due = or_(
        and_(Connection.auth_method != "assisted", Connection.last_sync_attempt_at < automated_before),
        and_(Connection.auth_method == "assisted", Connection.last_sync_attempt_at < assisted_before),
    )
    async with runtime.database.writing() as session:
        connections = list(
            await session.scalars(
                select(Connection).where(Connection.status.in_(SCHEDULED_STATUSES), due).limit(limit)
            )
        )
        created = 0
        for connection in connections:
            _job, fresh = await enqueue(
                session,
                now,
                SYNC_JOB,
                {"scheduled": True},
                connection_id=connection.id,
                application_id=connection.application_id,
                public_type="data_sync_all",
                dedupe_key=sync_dedupe_key(connection.id),
            )
            created += int(fresh)
    return created
