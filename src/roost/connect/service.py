"""Connect sessions: create, refresh, renew, reauthenticate, and report on them.

``customer_id`` is the idempotency key within an application (DESIGN.md §2):
- no open staged connection: one is created with a fresh session;
- staged, session still open: the session is refreshed in place and keeps its id;
- staged, session expired: a new session is issued under the same staged record, so the
  attempt history stays in one place;
- connected: ``400 connection_already_exists`` pointing at the connection;
- disconnected: the customer starts over with a new staged record.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from roost.applications.models import Application
from roost.connect import rules
from roost.connect.models import ConnectSession, SessionEvent, StagedConnection
from roost.connect.schemas import (
    DEFAULT_MINUTES_TO_EXPIRE,
    Integration,
    SessionAttempt,
    SessionCreate,
    SessionCreated,
    SessionReauthenticate,
    SessionStatus,
)
from roost.connections.models import Connection
from roost.core import identifiers
from roost.core.errors import FinchError, bad_request, not_found
from roost.core.runtime import Runtime

# Concurrent first requests for one customer race on the unique index; the losers retry
# and find the winner's record. A handful of rounds is plenty.
_MAX_ROUNDS = 8


class _LostRace(Exception):
    """Another request changed the staged record first; read it again."""


def connect_url(runtime: Runtime, session_id: str) -> str:
    return f"{runtime.settings.connect_origin}/authorize?session={session_id}"


def _record(
    session: AsyncSession, connect_session: ConnectSession, kind: str, at: dt.datetime, **detail: Any
) -> None:
    session.add(
        SessionEvent(
            session_id=connect_session.id,
            staged_connection_id=connect_session.staged_connection_id,
            kind=kind,
            at=at,
            detail=detail,
        )
    )


def _apply_parameters(
    connect_session: ConnectSession,
    request: SessionCreate,
    products: list[str],
    application: Application,
    now: dt.datetime,
) -> None:
    minutes = request.minutes_to_expire or DEFAULT_MINUTES_TO_EXPIRE
    connect_session.customer_id = request.customer_id
    connect_session.customer_name = request.customer_name
    connect_session.customer_email = request.customer_email
    connect_session.products = products
    connect_session.redirect_uri = request.redirect_uri
    connect_session.state = request.state
    connect_session.provider_id = request.integration.provider if request.integration else None
    connect_session.auth_method = request.integration.auth_method if request.integration else None
    # A sandbox application only ever reaches simulated data unless it asks for an emulator.
    connect_session.sandbox = request.sandbox or ("finch" if application.type == "sandbox" else None)
    connect_session.manual = bool(request.manual)
    connect_session.recordkeeping = request.recordkeeping.model_dump() if request.recordkeeping else None
    connect_session.minutes_to_expire = minutes
    connect_session.updated_at = now
    connect_session.expires_at = now + dt.timedelta(minutes=minutes)
    connect_session.progress = {}


def _new_session(
    application: Application, kind: str, staged_id: str | None, now: dt.datetime
) -> ConnectSession:
    return ConnectSession(
        id=identifiers.new_uuid(),
        application_id=application.id,
        kind=kind,
        staged_connection_id=staged_id,
        created_at=now,
        progress={},
    )


async def _live_connection(session: AsyncSession, application_id: str, customer_id: str) -> Connection | None:
    return await session.scalar(
        select(Connection)
        .where(
            Connection.application_id == application_id,
            Connection.customer_id == customer_id,
            Connection.status != "disconnected",
        )
        .limit(1)
    )


async def create_session(
    runtime: Runtime, application: Application, request: SessionCreate
) -> SessionCreated:
    products = rules.normalise_products(request.products)
    rules.check_redirect_uri(application, request.redirect_uri)
    rules.check_integration(runtime.catalogue, request.integration, products)
    rules.check_recordkeeping(request.recordkeeping, products)
    for _ in range(_MAX_ROUNDS):
        try:
            async with runtime.database.writing() as session:
                session_id = await _create_or_refresh(runtime, session, application, request, products)
            return SessionCreated(session_id=session_id, connect_url=connect_url(runtime, session_id))
        except (IntegrityError, _LostRace):
            continue
    raise FinchError(409, "conflict_error", "Too many concurrent requests for this customer_id; retry")


async def _create_or_refresh(
    runtime: Runtime,
    session: AsyncSession,
    application: Application,
    request: SessionCreate,
    products: list[str],
) -> str:
    now = runtime.clock.now()
    connection = await _live_connection(session, application.id, request.customer_id)
    if connection is not None:
        raise FinchError(
            400,
            "bad_request",
            f"customer_id {request.customer_id!r} already has a connection; "
            "use POST /connect/sessions/reauthenticate with its connection_id",
            finch_code="connection_already_exists",
            context={"connection_id": connection.id},
        )
    staged = await session.scalar(
        select(StagedConnection)
        .where(
            StagedConnection.application_id == application.id,
            StagedConnection.customer_id == request.customer_id,
            StagedConnection.closed_at.is_(None),
        )
        .with_for_update()
    )
    if staged is None:
        staged = StagedConnection(
            id=identifiers.new_uuid(),
            application_id=application.id,
            customer_id=request.customer_id,
            created_at=now,
        )
        connect_session = _new_session(application, "connect", staged.id, now)
        _apply_parameters(connect_session, request, products, application, now)
        staged.current_session_id = connect_session.id
        session.add(staged)
        await session.flush()  # the unique index decides the race here
        session.add(connect_session)
        await session.flush()
        _record(session, connect_session, "created", now)
        return connect_session.id

    current = (
        await session.get(ConnectSession, staged.current_session_id) if staged.current_session_id else None
    )
    if current is not None and current.status(now) == "pending":
        _apply_parameters(current, request, products, application, now)
        _record(session, current, "refreshed", now)
        return current.id

    renewed = _new_session(application, "connect", staged.id, now)
    _apply_parameters(renewed, request, products, application, now)
    session.add(renewed)
    await session.flush()
    # Compare-and-set: only one concurrent renewal may replace the expired session.
    swapped = await session.execute(
        update(StagedConnection)
        .where(
            StagedConnection.id == staged.id, StagedConnection.current_session_id == staged.current_session_id
        )
        .values(current_session_id=renewed.id)
        .execution_options(synchronize_session=False)
    )
    if swapped.rowcount != 1:  # type: ignore[attr-defined]
        raise _LostRace
    if current is not None:
        _record(session, current, "expired", now, expired_at=current.expires_at.isoformat())
    _record(session, renewed, "renewed", now, previous_session_id=current.id if current else None)
    return renewed.id


async def reauthenticate(
    runtime: Runtime, application: Application, request: SessionReauthenticate
) -> SessionCreated:
    rules.check_redirect_uri(application, request.redirect_uri)
    now = runtime.clock.now()
    async with runtime.database.writing() as session:
        connection = await session.scalar(
            select(Connection).where(
                Connection.id == request.connection_id, Connection.application_id == application.id
            )
        )
        if connection is None:
            raise not_found(f"No connection {request.connection_id!r} for this application")
        if connection.status == "disconnected":
            raise bad_request(
                "This connection is disconnected and cannot be reauthenticated; "
                "create a new session with POST /connect/sessions",
                context={"connection_id": connection.id},
            )
        products = (
            rules.normalise_products(request.products) if request.products else list(connection.products)
        )
        provider = runtime.catalogue.get(connection.provider_id)
        if provider is not None and request.products:
            rules.check_provider_products(provider, products)
        minutes = request.minutes_to_expire or DEFAULT_MINUTES_TO_EXPIRE
        connect_session = _new_session(application, "reauthenticate", None, now)
        connect_session.connection_id = connection.id
        connect_session.customer_id = connection.customer_id
        connect_session.customer_name = connection.customer_name
        connect_session.customer_email = connection.customer_email
        connect_session.products = products
        connect_session.redirect_uri = request.redirect_uri
        connect_session.provider_id = connection.provider_id
        connect_session.sandbox = connection.sandbox
        connect_session.manual = connection.auth_method == "assisted"
        connect_session.minutes_to_expire = minutes
        connect_session.updated_at = now
        connect_session.expires_at = now + dt.timedelta(minutes=minutes)
        session.add(connect_session)
        await session.flush()
        _record(session, connect_session, "created", now, connection_id=connection.id)
    return SessionCreated(session_id=connect_session.id, connect_url=connect_url(runtime, connect_session.id))


async def session_status(runtime: Runtime, application: Application, session_id: str) -> SessionStatus:
    now = runtime.clock.now()
    async with runtime.database.reading() as session:
        connect_session = await session.scalar(
            select(ConnectSession).where(
                ConnectSession.id == session_id, ConnectSession.application_id == application.id
            )
        )
        if connect_session is None:
            raise not_found(f"No connect session {session_id!r} for this application")
        events = select(SessionEvent).order_by(SessionEvent.id)
        if connect_session.staged_connection_id is not None:
            events = events.where(SessionEvent.staged_connection_id == connect_session.staged_connection_id)
        else:
            events = events.where(SessionEvent.session_id == connect_session.id)
        attempts = [
            SessionAttempt(kind=e.kind, at=e.at, session_id=e.session_id, detail=e.detail)
            for e in await session.scalars(events)
        ]
    integration = (
        Integration(provider=connect_session.provider_id, auth_method=connect_session.auth_method)
        if connect_session.provider_id
        else None
    )
    return SessionStatus(
        session_id=connect_session.id,
        status=connect_session.status(now),
        kind=connect_session.kind,
        customer_id=connect_session.customer_id,
        customer_name=connect_session.customer_name,
        customer_email=connect_session.customer_email,
        products=list(connect_session.products),
        redirect_uri=connect_session.redirect_uri,
        integration=integration,
        sandbox=connect_session.sandbox,
        manual=connect_session.manual,
        created_at=connect_session.created_at,
        expires_at=connect_session.expires_at,
        completed_at=connect_session.completed_at,
        connection_id=connect_session.connection_id,
        attempts=attempts,
    )
