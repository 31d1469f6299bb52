"""The hottest endpoints, answered before FastAPI's middleware stack and router.

An application calls ``POST /connect/sessions`` and pages ``GET /employer/directory`` far
more than anything else, and for those requests the framework's layers (FastAPI's own
middleware, exception wrappers and route matching against every route) cost more than the
work itself (``bench/``). :class:`RoostAPI` answers these few static paths through a short
stack of its own: the same request-id, access-log and body guards as every request, a
server-error guard, and :class:`HotRoutes`, which calls the endpoint and renders its Finch
and validation errors exactly as the application's handlers do. Every other request goes
through FastAPI as usual; the FastAPI routes of the hot paths stay for the OpenAPI schema.
"""

from __future__ import annotations

from collections.abc import Iterable

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from starlette.requests import Request
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from roost.core.errors import (
    FinchError,
    finch_error_response,
    internal_error_response,
    validation_error_response,
)
from roost.core.logging import get_logger
from roost.core.middleware import BodyGuardMiddleware, RequestContextMiddleware

log = get_logger("roost.errors")


class HotRoutes:
    """Calls the endpoint of a hot path and renders its Finch errors."""

    def __init__(self, routes: Iterable[Route]) -> None:
        self.endpoints = {
            (method, route.path): route.endpoint for route in routes for method in route.methods or ()
        }

    def serves(self, method: str, path: str) -> bool:
        return (method, path) in self.endpoints

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        endpoint = self.endpoints[(scope["method"], scope["path"])]
        request = Request(scope, receive)
        try:
            response = await endpoint(request)
        except FinchError as exc:
            response = finch_error_response(exc)
        except RequestValidationError as exc:
            response = validation_error_response(exc)
        await response(scope, receive, send)


class ServerErrorGuard:
    """Anything unexpected becomes a Finch 500 (the traceback goes to our log only), as
    FastAPI's server-error layer does for every other route."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        started = False

        async def watch(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, watch)
        except Exception as exc:
            log.exception("unhandled_error", path=scope["path"], error_type=type(exc).__name__)
            if not started:
                await internal_error_response()(scope, receive, send)


class RoostAPI(FastAPI):
    """FastAPI, with :class:`HotRoutes` answered before its middleware stack."""

    def serve_hot(self, routes: Iterable[Route], *, max_bytes: int, form_paths: Iterable[str]) -> None:
        self.hot_routes = HotRoutes(routes)
        # Request id outermost, as on every route, so that even a 500 carries it.
        self.hot_stack: ASGIApp = RequestContextMiddleware(
            BodyGuardMiddleware(ServerErrorGuard(self.hot_routes), max_bytes=max_bytes, form_paths=form_paths)
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        hot = getattr(self, "hot_routes", None)
        if scope["type"] == "http" and hot is not None and hot.serves(scope["method"], scope["path"]):
            scope["app"] = self  # what Starlette sets, for request.app
            await self.hot_stack(scope, receive, send)
            return
        await super().__call__(scope, receive, send)
