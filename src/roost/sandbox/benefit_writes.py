"""Benefit writes to a Finch-mode sandbox connection, kept in its overlay for the next sync.

The sandbox stands in for the provider: a write changes the connection's ``SandboxState``
(its benefit edits, see :mod:`roost.providers.sandbox.benefit_edits`) inside the caller's
transaction, so the write and whatever the caller records with it commit together — and,
like every ``/sandbox/*`` edit, what the next sync reads (as :mod:`roost.sandbox.readers`
does for reads).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from roost.connections.models import Connection
from roost.core.runtime import Runtime
from roost.providers.sandbox.benefit_edits import SandboxBenefitWriter
from roost.sandbox.access import state_for
from roost.sandbox.models import SandboxState
from roost.sandbox.overlay import BENEFIT_EDITS_KEY, OverlaidCompany, shared_company, spec_for
from roost.sandbox.readers import overlay_of


@dataclass
class SandboxBenefits:
    """A writer over one connection's sandbox company, and the state row that keeps its edits."""

    writer: SandboxBenefitWriter
    state: SandboxState

    def save(self, runtime: Runtime) -> None:
        """Store the writer's edits on the (locked) state row; committed by the caller."""
        self.state.company_patch = {
            **self.state.company_patch,
            BENEFIT_EDITS_KEY: self.writer.edits.to_json(),
        }
        self.state.updated_at = runtime.clock.now()


async def open_benefits(
    runtime: Runtime, session: AsyncSession, connection: Connection
) -> SandboxBenefits | None:
    """The connection's benefits to write to, its state row locked; None when the connection
    has no company yet (an assisted sandbox connection awaiting confirmation)."""
    if not connection.credentials_ciphertext:
        return None
    credentials = runtime.keyring.decrypt(connection.credentials_ciphertext, connection.id)
    if "seed" not in credentials:
        return None
    state = await state_for(runtime, session, connection.id)
    overlay = overlay_of(state)
    company = OverlaidCompany(shared_company(spec_for(credentials, runtime.clock.now().date())), overlay)
    writer = SandboxBenefitWriter(
        overlay.benefits,  # the company reads these same edits, so it sees each write at once
        company.benefits,
        company.enrollments,
        lambda source_id: company.person(source_id) is not None,
    )
    return SandboxBenefits(writer, state)
