"""Assisted connections, operated by hand (reference §12; Finch's Data-Syncs guide).

An assisted connection starts ``pending``: the employer was asked to invite the operator as
an admin. The operator then confirms access (``processing``: the first pull runs, and its
success makes the connection ``connected``) or records why it cannot proceed
(``error_no_account_setup``: no invite came; ``error_permissions``: the invite lacks rights).
Every change is recorded with its time and reason, like any other status change.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from roost.applications.models import Application
from roost.connections.events import announce_status
from roost.connections.models import Connection, ConnectionEntity
from roost.connections.service import SYNC_JOB, record_status, sync_dedupe_key
from roost.core import identifiers
from roost.core.errors import FinchError, not_found
from roost.core.runtime import Runtime
from roost.jobs.queue import enqueue
from roost.providers.sandbox.authentication import sandbox_account

FailureReason = Literal["no_account_setup", "permissions"]
FAILURE_STATUSES: dict[str, str] = {
    "no_account_setup": "error_no_account_setup",
    "permissions": "error_permissions",
}
# Statuses an operator may confirm from: waiting, or failed and since fixed by the employer.
CONFIRMABLE = ("pending", "error_no_account_setup", "error_permissions")


@dataclass(frozen=True)
class AssistedConnection:
    connection_id: str
    client_id: str
    customer_id: str
    customer_name: str
    provider_id: str
    sandbox: str | None
    status: str
    status_message: str | None
    updated_at: dt.datetime


def _view(connection: Connection, client_id: str) -> AssistedConnection:
    return AssistedConnection(
        connection_id=connection.id,
        client_id=client_id,
        customer_id=connection.customer_id,
        customer_name=connection.customer_name,
        provider_id=connection.provider_id,
        sandbox=connection.sandbox,
        status=connection.status,
        status_message=connection.status_message,
        updated_at=connection.updated_at,
    )


_ASSISTED = (
    select(Connection, Application.client_id)
    .join(Application, Application.id == Connection.application_id)
    .where(Connection.auth_method == "assisted", Connection.status != "disconnected")
    .order_by(Connection.updated_at)
)


async def list_assisted(runtime: Runtime, *, include_connected: bool = False) -> list[AssistedConnection]:
    """Assisted connections that need an operator (all of them with ``include_connected``)."""
    waiting = ("pending", "processing", "error_no_account_setup", "error_permissions")
    query = _ASSISTED if include_connected else _ASSISTED.where(Connection.status.in_(waiting))
    async with runtime.database.reading() as session:
        rows = (await session.execute(query)).all()
    return [_view(connection, client_id) for connection, client_id in rows]


async def _assisted(session: AsyncSession, connection_id: str) -> Connection:
    connection = await session.get(Connection, connection_id, with_for_update=True)
    if connection is None or connection.auth_method != "assisted":
        raise not_found(f"No assisted connection {connection_id!r}")
    if connection.status == "disconnected":
        raise FinchError(409, "conflict_error", "This connection is disconnected")
    return connection


async def _give_sandbox_company(runtime: Runtime, session: AsyncSession, connection: Connection) -> None:
    """A Finch-mode sandbox connection made through Connect has no company until confirmed."""
    sealed = connection.credentials_ciphertext
    if sealed and "seed" in runtime.keyring.decrypt(sealed, connection.id):
        return
    account = sandbox_account(connection.username)
    connection.credentials_ciphertext = runtime.keyring.encrypt(dict(account.credentials), connection.id)
    connection.external_id = account.external_id
    for entity in account.entities:
        session.add(
            ConnectionEntity(
                id=identifiers.new_uuid(),
                connection_id=connection.id,
                source_id=entity.source_id,
                name=entity.name,
                status="connected",
            )
        )


async def confirm(runtime: Runtime, connection_id: str, note: str | None = None) -> AssistedConnection:
    """Access confirmed: ``processing`` and a first sync, in one transaction."""
    now = runtime.clock.now()
    async with runtime.database.writing() as session:
        connection = await _assisted(session, connection_id)
        if connection.status not in CONFIRMABLE:
            raise FinchError(
                409, "conflict_error", f"Cannot confirm a connection that is {connection.status}"
            )
        if connection.sandbox == "finch":
            await _give_sandbox_company(runtime, session, connection)
        record_status(session, connection, "processing", note or "operator_confirmed_access", now)
        await announce_status(session, runtime, connection)
        await enqueue(
            session,
            now,
            SYNC_JOB,
            connection_id=connection.id,
            application_id=connection.application_id,
            public_type="data_sync_all",
            dedupe_key=sync_dedupe_key(connection.id),
            payload={"initial": connection.live_sync == 0},
        )
    return await _one(runtime, connection_id)


async def fail(
    runtime: Runtime, connection_id: str, reason: FailureReason, note: str | None = None
) -> AssistedConnection:
    """Access could not be set up; the status tells the application why (reference §12)."""
    status = FAILURE_STATUSES[reason]
    async with runtime.database.writing() as session:
        connection = await _assisted(session, connection_id)
        if connection.status == "connected":
            raise FinchError(409, "conflict_error", "This connection is already connected")
        record_status(session, connection, status, note or f"operator_reported_{reason}", runtime.clock.now())
        await announce_status(session, runtime, connection)
    return await _one(runtime, connection_id)


async def _one(runtime: Runtime, connection_id: str) -> AssistedConnection:
    async with runtime.database.reading() as session:
        connection, client_id = (await session.execute(_ASSISTED.where(Connection.id == connection_id))).one()
    return _view(connection, client_id)
