"""Events and their deliveries: ``emit`` (the outbox), redelivery, and delivery history.

Other features call :func:`emit` inside the transaction that makes the change, so the change,
its event and the delivery jobs commit together or not at all (DESIGN.md §3).
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Sequence
from typing import Any, cast

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from roost.core import identifiers
from roost.core.errors import bad_request, not_found
from roost.core.runtime import Runtime
from roost.jobs.queue import enqueue
from roost.webhooks.delivery import WEBHOOK_DELIVERY_JOB
from roost.webhooks.endpoints import application_id, find_endpoint, subscribes
from roost.webhooks.models import Event, WebhookAttempt, WebhookDelivery, WebhookEndpoint
from roost.webhooks.retries import MAX_ATTEMPTS
from roost.webhooks.schemas import EVENT_TYPES, DeliveryStatus, WebhookAttemptOut, WebhookDeliveryOut

EVENT_ID_PREFIX = "evt_"
# Key of the PostgreSQL advisory lock that orders event writers (see _serialise_event_writers).
_EVENTS_LOCK_KEY = int.from_bytes(b"roostevt", "big") >> 1


def event_payload(
    connection_id: str, event_type: str, data: dict[str, Any], entity_id: str | None
) -> dict[str, Any]:
    """The Finch webhook body (reference §10); company_id and account_id are the connection."""
    return {
        "company_id": connection_id,
        "account_id": connection_id,
        "connection_id": connection_id,
        "entity_id": entity_id,
        "event_type": event_type,
        "data": data,
    }


async def _serialise_event_writers(session: AsyncSession, runtime: Runtime) -> None:
    """Make event sequence order equal commit order, so the feed's cursor never skips one.

    PostgreSQL hands out sequence numbers at insert time, and a transaction holding a lower
    number may commit after a reader has already moved past it. A transaction-scoped lock
    taken before the insert orders event writers until they commit. SQLite already has a
    single writer. Call :func:`emit` late in a transaction to hold the lock briefly.
    """
    if not runtime.database.is_sqlite:
        await session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _EVENTS_LOCK_KEY})


async def emit(
    session: AsyncSession,
    runtime: Runtime,
    *,
    application_id: str,
    connection_id: str,
    event_type: str,
    data: dict[str, Any],
    entity_id: str | None = None,
) -> list[str]:
    """Record an event and enqueue its deliveries in the caller's transaction; the job ids."""
    if event_type not in EVENT_TYPES:
        raise ValueError(f"unknown webhook event type {event_type!r}")
    now = runtime.clock.now()
    await _serialise_event_writers(session, runtime)
    event = Event(
        id=EVENT_ID_PREFIX + secrets.token_hex(16),
        application_id=application_id,
        connection_id=connection_id,
        entity_id=entity_id,
        type=event_type,
        payload=event_payload(connection_id, event_type, data, entity_id),
        created_at=now,
    )
    session.add(event)
    await session.flush()  # deliveries reference the event row
    endpoints = await session.scalars(
        select(WebhookEndpoint).where(
            WebhookEndpoint.application_id == application_id, WebhookEndpoint.enabled.is_(True)
        )
    )
    job_ids = []
    for endpoint in endpoints.all():
        if subscribes(endpoint.event_types, event_type):
            job_ids.append(await _start_delivery(session, now, event, _new_delivery(now, event, endpoint)))
    return job_ids


def _new_delivery(now: dt.datetime, event: Event, endpoint: WebhookEndpoint) -> WebhookDelivery:
    return WebhookDelivery(
        id=identifiers.new_uuid(),
        endpoint_id=endpoint.id,
        event_id=event.id,
        status="pending",
        attempts=0,
        window_started_at=now,
        created_at=now,
        next_attempt_at=now,
    )


async def _start_delivery(
    session: AsyncSession, now: dt.datetime, event: Event, delivery: WebhookDelivery
) -> str:
    """Queue a job for a delivery (or pull its queued job forward to now); the job id."""
    session.add(delivery)
    job, created = await enqueue(
        session,
        now,
        WEBHOOK_DELIVERY_JOB,
        {"delivery_id": delivery.id},
        application_id=event.application_id,
        connection_id=event.connection_id,
        dedupe_key=f"{WEBHOOK_DELIVERY_JOB}:{delivery.id}",
        max_attempts=MAX_ATTEMPTS,
    )
    if not created and job.status == "queued":
        job.run_at = now
    return job.id


async def redeliver_event(
    runtime: Runtime, client_id: str, event_id: str, endpoint_id: str | None = None
) -> list[WebhookDeliveryOut]:
    """Send an event again as new deliveries: to one endpoint, or to every subscribed one."""
    now = runtime.clock.now()
    async with runtime.database.writing() as session:
        owner = await application_id(session, client_id)
        event = await session.scalar(select(Event).where(Event.id == event_id, Event.application_id == owner))
        if event is None:
            raise not_found(f"No event {event_id!r} for this application")
        if endpoint_id is not None:
            targets = [await find_endpoint(session, client_id, endpoint_id)]
            if not targets[0].enabled:
                raise bad_request(f"webhook endpoint {endpoint_id!r} is disabled")
        else:
            rows = await session.scalars(
                select(WebhookEndpoint).where(WebhookEndpoint.application_id == owner)
            )
            targets = [e for e in rows.all() if e.enabled and subscribes(e.event_types, event.type)]
        deliveries = [_new_delivery(now, event, endpoint) for endpoint in targets]
        for delivery in deliveries:
            await _start_delivery(session, now, event, delivery)
    return [_delivery_schema(delivery, event.type, []) for delivery in deliveries]


async def redeliver_delivery(runtime: Runtime, client_id: str, delivery_id: str) -> WebhookDeliveryOut:
    """Try a delivery again now, with a fresh retry window; its attempt history is kept."""
    now = runtime.clock.now()
    async with runtime.database.writing() as session:
        owner = await application_id(session, client_id)
        row = (
            await session.execute(
                select(WebhookDelivery, Event)
                .join(Event, Event.id == WebhookDelivery.event_id)
                .where(WebhookDelivery.id == delivery_id, Event.application_id == owner)
            )
        ).first()
        if row is None:
            raise not_found(f"No webhook delivery {delivery_id!r} for this application")
        delivery, event = row
        delivery.status = "pending"
        delivery.window_started_at = delivery.next_attempt_at = now
        delivery.last_error = None
        await _start_delivery(session, now, event, delivery)
    return _delivery_schema(delivery, event.type, [])


async def list_deliveries(
    runtime: Runtime, client_id: str, endpoint_id: str, limit: int = 50
) -> list[WebhookDeliveryOut]:
    """An endpoint's latest deliveries, newest first, each with every attempt it made."""
    if not 1 <= limit <= 500:
        raise bad_request("limit must be between 1 and 500")
    async with runtime.database.reading() as session:
        await find_endpoint(session, client_id, endpoint_id)
        rows = (
            await session.execute(
                select(WebhookDelivery, Event.type)
                .join(Event, Event.id == WebhookDelivery.event_id)
                .where(WebhookDelivery.endpoint_id == endpoint_id)
                .order_by(WebhookDelivery.created_at.desc(), WebhookDelivery.id)
                .limit(limit)
            )
        ).all()
        history = await _attempts(session, [delivery.id for delivery, _type in rows])
    return [
        _delivery_schema(delivery, event_type, history.get(delivery.id, [])) for delivery, event_type in rows
    ]


async def _attempts(session: AsyncSession, delivery_ids: Sequence[str]) -> dict[str, list[WebhookAttempt]]:
    attempts: dict[str, list[WebhookAttempt]] = {}
    if not delivery_ids:
        return attempts
    rows = await session.scalars(
        select(WebhookAttempt)
        .where(WebhookAttempt.delivery_id.in_(delivery_ids))
        .order_by(WebhookAttempt.attempted_at, WebhookAttempt.id)
    )
    for attempt in rows:
        attempts.setdefault(attempt.delivery_id, []).append(attempt)
    return attempts


def _delivery_schema(
    delivery: WebhookDelivery, event_type: str, attempts: Sequence[WebhookAttempt]
) -> WebhookDeliveryOut:
    return WebhookDeliveryOut(
        id=delivery.id,
        endpoint_id=delivery.endpoint_id,
        event_id=delivery.event_id,
        event_type=event_type,
        status=cast(DeliveryStatus, delivery.status),
        attempts=delivery.attempts,
        created_at=delivery.created_at,
        last_attempt_at=delivery.last_attempt_at,
        next_attempt_at=delivery.next_attempt_at,
        delivered_at=delivery.delivered_at,
        last_error=delivery.last_error,
        history=[
            WebhookAttemptOut(
                attempted_at=a.attempted_at,
                status_code=a.status_code,
                error=a.error,
                duration_ms=a.duration_ms,
            )
            for a in attempts
        ],
    )
