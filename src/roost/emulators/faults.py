"""Fault injection shared by every provider emulator.

A test (or a developer poking at ``roost emulators serve``) queues faults with
``POST /_emulator/faults`` — ``{"status": 429, "retry_after": 2, "count": 3, "path_prefix": "/v1"}`` —
and the next ``count`` matching requests get that status in the provider's own error shape
(each emulator passes a ``render`` function). ``DELETE /_emulator/faults`` clears the queue.
Control routes live under ``/_emulator/`` so they can never collide with a provider path.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

__all__ = ["CONTROL_PREFIX", "Fault", "FaultInjector", "FaultMiddleware"]

CONTROL_PREFIX = "/_emulator/"


@dataclass
class Fault:
    status: int
    count: int = 1
    retry_after: float | None = None
    path_prefix: str = "/"


class FaultInjector:
    """A queue of faults; uvicorn serves emulators from another thread, hence the lock."""

    def __init__(self) -> None:
        self._faults: list[Fault] = []
        self._lock = threading.Lock()

    def add(self, fault: Fault) -> None:
        with self._lock:
            self._faults.append(fault)

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()

    def take(self, path: str) -> Fault | None:
        with self._lock:
            for fault in self._faults:
                if path.startswith(fault.path_prefix):
                    fault.count -= 1
                    if fault.count <= 0:
                        self._faults.remove(fault)
                    return fault
        return None

    def routes(self) -> list[Route]:
        return [
            Route(f"{CONTROL_PREFIX}faults", self._add_route, methods=["POST"]),
            Route(f"{CONTROL_PREFIX}faults", self._clear_route, methods=["DELETE"]),
        ]

    async def _add_route(self, request: Request) -> Response:
        body = await request.json()
        retry_after = body.get("retry_after")
        self.add(
            Fault(
                status=int(body["status"]),
                count=int(body.get("count", 1)),
                retry_after=None if retry_after is None else float(retry_after),
                path_prefix=str(body.get("path_prefix", "/")),
            )
        )
        return JSONResponse({"queued": True}, status_code=201)

    async def _clear_route(self, request: Request) -> Response:
        self.clear()
        return Response(status_code=204)


class FaultMiddleware:
    """Answers a request with a queued fault, rendered in the emulated provider's error shape."""

    def __init__(self, app: ASGIApp, injector: FaultInjector, render: Callable[[Fault], Response]) -> None:
        self.app = app
        self.injector = injector
        self.render = render

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = str(scope.get("path", ""))
        if scope["type"] == "http" and not path.startswith(CONTROL_PREFIX):
            fault = self.injector.take(path)
            if fault is not None:
                await self.render(fault)(scope, receive, send)
                return
        await self.app(scope, receive, send)
