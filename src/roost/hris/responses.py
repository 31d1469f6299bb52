"""Assembling Finch responses from stored JSON bodies without decoding them when possible."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from fastapi.responses import Response

from roost.core.errors import error_body
from roost.hris.access import EmployerContext


def raw_json(text: str, context: EmployerContext, status: int = 200) -> Response:
    return Response(text, status_code=status, media_type="application/json", headers=context.headers())


def json_response(value: Any, context: EmployerContext) -> Response:
    return raw_json(json.dumps(value, separators=(",", ":")), context)


def array(bodies: Iterable[str]) -> str:
    return "[" + ",".join(bodies) + "]"


def item(key: str, item_id: str, body: str) -> str:
    return f'{{"{key}":{json.dumps(item_id)},"code":200,"body":{body}}}'


def missing(key: str, item_id: str, finch_code: str, what: str) -> str:
    body = error_body(404, "not_found_error", f"No {what} with id {item_id!r}", finch_code)
    body.pop("statusCode")
    body.pop("status")
    return json.dumps({key: item_id, "code": 404, "body": body}, separators=(",", ":"))


def in_progress(key: str, item_id: str) -> str:
    """A batch item whose data is still being synced: ``202 data_sync_in_progress``."""
    body = error_body(
        202,
        "accepted",
        "The data for this item is still being synced; retry shortly",
        "data_sync_in_progress",
    )
    body.pop("statusCode")
    body.pop("status")
    return json.dumps({key: item_id, "code": 202, "body": body}, separators=(",", ":"))
