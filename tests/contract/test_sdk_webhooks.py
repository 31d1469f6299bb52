"""Roost's webhook deliveries, received by an app that verifies them with the official SDK.

The receiver is what a customer would write: a web app on loopback that calls
``Finch(webhook_secret=...).webhooks.unwrap(body, headers)`` and answers 400 when that raises.
Roost runs on the real clock here, because the SDK checks timestamps against the real time.
"""

from __future__ import annotations

import threading
import time
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
import uvicorn
from finch import Finch
from finch.types import (
    AccountUpdateEvent,
    CompanyEvent,
    DirectoryEvent,
    JobCompletionEvent,
    PaymentEvent,
    PayStatementEvent,
    WebhookEvent,
)
from sqlalchemy import select
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from roost.app import build_runtime
from roost.applications.models import Application
from roost.core import identifiers
from roost.core.runtime import Runtime
from roost.jobs.worker import Worker
from roost.settings import Settings
from roost.webhooks import endpoints, service
from roost.webhooks.delivery import WEBHOOK_DELIVERY_JOB, deliver_webhook
from roost.webhooks.schemas import WebhookEndpointCreate
from tests.conftest import jobs_scope, make_application

pytestmark = pytest.mark.contract


class SdkReceiver:
    """A customer's webhook handler, served by uvicorn on a loopback port."""

    def __init__(self) -> None:
        self.secret = ""
        self.accepted: list[WebhookEvent] = []
        self.rejected: list[str] = []
        app = Starlette(routes=[Route("/webhooks/finch", self._receive, methods=["POST"])])
        config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="off")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    async def _receive(self, request: Request) -> Response:
        body = await request.body()
        with Finch(access_token="unused", webhook_secret=self.secret) as sdk:
            try:
                self.accepted.append(sdk.webhooks.unwrap(body, request.headers))
            except ValueError as exc:
                self.rejected.append(str(exc))
                return Response(status_code=400)
        return Response(status_code=204)

    def start(self) -> str:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("receiver did not start")
            time.sleep(0.02)
        port = self.server.servers[0].sockets[0].getsockname()[1]
        return f"http://127.0.0.1:{port}/webhooks/finch"

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


@pytest.fixture
def receiver() -> Iterator[tuple[SdkReceiver, str]]:
    serving = SdkReceiver()
    url = serving.start()
    yield serving, url
    serving.stop()


@pytest.fixture
async def real_time_runtime(settings: Settings) -> AsyncIterator[Runtime]:
    runtime = build_runtime(settings)
    yield runtime
    await runtime.database.dispose()


EVENTS: list[tuple[str, dict[str, Any], type[Any]]] = [
    (
        "account.updated",
        {"status": "connected", "authentication_method": {"type": "oauth"}},
        AccountUpdateEvent,
    ),
    ("company.updated", {}, CompanyEvent),
    ("directory.created", {"individual_id": identifiers.new_uuid()}, DirectoryEvent),
    ("payment.created", {"payment_id": identifiers.new_uuid(), "pay_date": "2026-11-30"}, PaymentEvent),
    (
        "pay_statement.updated",
        {"payment_id": identifiers.new_uuid(), "individual_id": identifiers.new_uuid()},
        PayStatementEvent,
    ),
    (
        "job.data_sync_all.completed",
        {"job_id": "j-1", "job_url": "http://127.0.0.1/jobs/j-1"},
        JobCompletionEvent,
    ),
]


async def emit(
    runtime: Runtime, client_id: str, connection_id: str, event_type: str, data: dict[str, Any]
) -> None:
    async with runtime.database.writing() as session:
        application_id = await session.scalar(
            select(Application.id).where(Application.client_id == client_id)
        )
        assert application_id is not None
        await service.emit(
            session,
            runtime,
            application_id=application_id,
            connection_id=connection_id,
            event_type=event_type,
            data=data,
            entity_id=connection_id,
        )


async def drain(runtime: Runtime) -> None:
    await Worker(
        runtime, {WEBHOOK_DELIVERY_JOB: deliver_webhook}, application_ids=jobs_scope(runtime)
    ).drain()


async def test_the_sdk_unwraps_every_kind_of_event_roost_delivers(
    real_time_runtime: Runtime, receiver: tuple[SdkReceiver, str]
) -> None:
    sdk_receiver, url = receiver
    app = await make_application(real_time_runtime)
    endpoint = await endpoints.create_endpoint(
        real_time_runtime, app.client_id, WebhookEndpointCreate(url=url)
    )
    sdk_receiver.secret = endpoint.secret
    connection_id = identifiers.new_uuid()
    for event_type, data, _kind in EVENTS:
        await emit(real_time_runtime, app.client_id, connection_id, event_type, data)
    await drain(real_time_runtime)

    assert sdk_receiver.rejected == []
    received = {event.event_type: event for event in sdk_receiver.accepted}
    # Deliveries run concurrently, so they may arrive in any order.
    assert sorted(received) == sorted(event_type for event_type, _data, _kind in EVENTS)
    for event_type, data, kind in EVENTS:
        event = received[event_type]
        assert isinstance(event, kind)
        assert (event.connection_id, event.company_id, event.entity_id) == (connection_id,) * 3
        assert event.data is not None
        parsed = event.data if isinstance(event.data, dict) else event.data.to_dict()
        assert parsed == data


async def test_after_a_secret_rotation_the_old_secret_no_longer_verifies(
    real_time_runtime: Runtime, receiver: tuple[SdkReceiver, str]
) -> None:
    sdk_receiver, url = receiver
    app = await make_application(real_time_runtime)
    endpoint = await endpoints.create_endpoint(
        real_time_runtime, app.client_id, WebhookEndpointCreate(url=url)
    )
    sdk_receiver.secret = endpoint.secret
    rotated = await endpoints.rotate_secret(real_time_runtime, app.client_id, endpoint.id)
    await emit(real_time_runtime, app.client_id, identifiers.new_uuid(), "company.updated", {})
    await drain(real_time_runtime)
    assert sdk_receiver.accepted == [] and len(sdk_receiver.rejected) == 1

    [delivery] = await service.list_deliveries(real_time_runtime, app.client_id, endpoint.id)
    assert delivery.status == "pending" and delivery.last_error == "HTTP 400"
    sdk_receiver.secret = rotated.secret
    await service.redeliver_delivery(real_time_runtime, app.client_id, delivery.id)
    await drain(real_time_runtime)
    assert [event.event_type for event in sdk_receiver.accepted] == ["company.updated"]
