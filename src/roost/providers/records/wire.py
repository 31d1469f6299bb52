"""Records on the wire: ``to_wire`` (a JSON-ready dict with Finch's field names), and the
sync's faster pair ``top_level`` + ``encode``.

``to_wire`` avoids ``dataclasses.asdict`` (which deep-copies and re-inspects every class on
every call): each class's field names are read once and cached with an ``attrgetter`` that
fetches all values in one C call. The sync engine goes further: it only needs the top-level
fields as a dict (to swap provider source ids for Roost ids), so ``top_level`` stops there and
``encode`` lets orjson serialise the nested records, dates and tuples in C — the per-record
Python work that used to dominate a sync of pay statements.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import date
from operator import attrgetter
from typing import Any

import orjson

__all__ = ["encode", "to_wire", "top_level"]

_Plan = tuple[tuple[str, ...], Callable[[Any], tuple[Any, ...]]]
_PLANS: dict[type, _Plan] = {}
# Values JSON carries as they are; `bool` is listed apart from `int` because type() is exact.
_PLAIN: frozenset[type] = frozenset({str, int, float, bool, type(None)})


def to_wire(record: object) -> dict[str, Any]:
    """The record's fields by name, nested records as dicts, tuples as lists, dates as ISO text."""
    names, values_of = _PLANS.get(type(record)) or _plan(type(record))
    plain = _PLAIN
    return {
        name: value if type(value) in plain else _wire_value(value)
        for name, value in zip(names, values_of(record), strict=True)
    }


def top_level(record: object) -> dict[str, Any]:
    """The record's own fields by name, values untouched (nested records stay records)."""
    names, values_of = _PLANS.get(type(record)) or _plan(type(record))
    return dict(zip(names, values_of(record), strict=True))


def encode(value: Any) -> bytes:
    """Compact UTF-8 JSON of a dict that may hold records: the same document as ``to_wire``
    would give to ``json.dumps``, field order included."""
    return orjson.dumps(value)


def _wire_value(value: Any) -> Any:
    kind = type(value)
    if kind in _PLAIN:
        return value
    if kind is date:
        return value.isoformat()
    if kind is tuple or kind is list:
        return [_wire_value(item) for item in value]
    return to_wire(value)


def _plan(cls: type) -> _Plan:
    if not dataclasses.is_dataclass(cls):
        raise TypeError(f"to_wire() takes a record dataclass, not {cls.__name__}")
    names = tuple(field.name for field in dataclasses.fields(cls))
    # attrgetter of a single name returns the bare value, not a 1-tuple.
    values_of = _one_value(names[0]) if len(names) == 1 else attrgetter(*names)
    _PLANS[cls] = (names, values_of)
    return names, values_of


def _one_value(name: str) -> Callable[[Any], tuple[Any, ...]]:
    def values_of(record: Any) -> tuple[Any, ...]:
        return (getattr(record, name),)

    return values_of
