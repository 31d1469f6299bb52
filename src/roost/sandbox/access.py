"""Who may use the sandbox API, and the per-connection state it edits.

Only sandbox applications may call ``/sandbox/*``, and only on Finch-mode sandbox connections
(``connection_type: "finch"``): editing a real employer's data, or a provider emulator's, is
not what these endpoints are for, so both get a clear 403 in Finch's error format.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from roost.auth.service import TokenContext
from roost.connections.models import Connection
from roost.core import identifiers
from roost.core.errors import FinchError, invalid_token
from roost.core.runtime import Runtime
from roost.sandbox.models import SandboxState
from roost.sync.models import IdMapping


def require_sandbox_application(client_type: str) -> None:
    if client_type != "sandbox":
        raise FinchError(
            403,
            "forbidden_error",
            "The sandbox API is only available to sandbox applications; "
            f"this application's type is {client_type!r}",
            finch_code="sandbox_application_required",
        )


def require_sandbox_connection(connection: Connection) -> None:
    if connection.connection_type != "finch" or connection.sandbox != "finch":
        raise FinchError(
            403,
            "forbidden_error",
            "The sandbox API only edits Finch-mode sandbox connections (connection_type 'finch'); "
            "this connection reads a real provider",
            finch_code="sandbox_connection_required",
        )


async def sandbox_connection(
    session: AsyncSession, token: TokenContext, *, for_update: bool = False
) -> Connection:
    """The token's connection, after both checks."""
    require_sandbox_application(token.client_type)
    connection = await session.get(Connection, token.connection_id, with_for_update=for_update)
    if connection is None:
        raise invalid_token()
    require_sandbox_connection(connection)
    return connection


async def state_for(runtime: Runtime, session: AsyncSession, connection_id: str) -> SandboxState:
    """The connection's sandbox state, created empty on first use (locked for the caller)."""
    state = await session.get(SandboxState, connection_id, with_for_update=True)
    if state is None:
        state = SandboxState(
            connection_id=connection_id,
            company_patch={},
            individual_patches={},
            employment_patches={},
            added_people=[],
            added_payments=[],
            faults={},
            job_completion_status="complete",
            updated_at=runtime.clock.now(),
        )
        session.add(state)
        await session.flush()
    return state


async def source_id_of(session: AsyncSession, connection_id: str, space: str, roost_id: str) -> str | None:
    """The provider source id behind a Roost id (``id_mappings``), or None."""
    return await session.scalar(
        select(IdMapping.source_id).where(
            IdMapping.connection_id == connection_id, IdMapping.kind == space, IdMapping.roost_id == roost_id
        )
    )


async def roost_id_of(
    session: AsyncSession, connection_id: str, space: str, source_id: str, *, mint: bool = False
) -> str | None:
    """The Roost id of a source id; with ``mint``, a new one is saved when there is none yet,
    which the next sync then keeps (it loads ``id_mappings`` before assigning ids)."""
    roost_id = await session.scalar(
        select(IdMapping.roost_id).where(
            IdMapping.connection_id == connection_id,
            IdMapping.kind == space,
            IdMapping.source_id == source_id,
        )
    )
    if roost_id is None and mint:
        roost_id = identifiers.new_uuid()
        session.add(
            IdMapping(connection_id=connection_id, kind=space, source_id=source_id, roost_id=roost_id)
        )
    return roost_id
