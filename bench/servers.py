"""Starting servers on loopback for benchmarks, each in its own process, and stopping them."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx

# Port -> pid of each running server, for cpu_seconds().
_PIDS: dict[int, int] = {}


def cpu_seconds(port: int) -> float:
    """CPU time (user + system) the server on ``port`` has used so far.

    Requests per CPU second is a server's throughput on a core of its own; unlike requests
    per wall-clock second it does not drop when other work on a busy machine takes the CPU.
    """
    fields = Path(f"/proc/{_PIDS[port]}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def uvicorn_process(app: str, env: dict[str, str], *, factory: bool = False) -> Iterator[int]:
    """Run ``uvicorn app`` on a free loopback port with the same settings for every server."""
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        app,
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--log-level",
        "warning",
        "--no-access-log",
        "--loop",
        "uvloop",
        "--http",
        "httptools",
    ]
    if factory:
        command.append("--factory")
    process = subprocess.Popen(command, env={**os.environ, **env})
    _PIDS[port] = process.pid
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError(f"{app} did not start") from None
                time.sleep(0.1)
        yield port
    finally:
        _PIDS.pop(port, None)
        process.terminate()
        process.wait(timeout=15)
