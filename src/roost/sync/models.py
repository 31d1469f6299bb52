"""Tables of synced data: stable ids, versioned records, and sync runs.

Records are versioned rather than copied per snapshot: a sync numbered ``N`` inserts a row
only for a record that is new or whose content hash changed (closing the old version with
``valid_to = N``), and closes records that disappeared. Readers see the rows live at the
connection's ``live_sync`` number, which the sync switches in one UPDATE at the end, so
nobody ever reads a half-finished sync and a re-sync with no changes writes no data rows.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from roost.core.database import Base, UTCDateTime


class IdMapping(Base):
    """Provider source id -> Roost UUID, stable for the life of the connection."""

    __tablename__ = "id_mappings"

    connection_id: Mapped[str] = mapped_column(
        ForeignKey("connections.id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[str] = mapped_column(String(32), primary_key=True)
    source_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    roost_id: Mapped[str] = mapped_column(String(36))


class DataRecord(Base):
    __tablename__ = "data_records"

    pk: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    connection_id: Mapped[str] = mapped_column(ForeignKey("connections.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(32))
    roost_id: Mapped[str] = mapped_column(String(80))
    parent_id: Mapped[str | None] = mapped_column(String(36))
    entity_id: Mapped[str | None] = mapped_column(String(36))
    sort_key: Mapped[str] = mapped_column(String(64))
    on_date: Mapped[dt.date | None] = mapped_column(Date)
    # The Finch body as JSON text: serialised once at sync time, served without re-encoding.
    body: Mapped[str] = mapped_column(Text)
    body_hash: Mapped[str] = mapped_column(String(32))
    valid_from: Mapped[int] = mapped_column(Integer)
    valid_to: Mapped[int | None] = mapped_column(Integer)

    __table_args__ = (
        # Pages are read in sort_key order; the version and entity columns make the index
        # covering, so only the rows of the page itself are fetched from the table.
        Index(
            "ix_data_records_read", "connection_id", "kind", "sort_key", "valid_from", "valid_to", "entity_id"
        ),
        Index("ix_data_records_lookup", "connection_id", "kind", "roost_id"),
        Index("ix_data_records_parent", "connection_id", "kind", "parent_id"),
    )


class SyncRun(Base):
    __tablename__ = "sync_runs"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    connection_id: Mapped[str] = mapped_column(ForeignKey("connections.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    job_id: Mapped[str | None] = mapped_column(String(36))
    status: Mapped[str] = mapped_column(String(16))  # running | succeeded | failed
    started_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    stats: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    error: Mapped[str | None] = mapped_column(Text)
