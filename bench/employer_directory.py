"""Benchmark: GET /employer/directory?limit=100 on a 10,000-employee company vs a bare endpoint.

The bare endpoint is FastAPI returning a constant JSON body of the same size as Roost's
answer; both run as single uvicorn processes with the same settings, measured in the same
run with the same load generator, in alternating rounds (bench/loadgen.py).
Target (issue #5): Roost >= 0.5 x the bare endpoint.

    .venv/bin/python bench/employer_directory.py [--employees 10000] [--requests 12000]

12,000 requests give each server about a second of CPU: the kernel counts CPU time in
10 ms ticks, so fewer would leave the per-CPU ratio a few per cent from its true value.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable
from functools import partial
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))

import fixtures
from loadgen import Target, get, interleaved, report
from servers import cpu_seconds, uvicorn_process

HERE = Path(__file__).resolve()


async def build(db: str, employees: int) -> str:
    runtime = fixtures.build_runtime(fixtures.settings_for(f"sqlite+aiosqlite:///{db}"))
    connection_id, token = await fixtures.create_connection(runtime, employees, fixtures.ORG_PRODUCTS)
    await fixtures.sync_once(runtime, connection_id, employees, 0)
    await runtime.database.dispose()
    return token


def requester(headers: dict[str, str], employees: int) -> Callable[[int], bytes]:
    def request(number: int) -> bytes:
        return get(
            f"/employer/directory?limit=100&offset={(number * 100) % max(1, employees - 100)}", headers
        )

    return request


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--employees", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=12_000)
    parser.add_argument("--build", nargs=2, metavar=("DB", "EMPLOYEES"))
    args = parser.parse_args()
    if args.build:
        fixtures.prepare(f"sqlite+aiosqlite:///{args.build[0]}")
        print(asyncio.run(build(args.build[0], int(args.build[1]))))
        return
    with tempfile.TemporaryDirectory() as workdir:
        db = f"{workdir}/directory.db"
        token = (
            subprocess.run(
                [sys.executable, str(HERE), "--build", db, str(args.employees)],
                check=True,
                capture_output=True,
                text=True,
            )
            .stdout.strip()
            .splitlines()[-1]
        )
        env = {
            "ROOST_DATABASE_URL": f"sqlite+aiosqlite:///{db}",
            "ROOST_SECRET_KEY": "bench-key",
            "ROOST_LOG_LEVEL": "WARNING",
            "ROOST_EMBEDDED_WORKER": "false",
            "ROOST_ENCRYPTION_KEY_FILE": f"{workdir}/enc.key",
            # Keep a caller's PYTHONPATH: it may point the servers at another checkout.
            "PYTHONPATH": str(HERE.parent) + os.pathsep + os.environ.get("PYTHONPATH", ""),
            "BENCH_BODY_FILE": f"{workdir}/body.json",
        }
        auth = {"Authorization": f"Bearer {token}"}
        with uvicorn_process("roost.app:create_app_from_environment", env, factory=True) as port:
            sample = httpx.get(
                f"http://127.0.0.1:{port}/employer/directory?limit=100", headers=auth, timeout=30
            )
            assert sample.status_code == 200, sample.text
            Path(env["BENCH_BODY_FILE"]).write_bytes(sample.content)
            with uvicorn_process("bare_constant_app:app", env) as bare_port:
                results = interleaved(
                    {
                        "roost": Target(port, requester(auth, args.employees), partial(cpu_seconds, port)),
                        "bare": Target(
                            bare_port, requester({}, args.employees), partial(cpu_seconds, bare_port)
                        ),
                    },
                    total=args.requests,
                    connections=8,
                    warmup=args.requests // 10,
                )
    roost, bare = results["roost"], results["bare"]
    print(
        f"GET /employer/directory?limit=100 on {args.employees:,} employees ({len(sample.content):,} bytes)"
    )
    report(bare, roost, "bare FastAPI, constant body", "Roost", 0.5)


if __name__ == "__main__":
    main()
