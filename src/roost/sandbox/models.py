"""Per-connection sandbox state: the tester's edits, the faults, and how syncs should end."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from roost.core.database import Base, UTCDateTime


class SandboxState(Base):
    """The overlay a Finch-mode sandbox connection's next sync reads on top of its generated
    company. Edits are kept in the provider records' own field names, keyed by source id, so
    they survive re-syncs and map to the same Roost ids.
    """

    __tablename__ = "sandbox_states"

    connection_id: Mapped[str] = mapped_column(
        ForeignKey("connections.id", ondelete="CASCADE"), primary_key=True
    )
    company_patch: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    individual_patches: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    employment_patches: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # [{"individual": {...}, "employment": {...}}], people added with POST /sandbox/directory.
    added_people: Mapped[list[Any]] = mapped_column(JSON, default=list)
    # [{"payment": {...}, "statements": [{...}]}], payments added with POST /sandbox/payment.
    added_payments: Mapped[list[Any]] = mapped_column(JSON, default=list)
    faults: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # reference §11: how the next data_sync_all ends (complete|reauth_error|permissions_error|error).
    job_completion_status: Mapped[str] = mapped_column(String(32), default="complete")
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
