"""Webhooks over HTTP and the command line: the admin API, the ``/events`` feed, ``roost webhooks``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select

from roost.app import create_app
from roost.applications.models import Application
from roost.core.runtime import Runtime
from roost.settings import Settings
from roost.webhooks import service
from roost.webhooks.models import WebhookEndpoint
from roost.webhooks.routes import router as webhooks_router
from tests.conftest import ADMIN_TOKEN, Credentials, make_application
from tests.factories import insert_connection
from tests.syncing import connect_sandbox

ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}


def with_webhooks(app: FastAPI) -> FastAPI:
    # Until create_app wires the webhooks router itself; afterwards this adds nothing.
    if not any(getattr(route, "path", None) == "/events" for route in app.routes):
        app.include_router(webhooks_router)
    return app


@pytest.fixture
async def client(settings: Settings, runtime: Runtime) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=with_webhooks(create_app(settings, runtime=runtime)))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield http


async def application_id(runtime: Runtime, client_id: str) -> str:
    async with runtime.database.reading() as session:
        found = await session.scalar(select(Application.id).where(Application.client_id == client_id))
    assert found is not None
    return found


async def emit_many(
    runtime: Runtime, client_id: str, connection_id: str, count: int, event_type: str = "directory.updated"
) -> None:
    owner = await application_id(runtime, client_id)
    async with runtime.database.writing() as session:
        for number in range(count):
            await service.emit(
                session,
                runtime,
                application_id=owner,
                connection_id=connection_id,
                event_type=event_type,
                data={"individual_id": f"ind-{number}"},
            )


async def read_feed(client: httpx.AsyncClient, headers: dict[str, str], **query: Any) -> list[dict[str, Any]]:
    """Every event after ``query['after']``, following ``next`` page by page."""
    events: list[dict[str, Any]] = []
    while True:
        page = await client.get("/events", params=query, headers=headers)
        assert page.status_code == 200, page.text
        body = page.json()
        events += body["data"]
        query["after"] = body["next"]
        if not body["has_more"]:
            return events


async def test_admin_api_manages_endpoints_and_shows_the_secret_only_once(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    app = await make_application(runtime)
    base = f"/admin/applications/{app.client_id}/webhooks"
    assert (await client.get(base)).status_code == 401
    created = await client.post(
        base, json={"url": "http://localhost:9000/hook", "event_types": ["account.updated"]}, headers=ADMIN
    )
    assert created.status_code == 201, created.text
    endpoint = created.json()
    assert endpoint["enabled"] is True and endpoint["event_types"] == ["account.updated"]
    listed = (await client.get(base, headers=ADMIN)).json()
    assert [e["id"] for e in listed] == [endpoint["id"]] and "secret" not in listed[0]

    changed = await client.patch(
        f"{base}/{endpoint['id']}", json={"enabled": False, "event_types": ["*"]}, headers=ADMIN
    )
    assert changed.json()["enabled"] is False and changed.json()["event_types"] == ["*"]
    rotated = (await client.post(f"{base}/{endpoint['id']}/rotate-secret", headers=ADMIN)).json()
    assert rotated["secret"] != endpoint["secret"]
    assert (await client.delete(f"{base}/{endpoint['id']}", headers=ADMIN)).status_code == 204
    gone = await client.delete(f"{base}/{endpoint['id']}", headers=ADMIN)
    assert gone.status_code == 404 and gone.json()["name"] == "not_found_error"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"url": "ftp://example.com/hook"}, "http(s) URL"),
        ({"url": "https://example.com/hook#frag"}, "fragment"),
        ({"url": "https://example.com/hook", "event_types": ["directory.exploded"]}, "directory.exploded"),
        ({"url": "https://example.com/hook", "secret": "mine"}, "secret"),
    ],
)
async def test_admin_api_rejects_bad_endpoints_in_finch_format(
    client: httpx.AsyncClient, runtime: Runtime, body: dict[str, Any], message: str
) -> None:
    app = await make_application(runtime)
    response = await client.post(f"/admin/applications/{app.client_id}/webhooks", json=body, headers=ADMIN)
    assert response.status_code == 400
    assert response.json()["finch_code"] == "invalid_request" and message in response.json()["message"]


async def test_admin_api_redelivers_an_event_and_lists_deliveries(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    app = await make_application(runtime)
    base = f"/admin/applications/{app.client_id}/webhooks"
    connection_id = await insert_connection(runtime, app.client_id, "redeliver-co")
    endpoint = (
        await client.post(base, json={"url": "http://127.0.0.1:9/never-reached"}, headers=ADMIN)
    ).json()
    await emit_many(runtime, app.client_id, connection_id, 1, "company.updated")
    [event] = await read_feed(client, app.basic)

    resent = await client.post(f"{base}/events/{event['id']}/redeliver", headers=ADMIN)
    assert resent.status_code == 202, resent.text
    [delivery] = resent.json()
    assert delivery["event_id"] == event["id"] and delivery["status"] == "pending"
    listed = (await client.get(f"{base}/{endpoint['id']}/deliveries", headers=ADMIN)).json()
    assert len(listed) == 2 and {d["event_type"] for d in listed} == {"company.updated"}
    again = await client.post(f"{base}/deliveries/{delivery['id']}/redeliver", headers=ADMIN)
    assert again.status_code == 202 and again.json()["id"] == delivery["id"]
    # Removing the endpoint ends the queued deliveries, so no later test's worker sends them.
    assert (await client.delete(f"{base}/{endpoint['id']}", headers=ADMIN)).status_code == 204

    other = await make_application(runtime)
    foreign = await client.post(
        f"/admin/applications/{other.client_id}/webhooks/events/{event['id']}/redeliver", headers=ADMIN
    )
    assert foreign.status_code == 404


async def test_the_feed_pages_an_applications_events_in_order(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    app = await make_application(runtime)
    first = await insert_connection(runtime, app.client_id, "feed-1")
    second = await insert_connection(runtime, app.client_id, "feed-2")
    await emit_many(runtime, app.client_id, first, 3)
    await emit_many(runtime, app.client_id, second, 2, "payment.created")

    page = (await client.get("/events", params={"limit": 2}, headers=app.basic)).json()
    assert len(page["data"]) == 2 and page["has_more"] is True and page["next"] == page["data"][-1]["cursor"]
    events = await read_feed(client, app.basic, limit=2)
    assert [e["connection_id"] for e in events] == [first] * 3 + [second] * 2
    assert [int(e["cursor"]) for e in events] == sorted(int(e["cursor"]) for e in events)
    assert events[0]["data"] == {"individual_id": "ind-0"} and events[0]["company_id"] == first
    assert events[3]["event_type"] == "payment.created" and events[3]["entity_id"] is None

    caught_up = (
        await client.get("/events", params={"after": events[-1]["cursor"]}, headers=app.basic)
    ).json()
    assert caught_up == {"data": [], "next": events[-1]["cursor"], "has_more": False}
    await emit_many(runtime, app.client_id, second, 1)
    newer = await read_feed(client, app.basic, after=events[-1]["cursor"])
    assert [e["connection_id"] for e in newer] == [second]


async def test_a_bearer_token_reads_only_its_connections_events(
    client: httpx.AsyncClient, runtime: Runtime, app_credentials: Credentials
) -> None:
    mine = await connect_sandbox(client, app_credentials, customer_id="events-mine")
    theirs = await connect_sandbox(client, app_credentials, customer_id="events-theirs")
    await emit_many(runtime, app_credentials.client_id, mine.connection_id, 2)
    await emit_many(runtime, app_credentials.client_id, theirs.connection_id, 2)

    events = await read_feed(client, mine.bearer)
    assert {e["connection_id"] for e in events} == {mine.connection_id}
    assert len([e for e in events if e["event_type"] == "directory.updated"]) == 2
    everything = await read_feed(client, app_credentials.basic)
    assert {mine.connection_id, theirs.connection_id} <= {e["connection_id"] for e in everything}


@pytest.mark.parametrize(
    ("query", "field"), [({"after": "abc"}, "after"), ({"limit": 0}, "limit"), ({"limit": 1001}, "limit")]
)
async def test_the_feed_rejects_bad_paging_in_finch_format(
    client: httpx.AsyncClient, runtime: Runtime, query: dict[str, Any], field: str
) -> None:
    app = await make_application(runtime)
    response = await client.get("/events", params=query, headers=app.basic)
    assert response.status_code == 400
    assert response.json()["name"] == "bad_request" and field in response.json()["message"]


async def test_the_feed_needs_credentials(client: httpx.AsyncClient) -> None:
    missing = await client.get("/events")
    assert missing.status_code == 401 and missing.json()["name"] == "unauthorized_request_error"
    wrong = await client.get("/events", headers={"Authorization": "Bearer roost_at_nope"})
    assert wrong.status_code == 401 and wrong.json()["name"] == "invalid_token_error"


def roost_webhooks(settings: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "ROOST_DATABASE_URL": settings.database_url,
        "ROOST_SECRET_KEY": "test-server-key-not-for-production",
        "ROOST_ENCRYPTION_KEY_FILE": str(settings.encryption_key_file),
    }
    program = "from roost.webhooks.cli import app; app(prog_name='roost webhooks')"
    return subprocess.run(
        [sys.executable, "-c", program, *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


async def test_webhooks_lifecycle_from_the_command_line(settings: Settings, runtime: Runtime) -> None:
    app = await make_application(runtime)
    added = roost_webhooks(
        settings, "add", app.client_id, "http://127.0.0.1:9/hook", "--event-type", "account.updated", "--json"
    )
    assert added.returncode == 0, added.stderr
    endpoint = json.loads(added.stdout)
    async with runtime.database.reading() as session:
        row = await session.get(WebhookEndpoint, endpoint["id"])
    assert row is not None and runtime.keyring.decrypt(row.secret_ciphertext, row.id) == endpoint["secret"]

    listed = roost_webhooks(settings, "list", app.client_id)
    assert endpoint["id"] in listed.stdout and endpoint["secret"] not in listed.stdout
    rotated = json.loads(
        roost_webhooks(settings, "rotate-secret", app.client_id, endpoint["id"], "--json").stdout
    )
    assert rotated["secret"] != endpoint["secret"]
    disabled = json.loads(roost_webhooks(settings, "disable", app.client_id, endpoint["id"], "--json").stdout)
    assert disabled["enabled"] is False
    assert "Removed" in roost_webhooks(settings, "remove", app.client_id, endpoint["id"]).stdout

    missing = roost_webhooks(settings, "redeliver", app.client_id, "--event", "evt_missing")
    assert missing.returncode == 1 and "No event" in missing.stderr and "Traceback" not in missing.stderr
    bad = roost_webhooks(settings, "add", app.client_id, "gopher://x", "--json")
    assert bad.returncode == 1 and "http(s) URL" in bad.stderr
