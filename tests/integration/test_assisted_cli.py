"""``roost connections assisted``: an operator confirms or fails assisted connections."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from typing import Any

import httpx
import pytest
from sqlalchemy import select, update

from roost.cli import main as cli_main
from roost.connections.models import Connection, ConnectionEntity, ConnectionStatusChange
from roost.core.clock import FakeClock
from roost.core.runtime import Runtime
from roost.settings import Settings
from tests.conftest import make_application
from tests.factories import insert_connection
from tests.integration.test_sandbox_api import bearer, create
from tests.syncing import live_sync, run_jobs


def _entry_point() -> list[str]:
    wired = any(group.name == "connections" for group in cli_main.app.registered_groups)
    # Until cli/main.py adds the sub-app, its module runs on its own.
    return ["-m", "roost.cli.main", "connections"] if wired else ["-m", "roost.cli.connections"]


def roost(settings: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "ROOST_DATABASE_URL": settings.database_url,
        "ROOST_SECRET_KEY": "test-server-key-not-for-production",
        # The same key as the test runtime: confirm seals new sandbox credentials.
        "ROOST_ENCRYPTION_KEY_FILE": str(settings.encryption_key_file),
    }
    return subprocess.run(
        [sys.executable, *_entry_point(), "assisted", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.fixture(autouse=True)
def clock_at_wall_time(clock: FakeClock) -> None:
    # The CLI runs on the system clock; its jobs must be due for this test's worker.
    clock.advance(seconds=(dt.datetime.now(dt.UTC) - clock.now()).total_seconds() + 60)


async def history(runtime: Runtime, connection_id: str) -> list[tuple[str, str | None]]:
    async with runtime.database.reading() as session:
        rows = await session.scalars(
            select(ConnectionStatusChange)
            .where(ConnectionStatusChange.connection_id == connection_id)
            .order_by(ConnectionStatusChange.id)
        )
        return [(row.status, row.reason) for row in rows]


async def connect_assisted(runtime: Runtime) -> str:
    """What Roost Connect leaves behind for a Finch-mode assisted connection: no company yet."""
    creds = await make_application(runtime, type="sandbox")
    connection_id = await insert_connection(runtime, creds.client_id, "assisted-co", status="pending")
    async with runtime.database.writing() as session:
        await session.execute(
            update(Connection)
            .where(Connection.id == connection_id)
            .values(
                auth_method="assisted",
                provider_id="adp_workforce_now",
                credentials_ciphertext=runtime.keyring.encrypt({"assisted": True}, connection_id),
            )
        )
    return connection_id


async def test_confirming_gives_a_sandbox_company_and_the_first_sync_connects_it(
    settings: Settings, runtime: Runtime
) -> None:
    connection_id = await connect_assisted(runtime)
    listed = roost(settings, "list", "--json")
    assert listed.returncode == 0, listed.stderr
    assert connection_id in {c["connection_id"] for c in json.loads(listed.stdout)}
    confirmed = roost(settings, "confirm", connection_id, "--json")
    assert confirmed.returncode == 0, confirmed.stderr
    assert json.loads(confirmed.stdout)["status"] == "processing"
    await run_jobs(runtime)
    assert await live_sync(runtime, connection_id) == 1
    async with runtime.database.reading() as session:
        entities = list(
            await session.scalars(
                select(ConnectionEntity).where(ConnectionEntity.connection_id == connection_id)
            )
        )
    assert len(entities) == 1
    assert (await history(runtime, connection_id))[-2:] == [
        ("processing", "operator_confirmed_access"),
        ("connected", "first_sync_succeeded"),
    ]
    assert connection_id not in roost(settings, "list").stdout
    assert connection_id in roost(settings, "list", "--all").stdout


async def test_a_failed_assisted_connection_says_why_until_it_is_confirmed(
    settings: Settings, runtime: Runtime, api: httpx.AsyncClient
) -> None:
    creds = await make_application(runtime, type="sandbox")
    created: dict[str, Any] = await create(
        api, creds, provider_id="adp_run", authentication_type="assisted", employee_size=3
    )
    assert created["authentication_type"] == "assisted"
    await run_jobs(runtime)  # nothing runs: access is not confirmed yet
    assert (await api.get("/introspect", headers=bearer(created))).json()["connection_status"][
        "status"
    ] == "pending"
    connection_id = created["connection_id"]
    failed = roost(
        settings, "fail", connection_id, "--reason", "permissions", "--note", "invited as a viewer"
    )
    assert failed.returncode == 0, failed.stderr
    assert "error_permissions" in failed.stdout
    denied = await api.get("/employer/company", headers=bearer(created))
    assert denied.status_code == 403 and denied.json()["finch_code"] == "insufficient_account_permissions"
    assert roost(settings, "confirm", connection_id).returncode == 0
    await run_jobs(runtime)
    assert (await api.get("/employer/company", headers=bearer(created))).status_code == 200
    assert [status for status, _ in await history(runtime, connection_id)] == [
        "pending", "error_permissions", "processing", "connected",
    ]  # fmt: skip
    assert ("error_permissions", "invited as a viewer") in await history(runtime, connection_id)


async def test_no_account_setup_is_recorded(settings: Settings, runtime: Runtime) -> None:
    connection_id = await connect_assisted(runtime)
    result = roost(settings, "fail", connection_id, "--reason", "no_account_setup", "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["status"] == "error_no_account_setup"
    assert (await history(runtime, connection_id))[-1] == (
        "error_no_account_setup",
        "operator_reported_no_account_setup",
    )


async def test_operator_mistakes_are_clear_errors(settings: Settings, runtime: Runtime) -> None:
    missing = roost(settings, "confirm", "00000000-0000-4000-8000-000000000000")
    assert missing.returncode == 1 and "No assisted connection" in missing.stderr
    assert "Traceback" not in missing.stderr
    connection_id = await connect_assisted(runtime)
    assert roost(settings, "confirm", connection_id).returncode == 0
    again = roost(settings, "confirm", connection_id)
    assert again.returncode == 1 and "Cannot confirm a connection that is processing" in again.stderr
    bad_reason = roost(settings, "fail", connection_id, "--reason", "bored")
    assert bad_reason.returncode == 2
    creds = await make_application(runtime, type="sandbox")
    automated = await insert_connection(runtime, creds.client_id, "automated-co")
    assert roost(settings, "confirm", automated).returncode == 1
