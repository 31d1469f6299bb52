"""The table of pay statement item rules: per application, connection and entity."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from roost.core.database import Base, UTCDateTime


class PayStatementItemRule(Base):
    """A rule: when every condition holds for an item, its ``metadata`` is attached to it.

    Deleted rules are kept (``deleted_at`` set) so that priorities are never reused and the
    DELETE answer can say when; every read and write skips them.
    """

    __tablename__ = "pay_statement_item_rules"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    application_id: Mapped[str] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"))
    connection_id: Mapped[str] = mapped_column(ForeignKey("connections.id", ondelete="CASCADE"))
    # The entity chosen with entity_ids on a multi-entity connection; null: the whole connection.
    entity_id: Mapped[str | None] = mapped_column(String(36))
    priority: Mapped[int] = mapped_column(Integer)
    metadata_: Mapped[dict[str, Any]] = mapped_column("metadata", JSON)
    # [{"field": "name", "operator": "equals", "value": "Salary"}, ...]
    conditions: Mapped[list[dict[str, str]]] = mapped_column(JSON)
    effective_start_date: Mapped[dt.date | None] = mapped_column(Date)
    effective_end_date: Mapped[dt.date | None] = mapped_column(Date)
    entity_type: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    deleted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())

    __table_args__ = (
        Index("ix_pay_statement_item_rules_owner", "connection_id", "application_id", "priority"),
    )
