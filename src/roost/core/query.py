"""Query-string values, parsed once per request into plain lists.

Starlette's ``request.query_params`` builds a multi-dict on first use, which cost more than
anything else the directory request does in Python (``bench/employer_directory.py``). This
is the same parse (``parse_qsl`` over the latin-1 decoded query string, blank values kept),
kept in the ASGI scope so every reader of one request shares it.
"""

from __future__ import annotations

from urllib.parse import parse_qsl

from starlette.types import Scope

_KEY = "roost.query"


def query_values(scope: Scope, name: str) -> list[str]:
    """Every value of ``name`` in the query string, in order."""
    parsed: dict[str, list[str]] | None = scope.get(_KEY)
    if parsed is None:
        parsed = {}
        for key, value in parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True):
            parsed.setdefault(key, []).append(value)
        scope[_KEY] = parsed
    return parsed.get(name, [])


def query_value(scope: Scope, name: str) -> str | None:
    """The value of ``name``; the last one if repeated (as ``request.query_params.get``)."""
    values = query_values(scope, name)
    return values[-1] if values else None
