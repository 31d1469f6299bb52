"""A ``roost worker`` killed with SIGKILL in the middle of a sync, again and again.

The worker is a real process on its own database (a SQLite file, or a PostgreSQL schema) with a
short job lease. The test watches the database and kills it at different points of one sync of a
3,000-employee sandbox company with payroll, starts a fresh worker each time, and finally lets
one finish. What is served afterwards must equal what an uninterrupted sync of the same company
(same seed, another connection) serves: same records under the same source ids, same bodies,
no duplicate rows or ids, and one job that succeeded after exactly one attempt per worker.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, or_, select

from roost.app import build_runtime, create_app
from roost.applications.models import Application
from roost.connections.models import Connection, ConnectionEntity
from roost.core import migrations
from roost.core.runtime import Runtime
from roost.jobs.handlers import job_handlers
from roost.jobs.models import Job
from roost.jobs.worker import Worker
from roost.settings import Settings
from roost.sync.models import DataRecord, IdMapping, SyncRun
from roost.sync.pages import PAGED_KINDS, SEPARATOR
from roost.webhooks.models import Event
from tests.conftest import PG_SCHEMA, Credentials, _postgres_schema_url, make_application

EMPLOYEES = 3_000
PRODUCTS = [
    "company",
    "directory",
    "individual",
    "ssn",
    "employment",
    "payment",
    "pay_statement",
    "benefits",
    "documents",
]
LEASE_SECONDS = 2.0
# Where each kill lands, as a share of the rows a whole sync writes: right after the sync run
# starts, then somewhere early, in the middle and late (jittered on every run).
KILL_WINDOWS = ((0.0, 0.0), (0.1, 0.35), (0.35, 0.6), (0.6, 0.85))
STEP_TIMEOUT = 120.0


@pytest.fixture
def worker_settings(
    settings: Settings, database_kind: str, tmp_path_factory: pytest.TempPathFactory
) -> Settings:
    """A database of its own, so the worker processes see only this test's jobs."""
    if database_kind == "postgres":
        url = _postgres_schema_url(f"{PG_SCHEMA}_worker" if PG_SCHEMA else "worker")
    else:
        url = f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('worker') / 'roost-worker.db'}"
    own = settings.model_copy(update={"database_url": url, "job_lease_seconds": LEASE_SECONDS})
    migrations.upgrade(own)
    return own


@pytest.fixture
async def worker_runtime(worker_settings: Settings) -> AsyncIterator[Runtime]:
    runtime = build_runtime(worker_settings)
    yield runtime
    await runtime.database.dispose()


@dataclass
class WorkerProcesses:
    """``roost worker`` processes; every one still alive is killed when the test ends."""

    settings: Settings
    workdir: Path
    started: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def start(self) -> subprocess.Popen[bytes]:
        secret_key = self.settings.secret_key
        assert secret_key is not None
        environment = {key: value for key, value in os.environ.items() if not key.startswith("ROOST_")}
        environment.update(
            {
                "ROOST_MODE": "demo",
                "ROOST_DATABASE_URL": self.settings.database_url,
                "ROOST_SECRET_KEY": secret_key.get_secret_value(),
                # The key the test process encrypted the provider credentials with.
                "ROOST_ENCRYPTION_KEY_FILE": str(self.settings.encryption_key_file.resolve()),
                "ROOST_JOB_LEASE_SECONDS": str(self.settings.job_lease_seconds),
                "ROOST_LOG_LEVEL": "WARNING",
            }
        )
        log = (self.workdir / f"worker-{len(self.started)}.log").open("wb")
        process = subprocess.Popen(
            [sys.executable, "-m", "roost.cli.main", "worker", "--concurrency", "2"],
            cwd=self.workdir,  # no stray .env
            env=environment,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
        self.started.append(process)
        return process

    def log(self, process: subprocess.Popen[bytes]) -> str:
        index = self.started.index(process)
        return (self.workdir / f"worker-{index}.log").read_text(errors="replace")[-4000:]

    def stop_all(self) -> None:
        for process in self.started:
            if process.poll() is None:
                process.kill()
                process.wait(timeout=30)


@pytest.fixture
def workers(worker_settings: Settings, tmp_path: Path) -> Iterator[WorkerProcesses]:
    processes = WorkerProcesses(worker_settings, tmp_path)
    try:
        yield processes
    finally:
        processes.stop_all()


async def wait_until(
    check: Callable[[], Awaitable[Any]], what: str, *, timeout: float = STEP_TIMEOUT, every: float = 0.02
) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = await check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(every)


@dataclass
class SandboxCompany:
    client_id: str
    application_id: str
    connection_id: str
    access_token: str


async def create_company(runtime: Runtime, http: httpx.AsyncClient) -> SandboxCompany:
    """A sandbox application and its company, through ``POST /sandbox/connections``."""
    credentials: Credentials = await make_application(runtime, type="sandbox")
    created = await http.post(
        "/sandbox/connections",
        json={"provider_id": "adp_run", "employee_size": EMPLOYEES, "products": PRODUCTS},
        headers=credentials.basic,
    )
    assert created.status_code == 200, created.text
    async with runtime.database.reading() as session:
        application_id = await session.scalar(
            select(Application.id).where(Application.client_id == credentials.client_id)
        )
    body = created.json()
    return SandboxCompany(
        credentials.client_id, str(application_id), body["connection_id"], body["access_token"]
    )


async def copy_company(runtime: Runtime, source: str, target: str) -> None:
    """Make ``target`` the same generated company as ``source`` (same seed, same size)."""
    async with runtime.database.writing() as session:
        original = await session.get(Connection, source)
        copy = await session.get(Connection, target)
        assert original is not None and copy is not None and original.credentials_ciphertext
        account = runtime.keyring.decrypt(original.credentials_ciphertext, original.id)
        copy.credentials_ciphertext = runtime.keyring.encrypt(account, copy.id)
        copy.external_id = original.external_id


async def sync_job(runtime: Runtime, connection_id: str) -> Job:
    async with runtime.database.reading() as session:
        [job] = list(await session.scalars(select(Job).where(Job.connection_id == connection_id)))
    return job


async def sync_runs(runtime: Runtime, connection_id: str) -> list[SyncRun]:
    async with runtime.database.reading() as session:
        return list(
            await session.scalars(
                select(SyncRun).where(SyncRun.connection_id == connection_id).order_by(SyncRun.number)
            )
        )


async def rows_of_sync(runtime: Runtime, connection_id: str, number: int) -> int:
    async with runtime.database.reading() as session:
        return int(
            await session.scalar(
                select(func.count())
                .select_from(DataRecord)
                .where(DataRecord.connection_id == connection_id, DataRecord.valid_from == number)
            )
            or 0
        )


async def names_of(runtime: Runtime, connection_id: str) -> dict[str, str]:
    """Every Roost id of a connection, named by what it stands for at the provider."""
    async with runtime.database.reading() as session:
        mappings = await session.execute(
            select(IdMapping.kind, IdMapping.source_id, IdMapping.roost_id).where(
                IdMapping.connection_id == connection_id
            )
        )
        names = {roost_id: f"{kind}:{source_id}" for kind, source_id, roost_id in mappings.all()}
        entities = await session.execute(
            select(ConnectionEntity.id, ConnectionEntity.source_id).where(
                ConnectionEntity.connection_id == connection_id
            )
        )
        names.update({entity_id: f"entity:{source_id}" for entity_id, source_id in entities.all()})
    return names


def canonical(value: Any, names: dict[str, str]) -> Any:
    """``value`` with every Roost id (also inside ``payment:individual`` ids) replaced by its name."""
    if isinstance(value, str):
        parts = value.split(":")
        return ":".join(names.get(part, part) for part in parts) if any(p in names for p in parts) else value
    if isinstance(value, list):
        return [canonical(item, names) for item in value]
    if isinstance(value, dict):
        return {key: canonical(item, names) for key, item in value.items()}
    return value


def decoded(kind: str, body: str) -> Any:
    if kind in PAGED_KINDS.values():  # a stored listing page: bodies, one per line
        return [json.loads(line) for line in body.split(SEPARATOR)]
    return json.loads(body)


async def served_records(runtime: Runtime, connection_id: str) -> list[tuple[Any, ...]]:
    """The records readers see (those live at the connection's ``live_sync``), canonical."""
    names = await names_of(runtime, connection_id)
    async with runtime.database.reading() as session:
        live = await session.scalar(select(Connection.live_sync).where(Connection.id == connection_id))
        rows = await session.execute(
            select(
                DataRecord.kind,
                DataRecord.roost_id,
                DataRecord.parent_id,
                DataRecord.entity_id,
                DataRecord.sort_key,
                DataRecord.on_date,
                DataRecord.body,
            ).where(
                DataRecord.connection_id == connection_id,
                DataRecord.valid_from <= live,
                or_(DataRecord.valid_to.is_(None), DataRecord.valid_to > live),
            )
        )
    return sorted(
        (
            kind,
            canonical(roost_id, names),
            canonical(parent_id, names),
            canonical(entity_id, names),
            # A sort key is the record's position, then the number of the sync that wrote it
            # (roost.sync.engine): the position must match, the sync number cannot.
            sort_key[:12],
            on_date,
            json.dumps(canonical(decoded(kind, body), names), sort_keys=True),
        )
        for kind, roost_id, parent_id, entity_id, sort_key, on_date, body in rows.all()
    )


async def duplicates(runtime: Runtime, connection_id: str) -> dict[str, list[Any]]:
    """Records with more than one current version, Roost ids minted twice, and the table sizes."""
    async with runtime.database.reading() as session:
        current = await session.execute(
            select(DataRecord.kind, DataRecord.roost_id, func.count())
            .where(DataRecord.connection_id == connection_id, DataRecord.valid_to.is_(None))
            .group_by(DataRecord.kind, DataRecord.roost_id)
            .having(func.count() > 1)
        )
        minted = await session.execute(
            select(IdMapping.kind, IdMapping.roost_id, func.count())
            .where(IdMapping.connection_id == connection_id)
            .group_by(IdMapping.kind, IdMapping.roost_id)
            .having(func.count() > 1)
        )
        rows = await session.scalar(
            select(func.count()).select_from(DataRecord).where(DataRecord.connection_id == connection_id)
        )
        ids = await session.scalar(
            select(func.count()).select_from(IdMapping).where(IdMapping.connection_id == connection_id)
        )
    return {
        "current_versions": list(current.all()),
        "minted_twice": list(minted.all()),
        "sizes": [rows, ids],
    }


async def event_counts(runtime: Runtime, connection_id: str) -> dict[str, int]:
    async with runtime.database.reading() as session:
        rows = await session.execute(
            select(Event.type, func.count()).where(Event.connection_id == connection_id).group_by(Event.type)
        )
    return {event_type: int(count) for event_type, count in rows.all()}


async def served_directory(http: httpx.AsyncClient, runtime: Runtime, company: SandboxCompany) -> Any:
    response = await http.get(
        "/employer/directory",
        params={"limit": 10_000},
        headers={"Authorization": f"Bearer {company.access_token}"},
    )
    assert response.status_code == 200, response.text
    return canonical(response.json(), await names_of(runtime, company.connection_id))


async def kill_mid_sync(
    runtime: Runtime,
    workers: WorkerProcesses,
    connection_id: str,
    after_sync: int,
    rows_target: int,
) -> tuple[int, int]:
    """Start a worker, let it get ``rows_target`` rows into a new sync, SIGKILL it.

    Returns the sync's number and the rows it had written when it died.
    """
    process = workers.start()

    async def running_sync() -> int | None:
        assert process.poll() is None, f"the worker exited: {workers.log(process)}"
        runs = [r for r in await sync_runs(runtime, connection_id) if r.number > after_sync]
        return runs[-1].number if runs and runs[-1].status == "running" else None

    number = int(await wait_until(running_sync, "a worker to start the sync"))

    async def far_enough() -> bool:
        assert process.poll() is None, f"the worker exited: {workers.log(process)}"
        if await rows_of_sync(runtime, connection_id, number) >= rows_target:
            return True
        [run] = [r for r in await sync_runs(runtime, connection_id) if r.number == number]
        assert run.status == "running", f"sync {number} ended ({run.status}) before {rows_target} rows"
        return False

    await wait_until(far_enough, f"sync {number} to write {rows_target} rows", every=0.01)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    written = await rows_of_sync(runtime, connection_id, number)
    [run] = [r for r in await sync_runs(runtime, connection_id) if r.number == number]
    job = await sync_job(runtime, connection_id)
    # Killed in the middle: neither the sync nor its job got to finish.
    assert (run.status, job.status) == ("running", "running"), (number, written, rows_target)
    return number, written


async def test_a_sync_killed_again_and_again_ends_as_if_it_had_never_been_interrupted(
    worker_settings: Settings, worker_runtime: Runtime, workers: WorkerProcesses
) -> None:
    runtime = worker_runtime
    app = create_app(worker_settings, runtime=runtime)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver"
    ) as http:
        killed = await create_company(runtime, http)
        baseline = await create_company(runtime, http)
        await copy_company(runtime, killed.connection_id, baseline.connection_id)

        # The uninterrupted sync of the same company, in this process and before any worker runs.
        await Worker(runtime, job_handlers(), application_ids=(baseline.application_id,)).drain()
        baseline_job = await sync_job(runtime, baseline.connection_id)
        assert baseline_job.status == "succeeded", baseline_job.last_error
        total_rows = await rows_of_sync(runtime, baseline.connection_id, 1)
        assert total_rows > EMPLOYEES * 5

        # Kill the worker syncing the other connection at points spread over the sync.
        rng = random.Random()
        kills: list[tuple[int, int, int]] = []
        last = 0
        for low, high in KILL_WINDOWS:
            target = max(1, int(total_rows * rng.uniform(low, high))) if high else 0
            last, written = await kill_mid_sync(runtime, workers, killed.connection_id, last, target)
            kills.append((last, target, written))

        # A fresh worker takes the job over once the dead one's lease has run out.
        survivor = workers.start()

        async def finished() -> Job | None:
            assert survivor.poll() is None, f"the worker exited: {workers.log(survivor)}"
            job = await sync_job(runtime, killed.connection_id)
            return job if job.status not in ("queued", "running") else None

        job = await wait_until(finished, "the recovered sync to finish", every=0.1)
        survivor.send_signal(signal.SIGTERM)  # graceful: nothing is running any more
        assert survivor.wait(timeout=60) == 0, workers.log(survivor)

        # No lost job: the one sync job succeeded, with one attempt per worker that ran it.
        assert job.status == "succeeded" and job.last_error is None, (job.status, job.last_error, kills)
        assert job.attempts == len(KILL_WINDOWS) + 1 and (job.result or {}).get("status") == "complete"
        async with runtime.database.reading() as session:
            unfinished = await session.scalar(
                select(func.count()).select_from(Job).where(Job.status.in_(("queued", "running")))
            )
            connection = await session.get(Connection, killed.connection_id)
        assert unfinished == 0
        assert connection is not None and connection.status == "connected"
        runs = await sync_runs(runtime, killed.connection_id)
        assert [r.status for r in runs] == ["failed"] * len(KILL_WINDOWS) + ["succeeded"]
        assert connection.live_sync == runs[-1].number and connection.last_sync_result == "success"

        # The same data as the uninterrupted sync, record for record and byte for byte.
        served = await served_records(runtime, killed.connection_id)
        assert len(served) == total_rows
        assert served == await served_records(runtime, baseline.connection_id)
        assert await served_directory(http, runtime, killed) == await served_directory(
            http, runtime, baseline
        )

        # No duplicates: one current version per record, one Roost id per source id, and nothing
        # left behind by the killed syncs.
        left = await duplicates(runtime, killed.connection_id)
        assert left["current_versions"] == [] and left["minted_twice"] == []
        assert left == await duplicates(runtime, baseline.connection_id)

        # Announced once: the killed attempts sent no events.
        assert await event_counts(runtime, killed.connection_id) == await event_counts(
            runtime, baseline.connection_id
        )
