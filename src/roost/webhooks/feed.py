"""``GET /events``: Roost's pollable feed of the events also sent as webhooks.

A reader keeps the ``next`` cursor of each page and asks again with ``after=<next>``; the
cursor is the event's position in one global, gap-free commit order (see
``service._serialise_event_writers``), so polling never misses an event.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from roost.core.errors import bad_request
from roost.core.runtime import Runtime
from roost.webhooks.models import Event
from roost.webhooks.schemas import EventOut, EventPage

DEFAULT_LIMIT = 100
MAX_LIMIT = 1000
_MAX_CURSOR_DIGITS = 18  # a signed 64-bit sequence value always fits


@dataclass(frozen=True)
class FeedScope:
    """Whose events a caller may read: one connection, or (None) every connection of the app."""

    application_id: str
    connection_id: str | None


def parse_cursor(after: str | None) -> int:
    if after is None or after == "":
        return 0
    if not after.isdigit() or len(after) > _MAX_CURSOR_DIGITS:
        raise bad_request("after must be a cursor this endpoint returned as next", context={"after": after})
    return int(after)


def to_schema(event: Event) -> EventOut:
    payload = event.payload
    return EventOut(
        id=event.id,
        cursor=str(event.sequence),
        created_at=event.created_at,
        event_type=event.type,
        company_id=payload["company_id"],
        account_id=payload["account_id"],
        connection_id=event.connection_id,
        entity_id=event.entity_id,
        data=payload["data"],
    )


async def list_events(runtime: Runtime, scope: FeedScope, after: str | None, limit: int) -> EventPage:
    """Events after the cursor, oldest first, at most ``limit`` of them."""
    start = parse_cursor(after)
    query = select(Event).where(Event.application_id == scope.application_id, Event.sequence > start)
    if scope.connection_id is not None:
        query = query.where(Event.connection_id == scope.connection_id)
    async with runtime.database.reading() as session:
        rows = list((await session.scalars(query.order_by(Event.sequence).limit(limit + 1))).all())
    page = rows[:limit]
    return EventPage(
        data=[to_schema(event) for event in page],
        next=str(page[-1].sequence) if page else str(start),
        has_more=len(rows) > limit,
    )
