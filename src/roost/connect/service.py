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
from typing import Any, cast

from sqlalchemy import Table, bindparam, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from roost.applications.principal import ApplicationPrincipal
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
from roost.core.statements import StatementRunner

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


def _session_values(
    request: SessionCreate, products: list[str], application: ApplicationPrincipal, now: dt.datetime
) -> dict[str, Any]:
    """Column values a create or refresh request sets on a session."""
    minutes = request.minutes_to_expire or DEFAULT_MINUTES_TO_EXPIRE
    integration = request.integration
    return {
        "customer_id": request.customer_id,
        "customer_name": request.customer_name,
        "customer_email": request.customer_email,
        "products": products,
        "redirect_uri": request.redirect_uri,
        "state": request.state,
        "provider_id": integration.provider if integration else None,
        "auth_method": integration.auth_method if integration else None,
        # A sandbox application only ever reaches simulated data unless it asks for an emulator.
        "sandbox": request.sandbox or ("finch" if application.type == "sandbox" else None),
        "manual": bool(request.manual),
        "recordkeeping": request.recordkeeping.model_dump() if request.recordkeeping else None,
        "minutes_to_expire": minutes,
        "updated_at": now,
        "expires_at": now + dt.timedelta(minutes=minutes),
        "progress": {},
    }


async def create_session(
    runtime: Runtime, application: ApplicationPrincipal, request: SessionCreate
) -> SessionCreated:
    products = rules.normalise_products(request.products)
    rules.check_redirect_uri(application, request.redirect_uri)
    rules.check_integration(runtime.catalogue, request.integration, products)
    rules.check_recordkeeping(request.recordkeeping, products)
    for _ in range(_MAX_ROUNDS):
        try:
            # Grouped: concurrent creations share one SQLite COMMIT (roost.core.database).
            async with runtime.database.grouped_statements() as connection:
                session_id = await _create_or_refresh(runtime, connection, application, request, products)
            return SessionCreated(session_id=session_id, connect_url=connect_url(runtime, session_id))
        except (IntegrityError, _LostRace):
            continue
    raise FinchError(409, "conflict_error", "Too many concurrent requests for this customer_id; retry")


_connections = cast(Table, Connection.__table__)
_staged = cast(Table, StagedConnection.__table__)
_sessions = cast(Table, ConnectSession.__table__)
_events = cast(Table, SessionEvent.__table__)

# Statements built once: constructing SQLAlchemy expressions per request costs more than
# running them on SQLite.
_LIVE_CONNECTION = (
    select(_connections.c.id)
    .where(
        _connections.c.application_id == bindparam("application_id"),
        _connections.c.customer_id == bindparam("customer_id"),
        _connections.c.status != "disconnected",
    )
    .limit(1)
)
_OPEN_STAGED = (
    select(_staged.c.id, _staged.c.current_session_id)
    .where(
        _staged.c.application_id == bindparam("application_id"),
        _staged.c.customer_id == bindparam("customer_id"),
        _staged.c.closed_at.is_(None),
    )
    .with_for_update()
)
_CURRENT_SESSION = select(_sessions.c.id, _sessions.c.expires_at, _sessions.c.completed_at).where(
    _sessions.c.id == bindparam("session_id")
)
_REFRESH_SESSION = _sessions.update().where(_sessions.c.id == bindparam("target_session_id"))
# Compare-and-set: only one concurrent renewal may replace the expired session.
_SWAP_CURRENT_SESSION = (
    _staged.update()
    .where(
        _staged.c.id == bindparam("target_staged_id"),
        _staged.c.current_session_id == bindparam("expected_session_id"),
    )
    .values(current_session_id=bindparam("new_session_id"))
)
_INSERT_STAGED = _staged.insert()
_INSERT_SESSION = _sessions.insert()
_INSERT_EVENT = _events.insert()


async def _create_or_refresh(
    runtime: Runtime,
    connection: StatementRunner,
    application: ApplicationPrincipal,
    request: SessionCreate,
    products: list[str],
) -> str:
    """One round of the customer_id state machine, in Core: this is the hot path."""
    now = runtime.clock.now()
    customer = {"application_id": application.id, "customer_id": request.customer_id}
    live = await connection.scalar(_LIVE_CONNECTION, customer)
    if live is not None:
        raise FinchError(
            400,
            "bad_request",
            f"customer_id {request.customer_id!r} already has a connection; "
            "use POST /connect/sessions/reauthenticate with its connection_id",
            finch_code="connection_already_exists",
            context={"connection_id": live},
        )
    staged = await connection.first(_OPEN_STAGED, customer)
    values = _session_values(request, products, application, now)
    if staged is None:
        staged_id, session_id = identifiers.new_uuid(), identifiers.new_uuid()
        # The partial unique index decides a race between first requests here.
        await connection.execute(
            _INSERT_STAGED,
            {
                "id": staged_id,
                **customer,
                "current_session_id": session_id,
                "created_at": now,
                "closed_at": None,
                "connection_id": None,
            },
        )
        await _insert_session(connection, application, session_id, staged_id, values, now)
        await _insert_event(connection, session_id, staged_id, "created", now, {})
        return session_id

    current = await connection.first(_CURRENT_SESSION, {"session_id": staged.current_session_id})
    if current is not None and current.completed_at is None and current.expires_at > now:
        await connection.execute(_REFRESH_SESSION, {**values, "target_session_id": current.id})
        await _insert_event(connection, current.id, staged.id, "refreshed", now, {})
        return str(current.id)

    renewed_id = identifiers.new_uuid()
    await _insert_session(connection, application, renewed_id, staged.id, values, now)
    swapped = await connection.execute(
        _SWAP_CURRENT_SESSION,
        {
            "target_staged_id": staged.id,
            "expected_session_id": staged.current_session_id,
            "new_session_id": renewed_id,
        },
    )
    if swapped != 1:
        raise _LostRace
    if current is not None:
        await _insert_event(
            connection, current.id, staged.id, "expired", now, {"expired_at": current.expires_at.isoformat()}
        )
    previous = current.id if current is not None else None
    await _insert_event(connection, renewed_id, staged.id, "renewed", now, {"previous_session_id": previous})
    return renewed_id


async def _insert_session(
    connection: StatementRunner,
    application: ApplicationPrincipal,
    session_id: str,
    staged_id: str,
    values: dict[str, Any],
    now: dt.datetime,
) -> None:
    await connection.execute(
        _INSERT_SESSION,
        {
            "id": session_id,
            "application_id": application.id,
            "kind": "connect",
            "staged_connection_id": staged_id,
            "connection_id": None,
            "created_at": now,
            "completed_at": None,
            **values,
        },
    )


async def _insert_event(
    connection: StatementRunner,
    session_id: str,
    staged_id: str | None,
    kind: str,
    at: dt.datetime,
    detail: dict[str, Any],
) -> None:
    await connection.execute(
        _INSERT_EVENT,
        {
            "session_id": session_id,
            "staged_connection_id": staged_id,
            "kind": kind,
            "at": at,
            "detail": detail,
        },
    )


async def reauthenticate(
    runtime: Runtime, application: ApplicationPrincipal, request: SessionReauthenticate
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
        connect_session = ConnectSession(
            id=identifiers.new_uuid(),
            application_id=application.id,
            kind="reauthenticate",
            staged_connection_id=None,
            created_at=now,
            progress={},
        )
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


async def session_status(
    runtime: Runtime, application: ApplicationPrincipal, session_id: str
) -> SessionStatus:
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
