"""Creating and changing connections: the end of Connect, status changes, disconnect."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from roost.auth.models import AccessToken, AuthorizationCode
from roost.connect.models import ConnectSession, SessionEvent, StagedConnection
from roost.connections.events import announce_status
from roost.connections.models import Connection, ConnectionEntity, ConnectionStatusChange
from roost.core import identifiers
from roost.core.errors import FinchError
from roost.core.runtime import Runtime
from roost.jobs.queue import enqueue
from roost.providers.contract import ProviderAccount

SYNC_JOB = "sync"


def sync_dedupe_key(connection_id: str) -> str:
    return f"sync:{connection_id}"


@dataclass(frozen=True)
class IssuedCode:
    code: str
    connection_id: str
    redirect_uri: str | None


def record_status(
    session: AsyncSession, connection: Connection, status: str, reason: str | None, at: dt.datetime
) -> None:
    """Set a connection's status and keep the change in its history."""
    connection.status = status
    connection.status_message = reason
    connection.updated_at = at
    session.add(ConnectionStatusChange(connection_id=connection.id, status=status, reason=reason, at=at))


async def _sync_entities(session: AsyncSession, connection_id: str, account: ProviderAccount) -> list[str]:
    """Entity UUIDs of the account's entities; known ones keep their ids (reauth may add)."""
    existing = {
        entity.source_id: entity
        for entity in await session.scalars(
            select(ConnectionEntity).where(ConnectionEntity.connection_id == connection_id)
        )
    }
    ids = []
    for entity in account.entities:
        row = existing.get(entity.source_id)
        if row is None:
            row = ConnectionEntity(
                id=identifiers.new_uuid(),
                connection_id=connection_id,
                source_id=entity.source_id,
                name=entity.name,
                status="connected",
            )
            session.add(row)
        row.status = "connected"
        ids.append(row.id)
    return ids


async def complete_session(
    runtime: Runtime,
    session_id: str,
    account: ProviderAccount,
    *,
    auth_method: str,
    redirect_uri: str | None,
) -> IssuedCode:
    """Turn a finished Connect session into a connection and a short-lived code, atomically.

    A first connection is created; a reauthentication keeps its ``connection_id`` and
    entity ids, refreshes the stored account, and sets the status back to ``connected``.
    Assisted connections start ``pending`` until access is confirmed.
    """
    now = runtime.clock.now()
    code = identifiers.new_secret(identifiers.AUTHORIZATION_CODE_PREFIX)
    async with runtime.database.writing() as session:
        connect_session = await session.get(ConnectSession, session_id, with_for_update=True)
        if connect_session is None or connect_session.completed_at is not None:
            raise FinchError(400, "bad_request", "This Connect session is already complete")
        if connect_session.expires_at <= now:
            raise FinchError(400, "bad_request", "This Connect session has expired")
        status = "pending" if auth_method == "assisted" else "connected"
        connection = await _connection_for(session, connect_session, auth_method, now)
        connection.auth_method = auth_method
        connection.products = list(connect_session.products)
        connection.external_id = account.external_id
        connection.username = account.username
        connection.disconnected_at = None
        connection.credentials_ciphertext = runtime.keyring.encrypt(dict(account.credentials), connection.id)
        record_status(session, connection, status, "connect_session_completed", now)
        await announce_status(session, runtime, connection)
        entity_ids = await _sync_entities(session, connection.id, account)
        connect_session.completed_at = now
        connect_session.connection_id = connection.id
        connect_session.progress = {
            **connect_session.progress,
            "step": "done",
            "pending": None,
            "account": None,
        }
        if connect_session.staged_connection_id is not None:
            await session.execute(
                update(StagedConnection)
                .where(StagedConnection.id == connect_session.staged_connection_id)
                .values(closed_at=now, connection_id=connection.id)
            )
        session.add(
            AuthorizationCode(
                id=identifiers.new_uuid(),
                code_digest=identifiers.digest(runtime.server_key, code),
                application_id=connect_session.application_id,
                connection_id=connection.id,
                session_id=connect_session.id,
                redirect_uri=redirect_uri,
                products=list(connect_session.products),
                entity_ids=entity_ids,
                created_at=now,
                expires_at=now + dt.timedelta(seconds=runtime.settings.authorization_code_seconds),
            )
        )
        if status == "connected":
            # The initial sync exists exactly when the connection does (DESIGN.md §3).
            await enqueue(
                session,
                now,
                SYNC_JOB,
                connection_id=connection.id,
                application_id=connect_session.application_id,
                public_type="data_sync_all",
                dedupe_key=sync_dedupe_key(connection.id),
                payload={"initial": True},
            )
        session.add(
            SessionEvent(
                session_id=connect_session.id,
                staged_connection_id=connect_session.staged_connection_id,
                kind="success",
                at=now,
                detail={"connection_id": connection.id},
            )
        )
    return IssuedCode(code=code, connection_id=connection.id, redirect_uri=redirect_uri)


async def _connection_for(
    session: AsyncSession, connect_session: ConnectSession, auth_method: str, now: dt.datetime
) -> Connection:
    if connect_session.connection_id is not None:
        existing = await session.get(Connection, connect_session.connection_id, with_for_update=True)
        if existing is None or existing.status == "disconnected":
            raise FinchError(400, "bad_request", "The connection being reauthenticated is disconnected")
        return existing
    connection = Connection(
        id=identifiers.new_uuid(),
        application_id=connect_session.application_id,
        customer_id=connect_session.customer_id,
        customer_name=connect_session.customer_name,
        customer_email=connect_session.customer_email,
        provider_id=connect_session.provider_id or "",
        auth_method=auth_method,
        connection_type="finch" if connect_session.sandbox == "finch" else "provider",
        sandbox=connect_session.sandbox,
        products=list(connect_session.products),
        status="pending",
        created_at=now,
        updated_at=now,
    )
    session.add(connection)
    await session.flush()
    return connection


async def disconnect(runtime: Runtime, connection_id: str) -> None:
    """Every token stops working at once and the customer may start over (reference §5)."""
    now = runtime.clock.now()
    async with runtime.database.writing() as session:
        connection = await session.get(Connection, connection_id, with_for_update=True)
        if connection is None or connection.status == "disconnected":
            return
        await _close(session, runtime, connection, "disconnect_requested", now)


async def _close(
    session: AsyncSession, runtime: Runtime, connection: Connection, reason: str, now: dt.datetime
) -> None:
    record_status(session, connection, "disconnected", reason, now)
    await announce_status(session, runtime, connection)
    connection.disconnected_at = now
    connection.credentials_ciphertext = None
    await session.execute(
        update(AccessToken)
        .where(AccessToken.connection_id == connection.id, AccessToken.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    await session.execute(
        update(ConnectionEntity)
        .where(ConnectionEntity.connection_id == connection.id)
        .values(status="disconnected")
    )


async def disconnect_entities(
    runtime: Runtime, connection_id: str, entity_ids: list[str], token_entity_ids: tuple[str, ...]
) -> None:
    """Disconnect some entities of a connection; the others keep working (reference §5).

    All or nothing: an id that is not an entity this token may use fails the whole request.
    Repeating it is harmless. Once no entity is left connected, the connection itself is
    disconnected, exactly as ``POST /disconnect`` would (tokens revoked, ``account.updated``).
    """
    now = runtime.clock.now()
    async with runtime.database.writing() as session:
        connection = await session.get(Connection, connection_id, with_for_update=True)
        if connection is None or connection.status == "disconnected":
            return
        entities = {
            entity.id: entity
            for entity in await session.scalars(
                select(ConnectionEntity).where(ConnectionEntity.connection_id == connection_id)
            )
        }
        usable = {i for i in entities if not token_entity_ids or i in token_entity_ids}
        unknown = [i for i in dict.fromkeys(entity_ids) if i not in usable]
        if unknown:
            raise FinchError(
                400,
                "invalid_request_error",
                f"Unknown entity {unknown[0]!r} for this connection",
                context={"entity_ids": unknown},
            )
        for entity_id in entity_ids:
            entities[entity_id].status = "disconnected"
        if all(entity.status == "disconnected" for entity in entities.values()):
            await _close(session, runtime, connection, "all_entities_disconnected", now)


async def store_account(runtime: Runtime, connection_id: str, account: ProviderAccount) -> None:
    """Keep a connection's refreshed provider credentials (sealed, bound to the row)."""
    async with runtime.database.writing() as session:
        connection = await session.get(Connection, connection_id, with_for_update=True)
        if connection is not None and connection.status != "disconnected":
            connection.credentials_ciphertext = runtime.keyring.encrypt(
                dict(account.credentials), connection.id
            )
