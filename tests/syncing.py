"""Helpers for tests that need a connected, synced sandbox company."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx
from sqlalchemy import select

from roost.connections.models import Connection
from roost.connections.service import SYNC_JOB, sync_dedupe_key
from roost.core.runtime import Runtime
from roost.jobs.handlers import job_handlers
from roost.jobs.queue import enqueue
from roost.jobs.worker import Worker
from tests.conftest import Credentials, jobs_scope
from tests.connect_driver import ConnectDriver, query_of

REDIRECT = "https://app.example.com/callback"


@dataclass
class Connected:
    access_token: str
    connection_id: str

    @property
    def bearer(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.access_token}"}


async def connect_sandbox(
    client: httpx.AsyncClient,
    creds: Credentials,
    *,
    customer_id: str = "acme",
    password: str = "good_pass",
    products: list[str] | None = None,
    provider: str = "paycom",
    **session: Any,
) -> Connected:
    payload = {
        "customer_id": customer_id,
        "customer_name": "Acme Corp",
        "redirect_uri": REDIRECT,
        "sandbox": "finch",
        "products": products
        or [
            "company",
            "directory",
            "individual",
            "ssn",
            "employment",
            "payment",
            "pay_statement",
            "benefits",
        ],
        **session,
    }
    created = await client.post("/connect/sessions", json=payload, headers=creds.basic)
    assert created.status_code == 201, created.text
    driver = ConnectDriver(client, created.json()["session_id"])
    await driver.open()
    await driver.sign_in(provider, username="good_user", password=password)
    if password == "account_selection":
        await driver.post("/authorize/entities", entity_id=["ent-1", "ent-2"])
    code = query_of(await driver.post("/authorize/consent", decision="grant"))["code"]
    token = await client.post(
        "/auth/token",
        json={
            "client_id": creds.client_id,
            "client_secret": creds.client_secret,
            "code": code,
            "redirect_uri": REDIRECT,
        },
    )
    assert token.status_code == 200, token.text
    return Connected(token.json()["access_token"], token.json()["connection_id"])


async def run_jobs(runtime: Runtime) -> None:
    await Worker(runtime, job_handlers(), concurrency=2, application_ids=jobs_scope(runtime)).drain()


async def resync(runtime: Runtime, connection_id: str) -> None:
    async with runtime.database.writing() as session:
        application_id = await session.scalar(
            select(Connection.application_id).where(Connection.id == connection_id)
        )
        await enqueue(
            session,
            runtime.clock.now(),
            SYNC_JOB,
            connection_id=connection_id,
            application_id=application_id,
            dedupe_key=sync_dedupe_key(connection_id),
            public_type="data_sync_all",
        )
    await run_jobs(runtime)


async def live_sync(runtime: Runtime, connection_id: str) -> int:
    async with runtime.database.reading() as session:
        return int(
            await session.scalar(select(Connection.live_sync).where(Connection.id == connection_id)) or 0
        )
