"""Benchmark: POST /connect/sessions throughput, Roost vs a bare FastAPI endpoint.

Both servers run as single uvicorn processes with identical settings (uvloop, httptools,
no access log) on loopback; the same load generator sends the same JSON bodies to each, in
alternating rounds so that bursts of other work on the machine hit both alike.
Roost writes a staged connection, a session and an attempt record per request on SQLite.
Target (issue #2): Roost >= 0.4 x the bare endpoint.

    .venv/bin/python bench/connect_sessions.py [--requests 3000] [--connections 16]
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from loadgen import Target, interleaved, json_post, report
from servers import cpu_seconds, uvicorn_process


def body(number: int) -> bytes:
    return json.dumps(
        {
            "customer_id": f"bench-customer-{number}",
            "customer_name": f"Bench Customer {number}",
            "customer_email": f"hr{number}@bench.test",
            "products": ["company", "directory", "individual", "employment", "payment", "pay_statement"],
            "redirect_uri": "https://bench.test/callback",
            "sandbox": "finch",
            "minutes_to_expire": 1440,
        }
    ).encode()


def create_application(env: dict[str, str]) -> str:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "roost.cli.main",
            "apps",
            "create",
            "--name",
            "Bench",
            "--type",
            "sandbox",
            "--redirect-uri",
            "https://bench.test/callback",
            "--json",
        ],
        env={**env, "PATH": ""},
        capture_output=True,
        text=True,
        check=True,
    )
    created = json.loads(result.stdout)
    return base64.b64encode(f"{created['client_id']}:{created['client_secret']}".encode()).decode()


def requester(headers: dict[str, str]) -> Callable[[int], bytes]:
    # Every request names a new customer: each one creates a session.
    def request(number: int) -> bytes:
        return json_post("/connect/sessions", body(number), headers)

    return request


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--connections", type=int, default=16)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as workdir:
        env = {
            "ROOST_DATABASE_URL": f"sqlite+aiosqlite:///{workdir}/bench.db",
            "ROOST_SECRET_KEY": "bench-key",
            "ROOST_LOG_LEVEL": "WARNING",
            # Keep a caller's PYTHONPATH: it may point the servers at another checkout.
            "PYTHONPATH": str(Path(__file__).resolve().parent)
            + os.pathsep
            + os.environ.get("PYTHONPATH", ""),
        }
        subprocess.run(
            [sys.executable, "-m", "roost.cli.main", "migrate"], env=env, check=True, capture_output=True
        )
        auth = {"Authorization": f"Basic {create_application(env)}"}
        with (
            uvicorn_process("bare_sessions_app:app", env) as bare_port,
            uvicorn_process("roost.app:create_app_from_environment", env, factory=True) as port,
        ):
            results = interleaved(
                {
                    "roost": Target(port, requester(auth), partial(cpu_seconds, port)),
                    "bare": Target(bare_port, requester({}), partial(cpu_seconds, bare_port)),
                },
                total=args.requests,
                connections=args.connections,
                warmup=args.requests // 10,
            )
    roost, bare = results["roost"], results["bare"]
    report(bare, roost, "bare FastAPI (parse only)", "Roost POST /connect/sessions", 0.4)
    if roost.statuses != {201: roost.requests}:
        sys.exit("Roost answered something other than 201: the measurement is invalid")


if __name__ == "__main__":
    main()
