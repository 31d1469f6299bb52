"""Test fixtures: a real database (SQLite file or PostgreSQL), the app, a live server.

Pick the database with ``--db sqlite|postgres`` or ``ROOST_TEST_DB``. Every test owns its
data (fresh applications with random ids), so tests never clean up after each other.
"""

from __future__ import annotations

import asyncio
import base64
import os
import subprocess
import sys
import threading
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import psycopg
import pytest
import uvicorn
from sqlalchemy import select

from roost.app import build_runtime, create_app
from roost.applications import service as applications
from roost.applications.models import Application
from roost.applications.schemas import ApplicationCreate, ApplicationType
from roost.core import migrations
from roost.core.clock import FakeClock
from roost.core.runtime import Runtime
from roost.settings import Settings

POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
ADMIN_TOKEN = "admin-test-token"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--db",
        choices=("sqlite", "postgres"),
        default=os.environ.get("ROOST_TEST_DB", "sqlite"),
        help="database the integration suite runs on",
    )


@pytest.fixture(scope="session")
def database_kind(request: pytest.FixtureRequest) -> str:
    return str(request.config.getoption("--db"))


# Concurrent PostgreSQL runs on this one shared database set ROOST_TEST_PG_SCHEMA to keep
# out of each other's way: the suite then lives in "<name>" and "<name>_live".
PG_SCHEMA = os.environ.get("ROOST_TEST_PG_SCHEMA", "")


def _postgres_schema_url(schema: str) -> str:
    _reset_postgres(schema)
    # Quoted like the CREATE SCHEMA below: unquoted, PostgreSQL would fold "hD" to "hd".
    return POSTGRES_URL + f"?options=-csearch_path%3D%22{schema}%22"


def _reset_postgres(schema: str) -> None:
    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/test", autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        conn.execute(f'CREATE SCHEMA "{schema}"')


@pytest.fixture(scope="session")
def settings(database_kind: str, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    workdir = tmp_path_factory.mktemp("roost")
    if database_kind == "postgres":
        url = _postgres_schema_url(PG_SCHEMA) if PG_SCHEMA else POSTGRES_URL
        if not PG_SCHEMA:
            _reset_postgres("public")
    else:
        url = f"sqlite+aiosqlite:///{workdir / 'roost-test.db'}"
    settings = Settings(
        mode="demo",
        database_url=url,
        secret_key="test-server-key-not-for-production",  # type: ignore[arg-type]
        secret_key_file=workdir / "secret.key",
        encryption_key_file=workdir / "encryption.key",
        admin_token=ADMIN_TOKEN,  # type: ignore[arg-type]
        public_url="http://127.0.0.1:8000",
        log_level="WARNING",
        _env_file=None,  # type: ignore[call-arg]
    )
    migrations.upgrade(settings)
    return settings


@pytest.fixture
def sqlite_path(settings: Settings) -> Path | None:
    if not settings.is_sqlite:
        return None
    return Path(settings.database_url.split("///", 1)[1])


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def runtime(settings: Settings, clock: FakeClock) -> AsyncIterator[Runtime]:
    runtime = build_runtime(settings, clock=clock)
    yield runtime
    _TEST_APPLICATIONS.pop(id(runtime), None)
    await runtime.database.dispose()


@pytest.fixture
async def client(settings: Settings, runtime: Runtime) -> AsyncIterator[httpx.AsyncClient]:
    """The app in-process over ASGI, on the real database, with a fake clock."""
    app = create_app(settings, runtime=runtime)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield http


@dataclass
class Credentials:
    client_id: str
    client_secret: str

    @property
    def basic(self) -> dict[str, str]:
        token = base64.b64encode(f"{self.client_id}:{self.client_secret}".encode()).decode()
        return {"Authorization": f"Basic {token}"}


# Applications each test created, by runtime: job workers in tests drain only their own
# test's jobs, because the job table is shared by the whole session's database.
_TEST_APPLICATIONS: dict[int, list[str]] = {}


def jobs_scope(runtime: Runtime) -> tuple[str, ...] | None:
    created = _TEST_APPLICATIONS.get(id(runtime))
    return tuple(created) if created else None


async def make_application(
    runtime: Runtime,
    *,
    type: ApplicationType = "development",
    redirect_uris: list[str] | None = None,
    origins: list[str] | None = None,
) -> Credentials:
    created = await applications.create_application(
        runtime,
        ApplicationCreate(
            name="Test App", type=type, redirect_uris=redirect_uris or [], origins=origins or []
        ),
    )
    async with runtime.database.reading() as session:
        application_id = await session.scalar(
            select(Application.id).where(Application.client_id == created.client_id)
        )
    _TEST_APPLICATIONS.setdefault(id(runtime), []).append(str(application_id))
    return Credentials(created.client_id, created.client_secret)


@pytest.fixture
async def app_credentials(runtime: Runtime) -> Credentials:
    return await make_application(
        runtime,
        redirect_uris=["https://app.example.com/callback"],
        origins=["https://app.example.com"],
    )


@dataclass
class LiveServer:
    url: str
    settings: Settings


def _serve(settings: Settings) -> tuple[uvicorn.Server, threading.Thread, str]:
    config = uvicorn.Config(
        create_app(settings),
        host="127.0.0.1",
        port=0,
        log_level="warning",
        access_log=False,
        lifespan="on",
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("live server did not start")
        time.sleep(0.02)
    port = server.servers[0].sockets[0].getsockname()[1]
    return server, thread, f"http://127.0.0.1:{port}"


@pytest.fixture(scope="session")
def live_settings(
    settings: Settings, database_kind: str, tmp_path_factory: pytest.TempPathFactory
) -> Settings:
    """Settings for the live server: its own database (a SQLite file, or a PostgreSQL schema).

    The live server runs an embedded job worker on the real clock. On the shared database it
    would claim the jobs of in-process tests, whose fake clocks make them look long overdue.
    """
    if database_kind == "postgres":
        url = _postgres_schema_url(f"{PG_SCHEMA}_live" if PG_SCHEMA else "live")
    else:
        url = f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('live') / 'roost-live.db'}"
    live = settings.model_copy(update={"database_url": url})
    migrations.upgrade(live)
    return live


@pytest.fixture(scope="session")
def live_server(live_settings: Settings) -> Iterator[LiveServer]:
    """A real uvicorn server on a loopback port, in a background thread, with its own database."""
    server, thread, url = _serve(live_settings)
    yield LiveServer(url=url, settings=live_settings)
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="session")
def live_credentials(live_server: LiveServer) -> Credentials:
    """An application created directly in the live server's database."""

    async def _create() -> Credentials:
        runtime = build_runtime(live_server.settings)
        try:
            return await make_application(
                runtime,
                type="sandbox",
                redirect_uris=["https://app.example.com/callback"],
                origins=["https://app.example.com"],
            )
        finally:
            await runtime.database.dispose()

    return asyncio.run(_create())


def stored_anywhere(sqlite_path: Path, *needles: bytes) -> list[bytes]:
    """Which ``needles`` appear in the SQLite file, its WAL or its shared-memory file.

    The scan runs in a child process on purpose: closing a file descriptor on a SQLite
    database releases every POSIX lock this process holds on it (a documented SQLite
    hazard), which would let another connection of ours corrupt the WAL of the live server.
    """
    script = (
        "import sys, pathlib\n"
        "base = pathlib.Path(sys.argv[1])\n"
        "data = b''.join(p.read_bytes() for p in base.parent.glob(base.name + '*'))\n"
        "print('\\n'.join(n for n in sys.argv[2:] if n.encode() in data))\n"
    )
    found = subprocess.run(
        [sys.executable, "-c", script, str(sqlite_path), *(n.decode() for n in needles)],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout.split()
    return [item.encode() for item in found]
