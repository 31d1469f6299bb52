"""Listing pages: the directory stored a hundred records to a row, in listing order.

``GET /employer/directory`` is the read an application makes most (the SDK pages through
the whole company on every sync), and reading a hundred record rows cost most of that
request: a hundred index steps, a hundred table lookups and a hundred Python strings
(``bench/employer_directory.py``). So a sync that changed the directory also stores the
listing as pages: rows of kind ``directory_page`` whose body is ``PAGE_SIZE`` record bodies
joined by ``SEPARATOR``, in exactly the order and with exactly the rows the record listing
has at that sync number. They are versioned like every record (a page whose content did not
change is not written again, a page past the new end is closed), so readers switch to them
with the same live number, a failed sync leaves the previous pages in place, and a re-sync
with no directory change writes none.

Pages hold the connection's whole listing; a request filtered to one entity of several reads
the record rows instead (:func:`roost.hris.store.page`).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import cast

from sqlalchemy import Table, bindparam, or_, select

from roost.core.runtime import Runtime
from roost.sync.models import DataRecord
from roost.sync.store import KindChanges, Row, VersionedWriter

PAGE_SIZE = 100
# Compact JSON never holds a raw newline (one inside a string is escaped as \n), so bodies
# joined by one split back apart exactly.
SEPARATOR = "\n"
# Record kinds stored as pages too, and the kind of their pages.
PAGED_KINDS = {"directory": "directory_page"}
# Rows read per transaction while building pages: memory stays flat for any company size.
_BATCH = 20 * PAGE_SIZE

_r = cast(Table, DataRecord.__table__)
_LIVE_AT = (
    _r.c.connection_id == bindparam("connection_id"),
    _r.c.kind == bindparam("kind"),
    _r.c.valid_from <= bindparam("number"),
    or_(_r.c.valid_to.is_(None), _r.c.valid_to > bindparam("number")),
)
_LISTING = (
    select(_r.c.sort_key, _r.c.body)
    .where(*_LIVE_AT, _r.c.sort_key > bindparam("after"))
    .order_by(_r.c.sort_key)
    .limit(bindparam("batch"))
)
_ANY_PAGE = select(_r.c.pk).where(*_LIVE_AT).limit(1)
_ANY_RECORD = _ANY_PAGE


def page_key(number: int) -> str:
    return f"{number:012d}"


async def _listing(runtime: Runtime, connection_id: str, kind: str, number: int) -> AsyncIterator[list[str]]:
    """The bodies of the listing live at ``number``, in order, a batch at a time."""
    after = ""
    while True:
        async with runtime.database.reading_statements() as runner:
            rows = await runner.tuples(
                _LISTING,
                {
                    "connection_id": connection_id,
                    "kind": kind,
                    "number": number,
                    "after": after,
                    "batch": _BATCH,
                },
            )
        if not rows:
            return
        yield [body for _key, body in rows]
        after = rows[-1][0]


async def _needs_pages(
    runtime: Runtime, connection_id: str, kind: str, number: int, changes: KindChanges | None
) -> bool:
    if changes is not None and changes.rows_written:
        return True
    # Unchanged listing: rebuild only if its pages are missing (data synced before pages
    # existed), so a no-change re-sync reads one index entry here and writes nothing.
    async with runtime.database.reading_statements() as runner:
        parameters = {"connection_id": connection_id, "number": number}
        has_pages = await runner.first(_ANY_PAGE, {**parameters, "kind": PAGED_KINDS[kind]})
        has_records = await runner.first(_ANY_RECORD, {**parameters, "kind": kind})
    return has_pages is None and has_records is not None


async def store_pages(
    runtime: Runtime, connection_id: str, number: int, changes: dict[str, KindChanges]
) -> None:
    """Write the pages of every paged kind whose listing sync ``number`` changed."""
    for kind, page_kind in PAGED_KINDS.items():
        if not await _needs_pages(runtime, connection_id, kind, number, changes.get(kind)):
            continue
        # Page writes are bookkeeping, not data changes: they send no webhooks.
        writer = VersionedWriter(connection_id, page_kind, number, KindChanges(keep_ids=False))
        async with runtime.database.statements() as runner:
            await writer.load_current(runner)
        pending: list[str] = []
        written = 0
        async for batch in _listing(runtime, connection_id, kind, number):
            pending.extend(batch)
            full = len(pending) - len(pending) % PAGE_SIZE
            pages = [
                _page(written + i, pending[at : at + PAGE_SIZE])
                for i, at in enumerate(range(0, full, PAGE_SIZE))
            ]
            del pending[:full]
            written += len(pages)
            async with runtime.database.statements() as runner:
                await writer.write(runner, pages)
        async with runtime.database.statements() as runner:
            if pending:
                await writer.write(runner, [_page(written, pending)])
            await writer.close_missing(runner)


def _page(number: int, bodies: list[str]) -> Row:
    key = page_key(number)
    return Row(roost_id=key, body=SEPARATOR.join(bodies).encode(), sort_key=key)
