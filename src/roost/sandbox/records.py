"""``from_wire``: the inverse of :func:`roost.providers.records.to_wire`.

Sandbox edits are stored as JSON in the records' own field names; the overlay turns them
back into the typed records the sync engine reads, so edited data takes exactly the path
that generated data takes.
"""

from __future__ import annotations

import dataclasses
import types
from collections.abc import Mapping
from datetime import date
from typing import Any, TypeVar, Union, get_args, get_origin, get_type_hints

from roost.providers.records import to_wire

__all__ = ["from_wire", "merged", "to_wire"]

R = TypeVar("R")


_HINTS: dict[type, dict[str, Any]] = {}


def _hints(cls: type) -> dict[str, Any]:
    hints = _HINTS.get(cls)
    if hints is None:
        hints = _HINTS[cls] = get_type_hints(cls)
    return hints


def from_wire(cls: type[R], data: Mapping[str, Any]) -> R:
    """A record of ``cls`` from its wire dict; unknown keys are ignored, missing ones are None."""
    hints = _hints(cls)
    values: dict[str, Any] = {}
    for field in dataclasses.fields(cls):  # type: ignore[arg-type]
        if field.name in data:
            values[field.name] = _value(hints[field.name], data[field.name])
        elif field.default is dataclasses.MISSING and field.default_factory is dataclasses.MISSING:
            values[field.name] = None
    return cls(**values)


def merged(record: R, patch: Mapping[str, Any]) -> R:
    """``record`` with the fields of ``patch`` replaced (top-level keys, Finch's partial update)."""
    if not patch:
        return record
    return from_wire(type(record), {**to_wire(record), **patch})


def _value(hint: Any, value: Any) -> Any:
    if value is None:
        return None
    origin = get_origin(hint)
    if origin is Union or origin is types.UnionType:
        for option in get_args(hint):
            if option is date or dataclasses.is_dataclass(option) or get_origin(option) is tuple:
                return _value(option, value)
        return value
    if origin is tuple:
        item = get_args(hint)[0]
        return tuple(_value(item, v) for v in value if v is not None)
    if hint is date:
        return value if isinstance(value, date) else date.fromisoformat(str(value))
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return from_wire(hint, value)
    return value
