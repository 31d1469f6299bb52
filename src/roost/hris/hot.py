"""The hottest read, ``GET /employer/directory``, served without FastAPI's dependency machinery.

An application pages the directory far more than anything else, and for this request
FastAPI's per-request work — resolving four nested dependencies, validating two query
parameters, and matching the path against every route before it — cost more than the read
itself (``bench/employer_directory.py``). This plain Starlette route does the same steps
with the same functions and in the same order as the FastAPI route in
:mod:`roost.hris.organization`: bearer token, product scope and rate limit, connection
status and entity, then the page. ``roost.core.hot_routes.RoostAPI`` serves it
before the router, so it answers; the FastAPI route stays for the OpenAPI schema. Errors are
:class:`FinchError`, rendered by the same function as the application's handler, so the
wire is identical (``tests/integration/test_employer_api.py``
runs against whichever route answers).
"""

from __future__ import annotations

from typing import cast

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from roost.auth.credentials import parse_bearer
from roost.auth.service import authenticate_token
from roost.core.errors import bad_request
from roost.core.query import query_value
from roost.core.runtime import Runtime
from roost.hris import store
from roost.hris.access import employer_context
from roost.hris.responses import raw_json

# The FastAPI route's bounds (roost.hris.organization.directory).
MAX_LIMIT = 10_000
MAX_OFFSET = 2**31 - 1


def _bounded(request: Request, name: str, default: int, low: int, high: int) -> int:
    raw = query_value(request.scope, name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        value = low - 1
    if not low <= value <= high:
        # The message and context FastAPI's validation errors get (roost.core.errors).
        raise bad_request(f"{name}: must be an integer from {low} to {high}", context={"fields": [name]})
    return value


async def directory(request: Request) -> Response:
    runtime = cast(Runtime, request.app.state.runtime)
    bearer = parse_bearer(request.headers.get("authorization"))
    # One read snapshot for token, connection state and page: one BEGIN/COMMIT, not three.
    async with runtime.database.reading_statements() as runner:
        token = await authenticate_token(runtime, bearer, runner)
        context = employer_context(runtime, request, token, "directory")
        limit = _bounded(request, "limit", 100, 1, MAX_LIMIT)
        offset = _bounded(request, "offset", 0, 0, MAX_OFFSET)
        listing, total = await store.page(runner, context, "directory", limit, offset)
    # paging.count is the grand total, so the SDK's auto-pagination stops where it should.
    return raw_json(f'{{"paging":{{"count":{total},"offset":{offset}}},"individuals":[{listing}]}}', context)


routes = [Route("/employer/directory", directory, methods=["GET"])]
