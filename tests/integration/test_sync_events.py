"""Webhooks from syncs and status changes: exactly what changed, delivered and signed."""

from __future__ import annotations

import json
from collections import Counter

import httpx

from roost.connections.models import Connection
from roost.core.runtime import Runtime
from roost.webhooks import endpoints
from roost.webhooks.schemas import WebhookEndpointCreate
from tests.conftest import Credentials
from tests.integration.test_webhooks_delivery import Receiver, receiver  # noqa: F401 - fixture
from tests.syncing import connect_sandbox, resync, run_jobs


def event_types(hooks: Receiver, since: int = 0) -> Counter[str]:
    return Counter(json.loads(r.body)["event_type"] for r in hooks.requests[since:])


async def grow_company(runtime: Runtime, connection_id: str) -> None:
    """The provider hires someone: the sandbox company gains one employee."""
    async with runtime.database.writing() as session:
        connection = await session.get(Connection, connection_id)
        assert connection is not None and connection.credentials_ciphertext
        credentials = runtime.keyring.decrypt(connection.credentials_ciphertext, connection.id)
        credentials["employee_size"] += 1
        connection.credentials_ciphertext = runtime.keyring.encrypt(credentials, connection.id)


async def test_syncs_announce_jobs_then_only_real_changes(
    client: httpx.AsyncClient,
    app_credentials: Credentials,
    runtime: Runtime,
    receiver: Receiver,  # noqa: F811
) -> None:
    await endpoints.create_endpoint(
        runtime, app_credentials.client_id, WebhookEndpointCreate(url=receiver.url)
    )
    connected = await connect_sandbox(
        client, app_credentials, products=["company", "directory", "individual", "employment"]
    )
    await run_jobs(runtime)
    first = event_types(receiver)
    assert first == Counter(
        {
            "account.updated": 1,
            "job.initial_data_sync_org.succeeded": 1,
            "job.initial_data_sync_payroll.succeeded": 1,
            "job.data_sync_all.completed": 1,
        }
    )
    payload = json.loads(receiver.requests[0].body)
    assert payload["connection_id"] == connected.connection_id and payload["data"]["status"] == "connected"

    seen = len(receiver.requests)
    await resync(runtime, connected.connection_id)
    assert event_types(receiver, seen) == Counter({"job.data_sync_all.completed": 1})

    seen = len(receiver.requests)
    await grow_company(runtime, connected.connection_id)
    await resync(runtime, connected.connection_id)
    changed = event_types(receiver, seen)
    assert changed["directory.created"] == changed["individual.created"] == changed["employment.created"] == 1
    assert not any(kind.endswith(".deleted") for kind in changed)
    created = next(
        json.loads(r.body)
        for r in receiver.requests[seen:]
        if json.loads(r.body)["event_type"] == "directory.created"
    )
    directory = (
        await client.get("/employer/directory", params={"limit": 100}, headers=connected.bearer)
    ).json()
    assert created["data"]["individual_id"] in {p["id"] for p in directory["individuals"]}
    assert directory["paging"]["count"] == 21


async def test_disconnect_is_announced(
    client: httpx.AsyncClient,
    app_credentials: Credentials,
    runtime: Runtime,
    receiver: Receiver,  # noqa: F811
) -> None:
    await endpoints.create_endpoint(
        runtime,
        app_credentials.client_id,
        WebhookEndpointCreate(url=receiver.url, event_types=["account.updated"]),
    )
    connected = await connect_sandbox(client, app_credentials, customer_id="leaving")
    await client.post("/disconnect", headers=connected.bearer)
    await run_jobs(runtime)
    # Deliveries run concurrently and, like Finch's, may arrive in either order; the event
    # feed holds the order in which they were announced.
    statuses = [json.loads(r.body)["data"]["status"] for r in receiver.requests]
    assert sorted(statuses) == ["connected", "disconnected"]
    feed = await client.get("/events", params={"limit": 1000}, headers=app_credentials.basic)
    assert feed.status_code == 200, feed.text
    announced = [
        event["data"]["status"]
        for event in feed.json()["data"]
        if event["connection_id"] == connected.connection_id and event["event_type"] == "account.updated"
    ]
    assert announced == ["connected", "disconnected"]
