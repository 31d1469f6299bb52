"""ASGI middleware: request ids and access logs, body-size and media-type guards.

These run outside FastAPI's routing so that their errors keep the Finch format even for
requests that never reach a route.
"""

from __future__ import annotations

import json
import logging
import os
import random
import time
from collections.abc import Iterable

import structlog
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from roost.core.errors import error_body
from roost.core.logging import enabled as logging_enabled
from roost.core.logging import get_logger

log = get_logger("roost.access")

REQUEST_ID_HEADER = b"finch-request-id"
# Seeded from os.urandom, and again in a forked child so that processes never share ids.
_request_ids = random.Random()
os.register_at_fork(after_in_child=_request_ids.seed)
# The version and variant bits of a version-4 UUID (RFC 9562), as uuid.UUID sets them.
_UUID4_CLEAR = ~((0xF000 << 64) | (0xC000 << 48))
_UUID4_SET = (0x4000 << 64) | (0x8000 << 48)


def _new_request_id() -> str:
    """A version-4 UUID from the process's PRNG: request ids need to be unique, not
    unguessable; uuid4() costs a system call and uuid.UUID's checks cost more than this."""
    digits = f"{_request_ids.getrandbits(128) & _UUID4_CLEAR | _UUID4_SET:032x}"
    return f"{digits[:8]}-{digits[8:12]}-{digits[12:16]}-{digits[16:20]}-{digits[20:]}"


_BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


async def _send_error(send: Send, status: int, name: str, message: str, request_id: str) -> None:
    payload = json.dumps(error_body(status, name, message)).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(payload)).encode()),
                (REQUEST_ID_HEADER, request_id.encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": payload})


class RequestContextMiddleware:
    """Gives each request a ``Finch-Request-Id`` and writes one structured access-log line.

    The line holds method, path (never the query string, which may carry a session id or
    state), status and duration.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = _new_request_id()
        scope.setdefault("state", {})["request_id"] = request_id
        structlog.contextvars.bind_contextvars(request_id=request_id)
        started = time.perf_counter()
        status_holder = {"status": 500}

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                status_holder["status"] = message["status"]
                headers = list(message.get("headers", []))
                headers.append((REQUEST_ID_HEADER, request_id.encode()))
                message["headers"] = headers
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            if logging_enabled(logging.INFO):
                log.info(
                    "request",
                    method=scope["method"],
                    path=scope["path"],
                    status=status_holder["status"],
                    duration_ms=round((time.perf_counter() - started) * 1000, 2),
                )
            structlog.contextvars.unbind_contextvars("request_id")


class BodyGuardMiddleware:
    """Refuses bodies over ``max_bytes`` (413) and non-JSON bodies on the JSON API (415).

    ``form_paths`` are the Connect UI's HTML form endpoints, which take urlencoded bodies.
    """

    def __init__(self, app: ASGIApp, *, max_bytes: int, form_paths: Iterable[str] = ()) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.form_paths = tuple(form_paths)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in _BODY_METHODS:
            await self.app(scope, receive, send)
            return
        request_id = scope.get("state", {}).get("request_id", "")
        headers = dict(scope["headers"])
        length_header = headers.get(b"content-length")
        if length_header is not None:
            try:
                declared = int(length_header)
            except ValueError:
                await _send_error(send, 400, "bad_request", "Invalid Content-Length", request_id)
                return
            if declared > self.max_bytes:
                await _send_error(
                    send,
                    413,
                    "payload_too_large_error",
                    f"Request body exceeds {self.max_bytes} bytes",
                    request_id,
                )
                return
        body = bytearray()
        more = True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            body.extend(message.get("body", b""))
            more = message.get("more_body", False)
            if len(body) > self.max_bytes:
                await _send_error(
                    send,
                    413,
                    "payload_too_large_error",
                    f"Request body exceeds {self.max_bytes} bytes",
                    request_id,
                )
                return
        if body.strip() and not scope["path"].startswith(self.form_paths):
            content_type = headers.get(b"content-type", b"").split(b";")[0].strip().lower()
            if content_type != b"application/json" and not content_type.endswith(b"+json"):
                await _send_error(
                    send,
                    415,
                    "unsupported_media_type_error",
                    "Request body must be sent as application/json",
                    request_id,
                )
                return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": bytes(body), "more_body": False}
            return await receive()

        await self.app(scope, replay, send)
