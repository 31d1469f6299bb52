"""The readers a sync uses: sandbox connections read their overlay and faults too."""

from __future__ import annotations

from collections.abc import Callable

from roost.connections.models import Connection
from roost.core.runtime import Runtime
from roost.providers.contract import ProviderAccount, ProviderAdapter, ProviderReader
from roost.providers.records import Entity
from roost.providers.sandbox.adapter import SandboxReader
from roost.providers.sandbox.generator import SandboxCompany
from roost.sandbox.faults import FaultInjectingReader, Faults
from roost.sandbox.models import SandboxState
from roost.sandbox.overlay import OverlaidCompany, Overlay, spec_for, split_company_patch

ReaderFor = Callable[[Entity | None], ProviderReader]


def overlay_of(state: SandboxState | None) -> Overlay:
    if state is None:
        return Overlay()
    company, benefits = split_company_patch(state.company_patch)
    return Overlay(
        company=company,
        individuals=state.individual_patches,
        employments=state.employment_patches,
        people=tuple(state.added_people),
        payments=tuple(state.added_payments),
        benefits=benefits,
    )


async def readers_for(
    runtime: Runtime, connection: Connection, adapter: ProviderAdapter, account: ProviderAccount
) -> ReaderFor:
    """The adapter's own readers, or for a Finch-mode sandbox connection the generated
    company with the connection's edits, faults and job configuration applied."""
    if connection.sandbox != "finch":
        return lambda entity: adapter.reader(account, entity)
    async with runtime.database.reading() as session:
        state = await session.get(SandboxState, connection.id)
    overlay = overlay_of(state)
    faults = Faults.from_json(state.faults if state is not None else {})
    completion = state.job_completion_status if state is not None else "complete"
    # One generated company per sync, shared by its entities' readers.
    company = OverlaidCompany(
        SandboxCompany(spec_for(account.credentials, runtime.clock.now().date())), overlay
    )

    def reader(entity: Entity | None) -> ProviderReader:
        return FaultInjectingReader(SandboxReader(company, entity), faults, completion)

    return reader
