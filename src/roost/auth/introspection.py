"""``GET /introspect``: what a token is, in Finch's ``Introspection`` shape."""

from __future__ import annotations

from sqlalchemy import select

from roost.auth.schemas import (
    AuthenticationMethodOut,
    ConnectionStatusOut,
    EntityOut,
    IntrospectionOut,
)
from roost.auth.service import TokenContext
from roost.connections.models import Connection, ConnectionEntity
from roost.core.errors import invalid_token
from roost.core.runtime import Runtime


async def introspect(runtime: Runtime, context: TokenContext) -> IntrospectionOut:
    async with runtime.database.reading() as session:
        connection = await session.get(Connection, context.connection_id)
        if connection is None:
            raise invalid_token()
        entities = list(
            await session.scalars(
                select(ConnectionEntity).where(ConnectionEntity.connection_id == connection.id)
            )
        )
    last_sync = connection.last_successful_sync.isoformat() if connection.last_successful_sync else None
    status = ConnectionStatusOut(
        status=connection.status, message=connection.status_message, last_successful_sync=last_sync
    )
    return IntrospectionOut(
        id=context.token_id,
        client_id=context.client_id,
        client_type=context.client_type,
        connection_id=connection.id,
        connection_status=status,
        connection_type=connection.connection_type,
        products=list(context.products),
        provider_id=connection.provider_id,
        account_id=connection.id,
        company_id=connection.id,
        authentication_methods=[
            AuthenticationMethodOut(
                type=connection.auth_method, connection_status=status, products=list(connection.products)
            )
        ],
        customer_email=connection.customer_email,
        customer_id=connection.customer_id,
        customer_name=connection.customer_name,
        entities=[EntityOut(id=e.id, name=e.name, source_id=e.source_id, status=e.status) for e in entities],
        manual=connection.auth_method == "assisted",
        payroll_provider_id=connection.provider_id,
        username=connection.username,
    )
