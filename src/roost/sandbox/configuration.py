"""How a sandbox connection's provider behaves: job completion (reference §11) and faults."""

from __future__ import annotations

from roost.auth.service import TokenContext
from roost.core.runtime import Runtime
from roost.sandbox.access import sandbox_connection, state_for
from roost.sandbox.faults import Faults
from roost.sandbox.models import SandboxState
from roost.sandbox.schemas import FaultsIn, FaultsOut, JobConfiguration


async def _state(runtime: Runtime, token: TokenContext) -> SandboxState | None:
    async with runtime.database.reading() as session:
        connection = await sandbox_connection(session, token)
        return await session.get(SandboxState, connection.id)


async def job_configuration(runtime: Runtime, token: TokenContext) -> list[JobConfiguration]:
    state = await _state(runtime, token)
    status = state.job_completion_status if state is not None else "complete"
    return [JobConfiguration(type="data_sync_all", completion_status=status)]


async def configure_jobs(
    runtime: Runtime, token: TokenContext, request: JobConfiguration
) -> JobConfiguration:
    """Every later ``data_sync_all`` of this connection ends as asked, until changed again."""
    async with runtime.database.writing() as session:
        connection = await sandbox_connection(session, token)
        state = await state_for(runtime, session, connection.id)
        state.job_completion_status = request.completion_status
        state.updated_at = runtime.clock.now()
    return request


def _faults_out(connection_id: str, state: SandboxState | None) -> FaultsOut:
    faults = Faults.from_json(state.faults if state is not None else {})
    return FaultsOut(
        connection_id=connection_id,
        latency_ms=faults.latency_ms,
        error_rate=faults.error_rate,
        error_types=list(faults.error_types),
        retry_after_seconds=faults.retry_after_seconds,
        authentication_revoked=faults.authentication_revoked,
        missing_permissions=faults.missing_permissions,
        seed=faults.seed,
    )


async def faults(runtime: Runtime, token: TokenContext) -> FaultsOut:
    return _faults_out(token.connection_id, await _state(runtime, token))


async def configure_faults(runtime: Runtime, token: TokenContext, request: FaultsIn) -> FaultsOut:
    """Replace the connection's faults; the next sync's provider requests honour them."""
    async with runtime.database.writing() as session:
        connection = await sandbox_connection(session, token)
        state = await state_for(runtime, session, connection.id)
        state.faults = request.model_dump(mode="json")
        state.updated_at = runtime.clock.now()
        return _faults_out(connection.id, state)
