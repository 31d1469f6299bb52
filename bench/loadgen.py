"""A tiny keep-alive HTTP/1.1 load generator for loopback benchmarks.

It is deliberately cheaper per request than any server it measures (raw asyncio streams,
no HTTP library), so that a ratio between two servers reflects the servers.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class LoadResult:
    requests: int
    seconds: float
    statuses: dict[int, int]
    cpu_seconds: float = 0.0  # the server's own CPU time, when measured

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def cpu_rate(self) -> float:
        """Requests per second of server CPU: throughput on a core of its own."""
        return self.requests / self.cpu_seconds if self.cpu_seconds else 0.0


async def _read_response(reader: asyncio.StreamReader) -> int:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    status = int(lines[0].split()[1])
    length = 0
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    if length:
        await reader.readexactly(length)
    return status


async def run_load(
    host: str, port: int, make_request: Callable[[int], bytes], *, connections: int, total: int
) -> LoadResult:
    """Send ``total`` requests over ``connections`` keep-alive connections; bounded by count."""
    counter = iter(range(total))
    statuses: dict[int, int] = {}

    async def worker() -> None:
        reader, writer = await asyncio.open_connection(host, port)
        try:
            for number in counter:
                writer.write(make_request(number))
                await writer.drain()
                status = await asyncio.wait_for(_read_response(reader), timeout=30)
                statuses[status] = statuses.get(status, 0) + 1
        finally:
            writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(connections)))
    return LoadResult(total, time.perf_counter() - started, statuses)


def json_post(path: str, body: bytes, headers: dict[str, str]) -> bytes:
    lines = [
        f"POST {path} HTTP/1.1",
        "Host: 127.0.0.1",
        "Content-Type: application/json",
        f"Content-Length: {len(body)}",
    ]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def get(path: str, headers: dict[str, str]) -> bytes:
    lines = [f"GET {path} HTTP/1.1", "Host: 127.0.0.1"] + [f"{k}: {v}" for k, v in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


@dataclass
class Target:
    """One server under test: where it listens, how its n-th request looks, and (optionally)
    how to read the CPU seconds it has used so far."""

    port: int
    make_request: Callable[[int], bytes]
    cpu: Callable[[], float] | None = None


def interleaved(
    targets: dict[str, Target], *, total: int, connections: int, rounds: int = 6, warmup: int = 0
) -> dict[str, LoadResult]:
    """Measure several running servers in alternating rounds, ``total`` requests each.

    These machines are noisy (other work comes and goes in bursts); measuring one server
    after the other lets a burst land on one of them only and skew the ratio. In rounds of
    ``total / rounds`` requests, taken in turn, every server sees the same mix of quiet and
    busy moments. Request numbers keep counting across rounds, so no request repeats.
    """
    per_round = max(1, total // rounds)
    results = {name: LoadResult(0, 0.0, {}) for name in targets}
    sent = dict.fromkeys(targets, 0)

    def one(name: str, count: int) -> LoadResult:
        target, start = targets[name], sent[name]
        sent[name] += count
        cpu_before = target.cpu() if target.cpu else 0.0
        result = asyncio.run(
            run_load(
                "127.0.0.1",
                target.port,
                lambda n: target.make_request(start + n),
                connections=connections,
                total=count,
            )
        )
        if target.cpu:
            result.cpu_seconds = target.cpu() - cpu_before
        return result

    for name in targets:
        if warmup:
            one(name, warmup)
    for _ in range(rounds):
        for name in targets:
            result, so_far = one(name, per_round), results[name]
            for status, count in result.statuses.items():
                so_far.statuses[status] = so_far.statuses.get(status, 0) + count
            results[name] = LoadResult(
                so_far.requests + result.requests,
                so_far.seconds + result.seconds,
                so_far.statuses,
                so_far.cpu_seconds + result.cpu_seconds,
            )
    return results


def report(bare: LoadResult, roost: LoadResult, bare_name: str, roost_name: str, target: float) -> None:
    """Print both servers' throughput and the ratios, by wall clock and by server CPU."""
    print(f"  {'server':<32}{'requests':>9}{'req/s':>9}{'req/CPU-s':>11}  statuses")
    for name, r in ((bare_name, bare), (roost_name, roost)):
        print(f"  {name:<32}{r.requests:>9}{r.rate:>9.0f}{r.cpu_rate:>11.0f}  {r.statuses}")
    wall = roost.rate / bare.rate
    print(f"  ratio Roost/bare, wall clock      = {wall:.2f}  ({_verdict(wall, target)})")
    if bare.cpu_seconds and roost.cpu_seconds:
        cpu = roost.cpu_rate / bare.cpu_rate
        print(f"  ratio Roost/bare, per CPU second  = {cpu:.2f}  ({_verdict(cpu, target)})")
        print("  (per CPU second: each server's throughput on a core of its own, robust to other load)")


def _verdict(ratio: float, target: float) -> str:
    return f"target >= {target:.2f}: {'met' if ratio >= target else 'NOT met'}"
