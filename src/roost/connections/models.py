"""Tables for connections: an employer's authorised link to one provider."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from roost.core.database import Base, UTCDateTime


class Connection(Base):
    __tablename__ = "connections"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    application_id: Mapped[str] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    customer_id: Mapped[str] = mapped_column(String(255))
    customer_name: Mapped[str] = mapped_column(String(255))
    customer_email: Mapped[str | None] = mapped_column(String(255))
    provider_id: Mapped[str] = mapped_column(String(64))
    auth_method: Mapped[str] = mapped_column(String(32))
    # "provider" for a real provider (or its emulator), "finch" for simulated sandbox data.
    connection_type: Mapped[str] = mapped_column(String(16))
    sandbox: Mapped[str | None] = mapped_column(String(16))
    products: Mapped[list[str]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(32))
    status_message: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    disconnected_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    # The provider account (tokens or login), AES-GCM sealed with this row's id as AAD.
    credentials_ciphertext: Mapped[str | None] = mapped_column(Text)
    external_id: Mapped[str | None] = mapped_column(String(255))
    username: Mapped[str | None] = mapped_column(String(255))
    last_successful_sync: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    # The sync number readers see (0: nothing synced yet); switched atomically by a sync.
    live_sync: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    last_sync_attempt_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    last_sync_result: Mapped[str | None] = mapped_column(String(16))

    __table_args__ = (Index("ix_connections_application_customer", "application_id", "customer_id"),)


class ConnectionStatusChange(Base):
    """The history of a connection's status, with when and why."""

    __tablename__ = "connection_status_changes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    connection_id: Mapped[str] = mapped_column(ForeignKey("connections.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(32))
    reason: Mapped[str | None] = mapped_column(Text)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class ConnectionEntity(Base):
    """A legal entity of the employer reachable through a connection (multi-entity)."""

    __tablename__ = "connection_entities"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    connection_id: Mapped[str] = mapped_column(ForeignKey("connections.id", ondelete="CASCADE"), index=True)
    source_id: Mapped[str] = mapped_column(String(255))
    name: Mapped[str | None] = mapped_column(String(255))
    status: Mapped[str] = mapped_column(String(32))

    __table_args__ = (Index("uq_connection_entities_source", "connection_id", "source_id", unique=True),)
