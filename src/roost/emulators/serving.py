"""Serving emulators with uvicorn: all together in one event loop, or in background threads."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass

import uvicorn
from starlette.types import ASGIApp

__all__ = ["BackgroundEmulators", "serve_apps", "start_in_threads"]


def _server(app: ASGIApp, host: str, port: int) -> uvicorn.Server:
    config = uvicorn.Config(app, host=host, port=port, log_level="warning", access_log=False, lifespan="off")
    return uvicorn.Server(config)


async def serve_apps(apps: Mapping[str, ASGIApp], host: str, ports: Mapping[str, int]) -> None:
    """Serve each app on its port until cancelled (Ctrl-C stops every server)."""
    servers = [_server(app, host, ports.get(name, 0)) for name, app in apps.items()]
    await asyncio.gather(*(server.serve() for server in servers))


@dataclass
class BackgroundEmulators:
    """Emulators running in daemon threads; ``urls`` maps each name to its base URL."""

    urls: dict[str, str]
    _servers: list[tuple[uvicorn.Server, threading.Thread]]

    def stop(self) -> None:
        for server, _ in self._servers:
            server.should_exit = True
        for _, thread in self._servers:
            thread.join(timeout=10)


def start_in_threads(apps: Mapping[str, ASGIApp], host: str = "127.0.0.1") -> BackgroundEmulators:
    """Start every app on its own free loopback port (port 0) and wait until each listens."""
    return start_on_ports(apps, host, {})


def start_on_ports(apps: Mapping[str, ASGIApp], host: str, ports: Mapping[str, int]) -> BackgroundEmulators:
    """Start every app in a daemon thread on ``ports[name]`` (0, a free port, when absent)."""
    running: list[tuple[uvicorn.Server, threading.Thread]] = []
    urls: dict[str, str] = {}
    for name, app in apps.items():
        server = _server(app, host, ports.get(name, 0))
        thread = threading.Thread(target=server.run, name=f"emulator-{name}", daemon=True)
        thread.start()
        deadline = time.monotonic() + 20
        while not server.started:
            if time.monotonic() > deadline or not thread.is_alive():
                raise RuntimeError(f"the {name} emulator did not start")
            time.sleep(0.01)
        port = server.servers[0].sockets[0].getsockname()[1]
        urls[name] = f"http://{host}:{port}"
        running.append((server, thread))
    return BackgroundEmulators(urls, running)
