"""The official ``finch-api`` SDK, pointed at a running Roost with ``base_url``."""

from __future__ import annotations

import asyncio
import uuid

import finch
import pytest
from finch import Finch

from roost.app import build_runtime
from tests.conftest import Credentials, LiveServer
from tests.factories import insert_connection

pytestmark = pytest.mark.contract


@pytest.fixture
def sdk(live_server: LiveServer, live_credentials: Credentials) -> Finch:
    return Finch(
        client_id=live_credentials.client_id,
        client_secret=live_credentials.client_secret,
        base_url=live_server.url,
        max_retries=0,
    )


def test_sdk_creates_a_connect_session(sdk: Finch, live_server: LiveServer) -> None:
    created = sdk.connect.sessions.new(
        customer_id=f"sdk-{uuid.uuid4()}",
        customer_name="SDK Customer",
        products=["company", "directory", "individual", "ssn", "deduction"],
        redirect_uri="https://app.example.com/callback",
        # An OAuth provider that offers benefits (``deduction``): Gusto's adapter reads none.
        integration={"provider": "rippling", "auth_method": "oauth"},
        sandbox="finch",
        minutes_to_expire=60,
    )
    assert (
        created.connect_url == f"{live_server.settings.connect_origin}/authorize?session={created.session_id}"
    )


def test_sdk_refresh_returns_the_same_session(sdk: Finch) -> None:
    customer_id = f"sdk-{uuid.uuid4()}"
    first = sdk.connect.sessions.new(customer_id=customer_id, customer_name="A", products=["company"])
    second = sdk.connect.sessions.new(customer_id=customer_id, customer_name="B", products=["company"])
    assert first.session_id == second.session_id


def test_sdk_reauthenticates_a_connection(
    sdk: Finch, live_server: LiveServer, live_credentials: Credentials
) -> None:
    async def _connection() -> str:
        runtime = build_runtime(live_server.settings)
        try:
            return await insert_connection(runtime, live_credentials.client_id, f"sdk-{uuid.uuid4()}")
        finally:
            await runtime.database.dispose()

    connection_id = asyncio.run(_connection())
    created = sdk.connect.sessions.reauthenticate(connection_id=connection_id, minutes_to_expire=120)
    assert created.session_id and created.connect_url.endswith(created.session_id)


def test_sdk_surfaces_finch_errors_as_its_exception_classes(sdk: Finch, live_server: LiveServer) -> None:
    with pytest.raises(finch.BadRequestError) as bad:
        sdk.connect.sessions.new(
            customer_id="x", customer_name="X", products=["company"], redirect_uri="https://evil.test/"
        )
    assert bad.value.body["finch_code"] == "invalid_request"  # type: ignore[index]
    with pytest.raises(finch.NotFoundError):
        sdk.connect.sessions.reauthenticate(connection_id=str(uuid.uuid4()))
    wrong = Finch(client_id="roost_ci_nope", client_secret="nope", base_url=live_server.url, max_retries=0)
    with pytest.raises(finch.AuthenticationError):
        wrong.connect.sessions.new(customer_id="x", customer_name="X", products=["company"])


def test_sdk_lists_providers(sdk: Finch) -> None:
    providers = list(sdk.providers.list())
    ids = {p.id for p in providers}
    assert {"gusto", "adp_run", "bamboo_hr", "bamboo_hr_api", "rippling"} <= ids
    assert len(providers) >= 20
    gusto = next(p for p in providers if p.id == "gusto")
    assert gusto.authentication_methods and gusto.authentication_methods[0].type == "oauth"
