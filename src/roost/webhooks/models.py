"""Tables for webhooks: endpoints, the event outbox, deliveries and every delivery attempt.

An event is written in the same transaction as the change it describes (DESIGN.md §3), with
one delivery per subscribed endpoint and one job per delivery. ``events.sequence`` is the
cursor of the ``/events`` feed.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from roost.core.database import Base, UTCDateTime

# SQLite only autoincrements a column declared exactly INTEGER PRIMARY KEY.
SequenceType = BigInteger().with_variant(Integer(), "sqlite")


class WebhookEndpoint(Base):
    __tablename__ = "webhook_endpoints"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    application_id: Mapped[str] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    url: Mapped[str] = mapped_column(String(2048))
    # Finch event types this endpoint receives; ["*"] means every type.
    event_types: Mapped[list[str]] = mapped_column(JSON)
    enabled: Mapped[bool] = mapped_column(Boolean)
    # Roost must sign with the secret, so unlike client secrets it is encrypted, not digested:
    # AES-GCM with this row's id as associated data.
    secret_ciphertext: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    secret_rotated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class Event(Base):
    __tablename__ = "events"

    sequence: Mapped[int] = mapped_column(SequenceType, primary_key=True, autoincrement=True)
    id: Mapped[str] = mapped_column(String(64), unique=True)
    application_id: Mapped[str] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"))
    connection_id: Mapped[str] = mapped_column(String(36))
    entity_id: Mapped[str | None] = mapped_column(String(36))
    type: Mapped[str] = mapped_column(String(64))
    # The exact Finch webhook body (reference/finch-api.md §10).
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())

    __table_args__ = (
        Index("ix_events_application_sequence", "application_id", "sequence"),
        Index("ix_events_connection_sequence", "connection_id", "sequence"),
    )


class WebhookDelivery(Base):
    """One event on its way to one endpoint: ``pending``, ``delivered`` or ``failed``."""

    __tablename__ = "webhook_deliveries"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    endpoint_id: Mapped[str] = mapped_column(
        ForeignKey("webhook_endpoints.id", ondelete="CASCADE"), index=True
    )
    event_id: Mapped[str] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(16))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    # Retries stop once this is 24 h behind; a redelivery starts a new window.
    window_started_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    last_attempt_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    next_attempt_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    delivered_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str | None] = mapped_column(Text)


class WebhookAttempt(Base):
    """One HTTP request of a delivery: when, what came back (or what went wrong), how long."""

    __tablename__ = "webhook_attempts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    delivery_id: Mapped[str] = mapped_column(
        ForeignKey("webhook_deliveries.id", ondelete="CASCADE"), index=True
    )
    attempted_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    status_code: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(Text)
    duration_ms: Mapped[int] = mapped_column(Integer)
