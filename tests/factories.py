"""Rows that tests need before the feature that makes them exists in the flow under test."""

from __future__ import annotations

from sqlalchemy import select

from roost.applications.models import Application
from roost.connections.models import Connection
from roost.core import identifiers
from roost.core.runtime import Runtime


async def insert_connection(
    runtime: Runtime,
    client_id: str,
    customer_id: str,
    *,
    status: str = "connected",
    provider_id: str = "gusto",
    products: list[str] | None = None,
) -> str:
    now = runtime.clock.now()
    async with runtime.database.writing() as session:
        application = await session.scalar(select(Application).where(Application.client_id == client_id))
        assert application is not None
        connection = Connection(
            id=identifiers.new_uuid(),
            application_id=application.id,
            customer_id=customer_id,
            customer_name=f"{customer_id} Inc.",
            customer_email=None,
            provider_id=provider_id,
            auth_method="oauth",
            connection_type="finch",
            sandbox="finch",
            products=products or ["company", "directory"],
            status=status,
            status_message=None,
            created_at=now,
            updated_at=now,
            disconnected_at=now if status == "disconnected" else None,
        )
        session.add(connection)
    return connection.id
