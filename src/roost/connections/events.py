"""``account.updated``: every connection status change is announced (DESIGN.md §2)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from roost.connections.models import Connection
from roost.core.runtime import Runtime
from roost.webhooks.service import emit


async def announce_status(session: AsyncSession, runtime: Runtime, connection: Connection) -> None:
    # reference §10: the SDK models authentication_method as an object; the object form is safe.
    await emit(
        session,
        runtime,
        application_id=connection.application_id,
        connection_id=connection.id,
        event_type="account.updated",
        data={"status": connection.status, "authentication_method": {"type": connection.auth_method}},
    )
