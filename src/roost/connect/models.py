"""Tables for Connect: staged customers, their sessions, and every attempt on them.

A *staged connection* is one application's customer before a connection exists (DESIGN.md
§2). It owns the customer's sessions and the attempt history a dashboard shows as drop-off.
At most one staged connection per (application, customer_id) is open at a time; the
partial unique index makes that hold under concurrent requests on both databases.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from roost.core.database import Base, UTCDateTime


class StagedConnection(Base):
    __tablename__ = "staged_connections"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    application_id: Mapped[str] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"))
    customer_id: Mapped[str] = mapped_column(String(255))
    # The session that `POST /connect/sessions` refreshes; swapped by compare-and-set on renewal.
    current_session_id: Mapped[str | None] = mapped_column(String(36))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    # Set when the customer connects (or the record is otherwise retired); open while NULL.
    closed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    connection_id: Mapped[str | None] = mapped_column(String(36))

    __table_args__ = (
        Index(
            "uq_staged_connections_open_customer",
            "application_id",
            "customer_id",
            unique=True,
            sqlite_where=text("closed_at IS NULL"),
            postgresql_where=text("closed_at IS NULL"),
        ),
    )


class ConnectSession(Base):
    __tablename__ = "connect_sessions"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    application_id: Mapped[str] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    # "connect" for a first connection, "reauthenticate" for an existing connection.
    kind: Mapped[str] = mapped_column(String(16))
    staged_connection_id: Mapped[str | None] = mapped_column(
        ForeignKey("staged_connections.id", ondelete="CASCADE"), index=True
    )
    connection_id: Mapped[str | None] = mapped_column(String(36), index=True)
    customer_id: Mapped[str] = mapped_column(String(255))
    customer_name: Mapped[str] = mapped_column(String(255))
    customer_email: Mapped[str | None] = mapped_column(String(255))
    products: Mapped[list[str]] = mapped_column(JSON)
    redirect_uri: Mapped[str | None] = mapped_column(Text)
    state: Mapped[str | None] = mapped_column(Text)
    provider_id: Mapped[str | None] = mapped_column(String(64))
    auth_method: Mapped[str | None] = mapped_column(String(32))
    sandbox: Mapped[str | None] = mapped_column(String(16))
    manual: Mapped[bool] = mapped_column(Boolean, default=False)
    recordkeeping: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    minutes_to_expire: Mapped[float] = mapped_column(Float)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    completed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    # Connect UI progress (the provider picked, the method chosen, failed attempts...).
    progress: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    def status(self, now: dt.datetime) -> str:
        if self.completed_at is not None:
            return "completed"
        if self.expires_at <= now:
            return "expired"
        return "pending"


class SessionEvent(Base):
    """One step of a customer's attempt history (created, refreshed, opened, expired...)."""

    __tablename__ = "session_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    session_id: Mapped[str] = mapped_column(ForeignKey("connect_sessions.id", ondelete="CASCADE"), index=True)
    staged_connection_id: Mapped[str | None] = mapped_column(
        ForeignKey("staged_connections.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(32))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
