"""``POST /connect/sessions`` served without FastAPI's dependency machinery.

Creating sessions is what an application does at volume (one per customer it onboards),
and FastAPI's per-request work — dependency resolution, body validation through its
compatibility layer, response-model serialisation — cost as much as the whole database
transaction (``bench/connect_sessions.py``). This plain Starlette route runs the same steps
with the same functions and in the same order as the FastAPI route in
:mod:`roost.connect.routes`: Basic credentials, then the body against the same
:class:`SessionCreate` model, then :func:`roost.connect.service.create_session`.
``roost.core.hot_routes.RoostAPI`` serves it before the router, so it answers;
the FastAPI route stays for the OpenAPI schema. Validation failures are raised as
FastAPI's own ``RequestValidationError`` and worded by the same function as the
application's handler, exactly as before.
"""

from __future__ import annotations

from typing import cast

from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from roost.applications.service import authenticate_client
from roost.auth.credentials import parse_basic
from roost.connect import service
from roost.connect.schemas import SessionCreate
from roost.core.runtime import Runtime


async def create_connect_session(request: Request) -> Response:
    runtime = cast(Runtime, request.app.state.runtime)
    client_id, client_secret = parse_basic(request.headers.get("authorization"))
    application = await authenticate_client(runtime, client_id, client_secret)
    raw = await request.body()
    if not raw:
        raise RequestValidationError([{"type": "missing", "loc": ("body",), "msg": "Field required"}])
    try:
        body = SessionCreate.model_validate_json(raw)
    except ValidationError as exc:
        # FastAPI reports body errors with a leading "body" in their location.
        raise RequestValidationError(
            [{**error, "loc": ("body", *error["loc"])} for error in exc.errors(include_url=False)]
        ) from None
    created = await service.create_session(runtime, application, body)
    return Response(created.model_dump_json(), status_code=201, media_type="application/json")


routes = [Route("/connect/sessions", create_connect_session, methods=["POST"])]
