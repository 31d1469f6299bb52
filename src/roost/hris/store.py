"""Reading the live version of synced records (see :mod:`roost.sync.models`)."""

from __future__ import annotations

import datetime as dt
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import String, Table, and_, bindparam, func, or_, select

from roost.core.statements import StatementRunner
from roost.hris.access import EmployerContext
from roost.sync.models import DataRecord, SyncRun
from roost.sync.pages import PAGE_SIZE, PAGED_KINDS, SEPARATOR, page_key

_r = cast(Table, DataRecord.__table__)
_runs = cast(Table, SyncRun.__table__)
_LIVE_RUN_STATS = select(_runs.c.stats).where(
    _runs.c.connection_id == bindparam("connection_id"), _runs.c.number == bindparam("live")
)

_LIVE = and_(
    _r.c.connection_id == bindparam("connection_id"),
    _r.c.kind == bindparam("kind"),
    _r.c.valid_from <= bindparam("live"),
    or_(_r.c.valid_to.is_(None), _r.c.valid_to > bindparam("live")),
    or_(bindparam("entity_id", type_=String()).is_(None), _r.c.entity_id == bindparam("entity_id")),
)
# Sort keys are unique within a live listing (position, then sync number: see the sync
# engine), so ordering by them alone is stable from page to page and follows the index.
_SORT_KEYS = select(_r.c.sort_key).where(_LIVE).order_by(_r.c.sort_key)
_PAGE_FROM = (
    select(_r.c.body)
    .where(
        _LIVE,
        _r.c.sort_key >= bindparam("from_key"),
    )
    .order_by(_r.c.sort_key)
    .limit(bindparam("limit"))
    .offset(bindparam("skip"))
)
_BY_IDS = select(_r.c.roost_id, _r.c.body).where(_LIVE, _r.c.roost_id.in_(bindparam("ids", expanding=True)))
_BY_PARENT = (
    select(_r.c.body)
    .where(_LIVE, _r.c.parent_id == bindparam("parent_id"))
    .order_by(_r.c.sort_key)
    .limit(bindparam("limit"))
    .offset(bindparam("offset"))
)
_COUNT_PARENT = select(func.count()).select_from(_r).where(_LIVE, _r.c.parent_id == bindparam("parent_id"))
_ALL_OF_PARENT = (
    select(_r.c.body).where(_LIVE, _r.c.parent_id == bindparam("parent_id")).order_by(_r.c.sort_key)
)
_BETWEEN = (
    select(_r.c.body)
    .where(_LIVE, _r.c.on_date >= bindparam("start"), _r.c.on_date <= bindparam("end"))
    .order_by(_r.c.on_date, _r.c.sort_key)
)
_ALL = select(_r.c.body).where(_LIVE).order_by(_r.c.sort_key)


def _params(context: EmployerContext, kind: str, **extra: Any) -> dict[str, Any]:
    return {
        "connection_id": context.connection_id,
        "kind": kind,
        "live": context.live,
        "entity_id": context.entity_id,
        **extra,
    }


@dataclass(frozen=True)
class _Marks:
    """Every ``STRIDE``-th sort key of one live listing, and its length.

    ``LIMIT … OFFSET n`` makes the database step over n index entries: 1 ms at offset 9,900
    on SQLite, most of a directory request. With a mark every ``STRIDE`` rows a page seeks to
    the nearest mark and skips fewer than ``STRIDE``. The rows live at one sync number never
    change (a later sync writes newer versions and switches the number), so the marks are
    cached by that number, like the count.
    """

    total: int
    keys: tuple[str, ...]


_STRIDE = 100
_MARKS: OrderedDict[tuple[str, str, int, str | None], _Marks] = OrderedDict()
_MARKS_KEPT = 1024


async def _marks(runner: StatementRunner, context: EmployerContext, kind: str) -> _Marks:
    key = (context.connection_id, kind, context.live, context.entity_id)
    marks = _MARKS.get(key)
    if marks is None:
        sort_keys = await runner.tuples(_SORT_KEYS, _params(context, kind))
        marks = _MARKS[key] = _Marks(len(sort_keys), tuple(row[0] for row in sort_keys[::_STRIDE]))
        if len(_MARKS) > _MARKS_KEPT:
            _MARKS.popitem(last=False)
    return marks


async def page(
    runner: StatementRunner, context: EmployerContext, kind: str, limit: int, offset: int
) -> tuple[str, int]:
    """One page of the live listing, as the comma-separated items of a JSON array (each body
    is copied as few times as possible: a page is most of a response), and the total count
    (Finch's ``paging.count``)."""
    marks = await _marks(runner, context, kind)
    if offset >= marks.total:
        return "", marks.total
    if context.entity_id is None and kind in PAGED_KINDS:
        stored = await _from_pages(runner, context, PAGED_KINDS[kind], limit, offset, marks.total)
        if stored is not None:
            return stored, marks.total
    from_key = marks.keys[offset // _STRIDE]
    parameters = _params(context, kind, limit=limit, from_key=from_key, skip=offset % _STRIDE)
    rows = await runner.tuples(_PAGE_FROM, parameters)
    return ",".join(row[0] for row in rows), marks.total


async def _from_pages(
    runner: StatementRunner, context: EmployerContext, page_kind: str, limit: int, offset: int, total: int
) -> str | None:
    """The listing's items ``offset`` to ``offset + limit`` read from its stored pages
    (:mod:`roost.sync.pages`); None if the live sync stored none (synced before pages
    existed), and the caller reads the records."""
    end = min(offset + limit, total)
    first, last = offset // PAGE_SIZE, (end - 1) // PAGE_SIZE
    wanted = last - first + 1
    parameters = _params(context, page_kind, limit=wanted, from_key=page_key(first), skip=0)
    rows = await runner.tuples(_PAGE_FROM, parameters)
    if len(rows) != wanted:
        return None
    text = SEPARATOR.join(row[0] for row in rows)
    start = offset - first * PAGE_SIZE
    if start == 0 and end == min((last + 1) * PAGE_SIZE, total):
        return text.replace(SEPARATOR, ",")  # whole pages: the common case
    return ",".join(text.split(SEPARATOR)[start : start + end - offset])


async def by_ids(
    runner: StatementRunner, context: EmployerContext, kind: str, ids: list[str]
) -> dict[str, str]:
    found: dict[str, str] = {}
    for start in range(0, len(ids), 500):  # bounded IN lists
        chunk = ids[start : start + 500]
        for roost_id, body in await runner.tuples(_BY_IDS, _params(context, kind, ids=chunk)):
            found[roost_id] = body
    return found


async def children(
    runner: StatementRunner,
    context: EmployerContext,
    kind: str,
    parent_id: str,
    limit: int | None = None,
    offset: int = 0,
) -> tuple[list[str], int]:
    if limit is None:
        rows = await runner.all(_ALL_OF_PARENT, _params(context, kind, parent_id=parent_id))
        return [row.body for row in rows], len(rows)
    rows = await runner.all(
        _BY_PARENT, _params(context, kind, parent_id=parent_id, limit=limit, offset=offset)
    )
    total = await runner.scalar(_COUNT_PARENT, _params(context, kind, parent_id=parent_id))
    return [row.body for row in rows], int(total or 0)


async def between(
    runner: StatementRunner, context: EmployerContext, kind: str, start: dt.date, end: dt.date
) -> list[str]:
    return [row.body for row in await runner.all(_BETWEEN, _params(context, kind, start=start, end=end))]


async def every(runner: StatementRunner, context: EmployerContext, kind: str) -> list[str]:
    return [row.body for row in await runner.all(_ALL, _params(context, kind))]


async def unfinished_payments(runner: StatementRunner, context: EmployerContext) -> set[str]:
    """Payments whose statements the live sync could not fetch (they are fetched again by
    the next sync): recorded as the run's partial errors."""
    stats = await runner.scalar(
        _LIVE_RUN_STATS, {"connection_id": context.connection_id, "live": context.live}
    )
    errors = (stats or {}).get("partial_errors", []) if isinstance(stats, dict) else []
    return {str(error["payment_id"]) for error in errors if "payment_id" in error}
