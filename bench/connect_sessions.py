"""Benchmark: POST /connect/sessions throughput, Roost vs a bare FastAPI endpoint.

Both servers run as single uvicorn processes with identical settings (uvloop, httptools,
no access log) on loopback; the same load generator sends the same JSON bodies to each.
Roost writes a staged connection, a session and an attempt record per request on SQLite.
Target (issue #2): Roost >= 0.4 x the bare endpoint.

    .venv/bin/python bench/connect_sessions.py [--requests 3000] [--connections 16]
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from loadgen import LoadResult, json_post, run_load
from servers import uvicorn_process


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


def measure(port: int, headers: dict[str, str], args: argparse.Namespace, offset: int) -> LoadResult:
    def request(number: int) -> bytes:
        return json_post("/connect/sessions", body(offset + number), headers)

    asyncio.run(run_load("127.0.0.1", port, request, connections=args.connections, total=args.requests // 10))
    return asyncio.run(
        run_load(
            "127.0.0.1",
            port,
            lambda n: request(n + args.requests),
            connections=args.connections,
            total=args.requests,
        )
    )


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
            "PYTHONPATH": str(Path(__file__).resolve().parent),
        }
        subprocess.run(
            [sys.executable, "-m", "roost.cli.main", "migrate"], env=env, check=True, capture_output=True
        )
        auth = {"Authorization": f"Basic {create_application(env)}"}
        with uvicorn_process("bare_sessions_app:app", env) as port:
            bare = measure(port, {}, args, 0)
        with uvicorn_process("roost.app:create_app_from_environment", env, factory=True) as port:
            roost = measure(port, auth, args, 1_000_000)
    print(f"{'server':<28}{'requests':>10}{'seconds':>10}{'req/s':>10}  statuses")
    for name, result in (("bare FastAPI (parse only)", bare), ("Roost POST /connect/sessions", roost)):
        print(
            f"{name:<28}{result.requests:>10}{result.seconds:>10.2f}{result.rate:>10.0f}  {result.statuses}"
        )
    ratio = roost.rate / bare.rate
    print(f"ratio Roost/bare = {ratio:.2f}  (target >= 0.40: {'met' if ratio >= 0.4 else 'NOT met'})")
    if roost.statuses != {201: args.requests}:
        sys.exit("Roost answered something other than 201: the measurement is invalid")


if __name__ == "__main__":
    main()
