"""Webhook delivery against a real HTTP receiver on loopback, with a fake clock.

The receiver is a threaded ``http.server`` that answers from a script (fail, rate-limit,
recover); the test moves the clock to each scheduled retry and drains the worker.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import time_machine
from finch import Finch
from sqlalchemy import select

from roost.applications.models import Application
from roost.core import identifiers
from roost.core.clock import FakeClock
from roost.core.runtime import Runtime
from roost.jobs.models import Job
from roost.jobs.worker import Worker
from roost.webhooks import endpoints, service
from roost.webhooks.delivery import WEBHOOK_DELIVERY_JOB, deliver_webhook, make_delivery_handler
from roost.webhooks.models import Event, WebhookDelivery, WebhookEndpoint
from roost.webhooks.retries import RETRY_WINDOW
from roost.webhooks.schemas import (
    WebhookDeliveryOut,
    WebhookEndpointCreate,
    WebhookEndpointUpdate,
    WebhookEndpointWithSecret,
)
from roost.webhooks.transport import HttpxTransport
from tests.conftest import jobs_scope, make_application, stored_anywhere


@dataclass
class Reply:
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


class Receiver:
    """A webhook receiver on 127.0.0.1 that answers from ``script``, then with ``default``."""

    def __init__(self, default: Reply | None = None) -> None:
        self.script: list[Reply] = []
        self.default = default or Reply()
        self.requests: list[Received] = []
        self._lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hooks/finch"

    def _answer(self, received: Received) -> Reply:
        with self._lock:
            self.requests.append(received)
            return self.script.pop(0) if self.script else self.default

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                headers = {name.lower(): value for name, value in self.headers.items()}
                reply = receiver._answer(Received(self.path, headers, body))
                time.sleep(reply.delay)
                self.send_response(reply.status)
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: object) -> None:
                """Quiet: the test asserts on ``requests`` instead."""

        return Handler

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    serving = Receiver()
    yield serving
    serving.close()


@dataclass
class Tenant:
    client_id: str
    application_id: str
    connection_id: str


@pytest.fixture
async def tenant(runtime: Runtime) -> Tenant:
    credentials = await make_application(runtime)
    async with runtime.database.reading() as session:
        application_id = await session.scalar(
            select(Application.id).where(Application.client_id == credentials.client_id)
        )
    assert application_id is not None
    return Tenant(credentials.client_id, application_id, identifiers.new_uuid())


async def add_endpoint(
    runtime: Runtime, tenant: Tenant, url: str, event_types: list[str] | None = None, enabled: bool = True
) -> WebhookEndpointWithSecret:
    request = WebhookEndpointCreate(url=url, event_types=event_types or ["*"], enabled=enabled)
    return await endpoints.create_endpoint(runtime, tenant.client_id, request)


async def emit(runtime: Runtime, tenant: Tenant, event_type: str = "directory.created") -> list[str]:
    async with runtime.database.writing() as session:
        return await service.emit(
            session,
            runtime,
            application_id=tenant.application_id,
            connection_id=tenant.connection_id,
            event_type=event_type,
            data={"individual_id": "0b7f0e3a-5c8e-4d57-9d52-1b2f6c9f1a11"},
        )


async def drain(runtime: Runtime) -> None:
    await Worker(
        runtime, {WEBHOOK_DELIVERY_JOB: deliver_webhook}, concurrency=4, application_ids=jobs_scope(runtime)
    ).drain()


async def job_of(runtime: Runtime, job_id: str) -> Job:
    async with runtime.database.reading() as session:
        job = await session.get(Job, job_id)
    assert job is not None
    return job


async def deliveries_of(runtime: Runtime, tenant: Tenant, endpoint_id: str) -> list[WebhookDeliveryOut]:
    return await service.list_deliveries(runtime, tenant.client_id, endpoint_id)


async def test_a_delivery_is_signed_so_the_sdk_verifies_it(
    runtime: Runtime, clock: FakeClock, tenant: Tenant, receiver: Receiver
) -> None:
    endpoint = await add_endpoint(runtime, tenant, receiver.url)
    [job_id] = await emit(runtime, tenant)
    await drain(runtime)

    [request] = receiver.requests
    async with runtime.database.reading() as session:
        event = await session.scalar(select(Event).where(Event.connection_id == tenant.connection_id))
    assert event is not None and event.id.startswith("evt_")
    assert request.headers["finch-event-id"] == event.id
    assert request.headers["finch-timestamp"] == str(int(clock.now().timestamp()))
    assert request.headers["content-type"] == "application/json"
    # The SDK checks the timestamp against the real time: travel to the fake clock's "now".
    with time_machine.travel(clock.now(), tick=False), Finch(access_token="unused") as sdk:
        unwrapped = sdk.webhooks.unwrap(request.body, request.headers, secret=endpoint.secret)
    assert unwrapped.event_type == "directory.created"
    assert unwrapped.connection_id == unwrapped.company_id == tenant.connection_id
    assert (await job_of(runtime, job_id)).status == "succeeded"
    [delivery] = await deliveries_of(runtime, tenant, endpoint.id)
    assert delivery.status == "delivered" and delivery.delivered_at == clock.now()
    assert [(a.status_code, a.error) for a in delivery.history] == [(200, None)]


async def test_a_failing_receiver_is_retried_with_growing_jittered_delays_until_it_recovers(
    runtime: Runtime, clock: FakeClock, tenant: Tenant, receiver: Receiver
) -> None:
    receiver.script = [Reply(500), Reply(503), Reply(200)]
    endpoint = await add_endpoint(runtime, tenant, receiver.url)
    [job_id] = await emit(runtime, tenant)
    attempted_at = []
    for low, high in [(7.5, 15.0), (15.0, 30.0)]:
        await drain(runtime)
        attempted_at.append(clock.now())
        job = await job_of(runtime, job_id)
        assert job.status == "queued"
        wait = (job.run_at - clock.now()).total_seconds()
        assert low <= wait <= high
        clock.advance(seconds=wait - 1)
        await drain(runtime)  # not due yet: nothing is sent early
        assert len(receiver.requests) == len(attempted_at)
        clock.advance(seconds=1)
    await drain(runtime)
    attempted_at.append(clock.now())

    assert (await job_of(runtime, job_id)).status == "succeeded"
    [delivery] = await deliveries_of(runtime, tenant, endpoint.id)
    assert delivery.status == "delivered" and delivery.attempts == 3
    assert [(a.attempted_at, a.status_code) for a in delivery.history] == list(
        zip(attempted_at, [500, 503, 200], strict=True)
    )
    assert all(a.duration_ms >= 0 for a in delivery.history)
    assert len({r.headers["finch-event-id"] for r in receiver.requests}) == 1


async def test_a_rate_limited_receiver_is_retried_when_retry_after_says(
    runtime: Runtime, clock: FakeClock, tenant: Tenant, receiver: Receiver
) -> None:
    in_two_hours = email.utils.format_datetime(clock.now() + dt.timedelta(hours=2, seconds=120), usegmt=True)
    receiver.script = [Reply(429, {"Retry-After": "120"}), Reply(429, {"Retry-After": in_two_hours})]
    endpoint = await add_endpoint(runtime, tenant, receiver.url)
    [job_id] = await emit(runtime, tenant)

    await drain(runtime)
    assert (await job_of(runtime, job_id)).run_at == clock.now() + dt.timedelta(seconds=120)
    clock.advance(seconds=120)
    await drain(runtime)
    assert (await job_of(runtime, job_id)).run_at == clock.now() + dt.timedelta(hours=2)
    clock.advance(hours=2)
    await drain(runtime)

    [delivery] = await deliveries_of(runtime, tenant, endpoint.id)
    assert [a.status_code for a in delivery.history] == [429, 429, 200]
    assert delivery.status == "delivered"


async def test_retries_span_the_whole_window_then_the_delivery_fails_and_can_be_redelivered(
    runtime: Runtime, clock: FakeClock, tenant: Tenant, receiver: Receiver
) -> None:
    receiver.default = Reply(500)
    endpoint = await add_endpoint(runtime, tenant, receiver.url)
    [job_id] = await emit(runtime, tenant)
    started = clock.now()
    await drain(runtime)
    while (job := await job_of(runtime, job_id)).status == "queued":
        clock.advance(seconds=(job.run_at - clock.now()).total_seconds())
        await drain(runtime)

    assert job.status == "failed"
    [delivery] = await deliveries_of(runtime, tenant, endpoint.id)
    assert delivery.status == "failed" and delivery.last_error == "HTTP 500"
    assert delivery.attempts == len(delivery.history) == len(receiver.requests) == job.attempts
    assert delivery.history[-1].attempted_at - started == RETRY_WINDOW
    assert 20 < delivery.attempts < 80

    receiver.default = Reply(204)
    clock.advance(days=3)
    retried = await service.redeliver_delivery(runtime, tenant.client_id, delivery.id)
    assert retried.status == "pending"
    await drain(runtime)
    [delivery] = await deliveries_of(runtime, tenant, endpoint.id)
    assert delivery.status == "delivered" and delivery.history[-1].status_code == 204
    assert delivery.attempts == len(receiver.requests)


async def test_connection_errors_and_timeouts_are_recorded_and_retried(
    runtime: Runtime, clock: FakeClock, tenant: Tenant, receiver: Receiver
) -> None:
    with socket.socket() as unused:  # a port nothing listens on: connection refused
        unused.bind(("127.0.0.1", 0))
        closed_port = unused.getsockname()[1]
    refused = await add_endpoint(runtime, tenant, f"http://127.0.0.1:{closed_port}/hook")
    receiver.default = Reply(200, delay=1.0)
    slow = await add_endpoint(runtime, tenant, receiver.url)
    job_ids = await emit(runtime, tenant)
    impatient = make_delivery_handler(HttpxTransport(timeout_seconds=0.2))
    await Worker(runtime, {WEBHOOK_DELIVERY_JOB: impatient}, application_ids=jobs_scope(runtime)).drain()

    assert {(await job_of(runtime, job_id)).status for job_id in job_ids} == {"queued"}
    [refused_delivery] = await deliveries_of(runtime, tenant, refused.id)
    [slow_delivery] = await deliveries_of(runtime, tenant, slow.id)
    assert refused_delivery.history[0].status_code is None
    assert "ConnectError" in str(refused_delivery.history[0].error)
    assert str(slow_delivery.history[0].error).startswith("timeout")
    assert slow_delivery.next_attempt_at is not None and slow_delivery.next_attempt_at > clock.now()


async def test_only_enabled_endpoints_subscribed_to_the_event_type_receive_it(
    runtime: Runtime, tenant: Tenant, receiver: Receiver
) -> None:
    wanted = [
        await add_endpoint(runtime, tenant, receiver.url + "?all", ["*"]),
        await add_endpoint(runtime, tenant, receiver.url + "?dir", ["directory.created", "payment.created"]),
    ]
    await add_endpoint(runtime, tenant, receiver.url + "?pay", ["payment.created"])
    await add_endpoint(runtime, tenant, receiver.url + "?off", ["*"], enabled=False)

    assert len(await emit(runtime, tenant, "directory.created")) == 2
    await drain(runtime)
    assert sorted(request.path for request in receiver.requests) == ["/hooks/finch?all", "/hooks/finch?dir"]
    assert len({request.headers["finch-event-id"] for request in receiver.requests}) == 1
    for endpoint in wanted:
        assert [d.status for d in await deliveries_of(runtime, tenant, endpoint.id)] == ["delivered"]


async def test_an_event_and_its_deliveries_roll_back_with_the_callers_transaction(
    runtime: Runtime, tenant: Tenant, receiver: Receiver
) -> None:
    await add_endpoint(runtime, tenant, receiver.url)
    with pytest.raises(RuntimeError, match="caller failed"):
        async with runtime.database.writing() as session:
            await service.emit(
                session,
                runtime,
                application_id=tenant.application_id,
                connection_id=tenant.connection_id,
                event_type="company.updated",
                data={},
            )
            raise RuntimeError("caller failed")
    async with runtime.database.reading() as session:
        events = await session.scalars(select(Event).where(Event.connection_id == tenant.connection_id))
        jobs = await session.scalars(select(Job).where(Job.connection_id == tenant.connection_id))
        assert (events.all(), jobs.all()) == ([], [])


async def test_removing_an_endpoint_ends_its_queued_deliveries_quietly(
    runtime: Runtime, tenant: Tenant, receiver: Receiver
) -> None:
    endpoint = await add_endpoint(runtime, tenant, receiver.url)
    [job_id] = await emit(runtime, tenant)
    await endpoints.delete_endpoint(runtime, tenant.client_id, endpoint.id)
    await drain(runtime)
    job = await job_of(runtime, job_id)
    assert job.status == "succeeded" and job.result == {"skipped": "the endpoint or the delivery was removed"}
    assert receiver.requests == []
    async with runtime.database.reading() as session:
        assert (
            await session.scalar(select(WebhookDelivery).where(WebhookDelivery.endpoint_id == endpoint.id))
            is None
        )


async def test_signing_secrets_are_encrypted_at_rest_and_bound_to_their_row(
    runtime: Runtime, tenant: Tenant, sqlite_path: Path | None
) -> None:
    created = await add_endpoint(runtime, tenant, "https://hooks.example.com/finch")
    rotated = await endpoints.rotate_secret(runtime, tenant.client_id, created.id)
    assert rotated.secret != created.secret
    async with runtime.database.reading() as session:
        row = await session.get(WebhookEndpoint, created.id)
    assert row is not None and rotated.secret not in row.secret_ciphertext
    assert runtime.keyring.decrypt(row.secret_ciphertext, row.id) == rotated.secret
    with pytest.raises(Exception, match="authenticate"):
        runtime.keyring.decrypt(row.secret_ciphertext, identifiers.new_uuid())
    if sqlite_path is not None:
        assert stored_anywhere(sqlite_path, created.secret.encode(), rotated.secret.encode()) == []


async def test_disabling_an_endpoint_fails_its_queued_deliveries_until_redelivered(
    runtime: Runtime, tenant: Tenant, receiver: Receiver
) -> None:
    endpoint = await add_endpoint(runtime, tenant, receiver.url)
    await emit(runtime, tenant)
    await endpoints.update_endpoint(
        runtime, tenant.client_id, endpoint.id, WebhookEndpointUpdate(enabled=False)
    )
    await drain(runtime)
    [delivery] = await deliveries_of(runtime, tenant, endpoint.id)
    assert (delivery.status, delivery.last_error, delivery.attempts) == ("failed", "endpoint disabled", 0)
    assert await emit(runtime, tenant) == []  # nothing is queued for a disabled endpoint

    await endpoints.update_endpoint(
        runtime, tenant.client_id, endpoint.id, WebhookEndpointUpdate(enabled=True)
    )
    await service.redeliver_delivery(runtime, tenant.client_id, delivery.id)
    await drain(runtime)
    assert len(receiver.requests) == 1
    assert [d.status for d in await deliveries_of(runtime, tenant, endpoint.id)] == ["delivered"]
