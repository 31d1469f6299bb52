"""50 simultaneous identical requests for one new customer create exactly one session."""

from __future__ import annotations

import asyncio
import uuid

import httpx
from sqlalchemy import func, select

from roost.app import build_runtime
from roost.connect.models import ConnectSession, StagedConnection
from tests.conftest import Credentials, LiveServer


async def test_fifty_concurrent_creates_for_one_customer_share_one_session(
    live_server: LiveServer, live_credentials: Credentials
) -> None:
    customer_id = f"race-{uuid.uuid4()}"
    body = {"customer_id": customer_id, "customer_name": "Race Co", "products": ["company", "directory"]}
    limits = httpx.Limits(max_connections=50)
    async with httpx.AsyncClient(base_url=live_server.url, limits=limits, timeout=60) as http:
        responses = await asyncio.gather(
            *(http.post("/connect/sessions", json=body, headers=live_credentials.basic) for _ in range(50))
        )
    assert [r.status_code for r in responses] == [201] * 50, [
        r.text for r in responses if r.status_code != 201
    ]
    assert len({r.json()["session_id"] for r in responses}) == 1

    runtime = build_runtime(live_server.settings)
    try:
        async with runtime.database.reading() as session:
            staged = await session.scalar(
                select(func.count())
                .select_from(StagedConnection)
                .where(StagedConnection.customer_id == customer_id)
            )
            sessions = await session.scalar(
                select(func.count())
                .select_from(ConnectSession)
                .where(ConnectSession.customer_id == customer_id)
            )
    finally:
        await runtime.database.dispose()
    assert staged == 1
    assert sessions == 1
