"""The ``webhook_delivery`` job: sign one event, post it to one endpoint, record the attempt.

Delivery is at least once: a receiver may see an event twice (a worker can die between the
receiver's 2xx and the job's completion) and should deduplicate on ``Finch-Event-Id``.
2xx means delivered; anything else (other statuses, timeouts, connection errors) is retried
on the schedule of :mod:`roost.webhooks.retries`, ``Retry-After`` included.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from roost.core.encryption import DecryptionError
from roost.core.runtime import Runtime
from roost.jobs.queue import ClaimedJob
from roost.jobs.worker import GiveUp, Handler, RetryLater
from roost.webhooks import signing
from roost.webhooks.models import Event, WebhookAttempt, WebhookDelivery, WebhookEndpoint
from roost.webhooks.retries import next_attempt_at, parse_retry_after
from roost.webhooks.transport import HttpxTransport, ReceiverReply, WebhookTransport

WEBHOOK_DELIVERY_JOB = "webhook_delivery"


@dataclass(frozen=True)
class Outgoing:
    """Everything one attempt needs, read in one short transaction."""

    delivery_id: str
    event_id: str
    url: str
    secret: str
    body: bytes
    enabled: bool
    window_started_at: dt.datetime


def encode_body(payload: dict[str, Any]) -> bytes:
    """The exact bytes that are signed and sent."""
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


async def load_outgoing(runtime: Runtime, delivery_id: str) -> Outgoing | None:
    async with runtime.database.reading() as session:
        row = (
            await session.execute(
                select(WebhookDelivery, WebhookEndpoint, Event)
                .join(WebhookEndpoint, WebhookEndpoint.id == WebhookDelivery.endpoint_id)
                .join(Event, Event.id == WebhookDelivery.event_id)
                .where(WebhookDelivery.id == delivery_id)
            )
        ).first()
    if row is None:
        return None
    delivery, endpoint, event = row
    return Outgoing(
        delivery_id=delivery.id,
        event_id=event.id,
        url=endpoint.url,
        secret=str(runtime.keyring.decrypt(endpoint.secret_ciphertext, endpoint.id)),
        body=encode_body(event.payload),
        enabled=endpoint.enabled,
        window_started_at=delivery.window_started_at,
    )


def make_delivery_handler(transport: WebhookTransport | None = None) -> Handler:
    """The job handler, posting through ``transport`` (real HTTP by default)."""
    sender = transport or HttpxTransport()

    async def deliver_webhook(runtime: Runtime, job: ClaimedJob) -> dict[str, Any] | None:
        delivery_id = str(job.payload["delivery_id"])
        try:
            outgoing = await load_outgoing(runtime, delivery_id)
        except DecryptionError as exc:  # its key left the keyring: only a new secret helps
            await _settle(runtime, delivery_id, "failed", error="signing secret unreadable; rotate it")
            raise GiveUp("signing secret unreadable", {"status": "failed"}) from exc
        if outgoing is None:
            return {"skipped": "the endpoint or the delivery was removed"}
        if not outgoing.enabled:
            await _settle(runtime, outgoing.delivery_id, "failed", error="endpoint disabled")
            raise GiveUp("endpoint disabled", {"status": "failed"})
        now = runtime.clock.now()
        headers = signing.signature_headers(
            outgoing.secret, outgoing.event_id, int(now.timestamp()), outgoing.body
        )
        started = time.perf_counter()
        reply = await sender.post(outgoing.url, outgoing.body, headers)
        duration_ms = round((time.perf_counter() - started) * 1000)
        return await _conclude(runtime, job, outgoing, now, reply, duration_ms)

    return deliver_webhook


deliver_webhook = make_delivery_handler()


async def _conclude(
    runtime: Runtime,
    job: ClaimedJob,
    outgoing: Outgoing,
    now: dt.datetime,
    reply: ReceiverReply,
    duration_ms: int,
) -> dict[str, Any]:
    """Record the attempt, then finish the job, schedule its retry, or give up."""
    attempt = WebhookAttempt(
        delivery_id=outgoing.delivery_id,
        attempted_at=now,
        status_code=reply.status_code,
        error=reply.error,
        duration_ms=duration_ms,
    )
    if reply.delivered:
        await _settle(runtime, outgoing.delivery_id, "delivered", attempt=attempt)
        return {"status_code": reply.status_code}
    error = reply.error or f"HTTP {reply.status_code}"
    retry_at = next_attempt_at(
        now, outgoing.window_started_at, job.attempts, parse_retry_after(reply.retry_after, now)
    )
    if retry_at is None or job.attempts >= job.max_attempts:
        await _settle(runtime, outgoing.delivery_id, "failed", attempt=attempt, error=error)
        raise GiveUp(f"delivery failed after {job.attempts} attempts: {error}", {"status": "failed"})
    await _settle(runtime, outgoing.delivery_id, "pending", attempt=attempt, error=error, retry_at=retry_at)
    raise RetryLater(error, retry_after=(retry_at - now).total_seconds())


async def _settle(
    runtime: Runtime,
    delivery_id: str,
    status: str,
    *,
    attempt: WebhookAttempt | None = None,
    error: str | None = None,
    retry_at: dt.datetime | None = None,
) -> None:
    async with runtime.database.writing() as session:
        delivery = await session.get(WebhookDelivery, delivery_id)
        if delivery is None:  # its endpoint was deleted while the request was in flight
            return
        delivery.status = status
        delivery.last_error = error
        delivery.next_attempt_at = retry_at
        if attempt is not None:
            session.add(attempt)
            delivery.attempts += 1
            delivery.last_attempt_at = attempt.attempted_at
            if status == "delivered":
                delivery.delivered_at = attempt.attempted_at
