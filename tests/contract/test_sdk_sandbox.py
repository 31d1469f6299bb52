"""Every ``client.sandbox.*`` method of the official ``finch-api`` SDK against a running Roost."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import finch
import httpx
import pytest
import uvicorn
from finch import Finch

from roost.app import create_app
from roost.forwarding.routes import router as forwarding_router
from roost.sandbox.routes import router as sandbox_router
from tests.conftest import Credentials, LiveServer

pytestmark = pytest.mark.contract
SYNC_WAIT_SECONDS = 60


@pytest.fixture(scope="module")
def server_url(live_server: LiveServer) -> Iterator[str]:
    """The live server once app.py serves /sandbox; until then one that adds the routes."""
    if httpx.get(f"{live_server.url}/sandbox/jobs/configuration").status_code != 404:
        yield live_server.url
        return
    app = create_app(live_server.settings)
    app.include_router(sandbox_router)
    app.include_router(forwarding_router)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "server did not start"
        time.sleep(0.02)
    yield f"http://127.0.0.1:{server.servers[0].sockets[0].getsockname()[1]}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def application(server_url: str, live_credentials: Credentials) -> Finch:
    return Finch(
        client_id=live_credentials.client_id,
        client_secret=live_credentials.client_secret,
        base_url=server_url,
        max_retries=0,
    )


def connected(server_url: str, access_token: str) -> Finch:
    return Finch(access_token=access_token, base_url=server_url, max_retries=0)


def wait_for_sync(client: Finch) -> None:
    deadline = time.monotonic() + SYNC_WAIT_SECONDS
    while client.account.introspect().connection_status.last_successful_sync is None:
        assert time.monotonic() < deadline, "the sync did not finish in time"
        time.sleep(0.2)


def test_sandbox_connections_and_accounts(application: Finch, server_url: str) -> None:
    created = application.sandbox.connections.create(provider_id="gusto", employee_size=4)
    assert created.token_type == "bearer" and created.authentication_type == "oauth"
    assert created.products == ["company", "directory", "individual", "employment"]
    account = application.sandbox.connections.accounts.create(
        company_id=str(created.company_id), provider_id="gusto", products=["company"]
    )
    assert account.connection_id == created.connection_id and account.access_token != created.access_token
    client = connected(server_url, created.access_token)
    updated = client.sandbox.connections.accounts.update(connection_status="reauth")
    assert updated.connection_id == created.connection_id
    assert client.account.introspect().connection_status.status == "reauth"
    client.sandbox.connections.accounts.update(connection_status="connected")


def test_sandbox_edits_jobs_and_configuration(application: Finch, server_url: str) -> None:
    created = application.sandbox.connections.create(
        provider_id="gusto",
        employee_size=4,
        products=["company", "directory", "individual", "employment", "payment"],
    )
    client = connected(server_url, created.access_token)
    wait_for_sync(client)
    person = next(iter(client.hris.directory.list()))
    company = client.sandbox.company.update(
        accounts=[],
        departments=[{"name": "Research", "parent": None}],
        ein="12-3456789",
        entity={"type": "llc", "subtype": None},
        legal_name="SDK Renamed, Inc.",
        locations=[{"city": "Boston", "country": "US"}],
        primary_email="hr@sdk.example",
        primary_phone_number="+16175550100",
    )
    assert company.legal_name == "SDK Renamed, Inc."
    individual = client.sandbox.individual.update(person.id, first_name="Sdk", gender="other")
    assert individual.id == person.id and individual.first_name == "Sdk"
    employment = client.sandbox.employment.update(person.id, title="SDK Tester")
    assert employment.id == person.id and employment.title == "SDK Tester"
    added = client.sandbox.directory.create(body=[{"first_name": "New", "last_name": "Hire"}])
    assert len(added) == 1
    payment = client.sandbox.payment.create(
        pay_statements=[{"individual_id": person.id, "gross_pay": 100_000, "net_pay": 80_000}]
    )
    assert payment.payment_id and payment.pay_date
    assert [c.completion_status for c in client.sandbox.jobs.configuration.retrieve()] == ["complete"]
    configured = client.sandbox.jobs.configuration.update(completion_status="complete", type="data_sync_all")
    assert configured.completion_status == "complete"
    job = client.sandbox.jobs.create(type="data_sync_all")
    assert job.job_id and job.allowed_refreshes >= 1
    deadline = time.monotonic() + SYNC_WAIT_SECONDS
    while client.jobs.automated.retrieve(job.job_id).status != "complete":
        assert time.monotonic() < deadline, "the sandbox job did not finish in time"
        time.sleep(0.2)
    assert client.hris.company.retrieve().legal_name == "SDK Renamed, Inc."
    names = {p.first_name for p in client.hris.directory.list()}
    assert {"Sdk", "New"} <= names


def test_forwarding_is_not_available_for_the_finch_sandbox(application: Finch, server_url: str) -> None:
    created = application.sandbox.connections.create(provider_id="gusto", employee_size=2)
    client = connected(server_url, created.access_token)
    with pytest.raises(finch.APIStatusError) as raised:
        client.request_forwarding.forward(method="GET", route="/v1/employees")
    assert raised.value.status_code == 501
