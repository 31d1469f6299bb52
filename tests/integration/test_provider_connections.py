"""Real-provider adapters through Roost Connect and the sync engine, against the emulators."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from sqlalchemy import func, select

from roost.app import build_runtime, create_app
from roost.core.runtime import Runtime
from roost.emulators import BackgroundEmulators, build_emulators, start_in_threads
from roost.emulators.gusto import GustoEmulator, GustoEmulatorConfig
from roost.settings import Settings
from roost.sync.models import DataRecord
from tests.conftest import Credentials, make_application
from tests.connect_driver import ConnectDriver, query_of
from tests.syncing import REDIRECT, run_jobs

ORG = ["company", "directory", "individual", "employment"]


@pytest.fixture(scope="module")
def emulators() -> Iterator[BackgroundEmulators]:
    # Gusto's real limit (200 requests a minute) would make a two-year payroll sync crawl
    # through Retry-After waits; the adapter's handling of 429 is covered by the conformance kit.
    apps = {
        **build_emulators(),
        "gusto": GustoEmulator(GustoEmulatorConfig(requests_per_minute=100_000)).app(),
    }
    running = start_in_threads(apps)
    yield running
    running.stop()


@pytest.fixture
async def provider_runtime(settings: Settings, emulators: BackgroundEmulators) -> AsyncIterator[Runtime]:
    urls = emulators.urls
    configured = settings.model_copy(
        update={
            "gusto_base_url": urls["gusto"],
            "bamboohr_base_url": urls["bamboo_hr_api"],
            "paychex_flex_base_url": urls["paychex_flex"],
        }
    )
    runtime = build_runtime(configured)
    yield runtime
    await runtime.real_adapters.aclose()
    await runtime.database.dispose()


@pytest.fixture
async def http(provider_runtime: Runtime) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(provider_runtime.settings, runtime=provider_runtime)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver"
    ) as client:
        yield client


async def start(
    http: httpx.AsyncClient, creds: Credentials, provider: str, products: list[str]
) -> ConnectDriver:
    body: dict[str, Any] = {
        "customer_id": f"{provider}-co",
        "customer_name": "Emulated Co",
        "products": products,
        "redirect_uri": REDIRECT,
        "sandbox": "provider",
        "integration": {"provider": provider},
    }
    created = await http.post("/connect/sessions", json=body, headers=creds.basic)
    assert created.status_code == 201, created.text
    driver = ConnectDriver(http, created.json()["session_id"])
    await driver.open()
    return driver


async def finish(http: httpx.AsyncClient, creds: Credentials, driver: ConnectDriver) -> str:
    assert "is requesting access" in driver.page.text, driver.page.text[:800]  # type: ignore[union-attr]
    code = query_of(await driver.post("/authorize/consent", decision="grant"))["code"]
    token = await http.post(
        "/auth/token",
        json={
            "client_id": creds.client_id,
            "client_secret": creds.client_secret,
            "code": code,
            "redirect_uri": REDIRECT,
        },
    )
    assert token.status_code == 200, token.text
    return str(token.json()["connection_id"])


async def synced(runtime: Runtime, connection_id: str) -> dict[str, int]:
    await run_jobs(runtime)
    async with runtime.database.reading() as session:
        rows = await session.execute(
            select(DataRecord.kind, func.count())
            .where(DataRecord.connection_id == connection_id)
            .group_by(DataRecord.kind)
        )
        return {kind: count for kind, count in rows.all()}


async def test_gusto_oauth_through_connect_and_a_sync(
    http: httpx.AsyncClient, provider_runtime: Runtime
) -> None:
    creds = await make_application(provider_runtime, redirect_uris=[REDIRECT])
    driver = await start(http, creds, "gusto", [*ORG, "payment", "pay_statement"])
    assert "Continue to Gusto" in driver.page.text  # type: ignore[union-attr]
    to_provider = await http.get(
        "/authorize/oauth/start", params={"session": driver.session_id, "csrf": driver.csrf}
    )
    authorize_url = to_provider.headers["location"]
    async with httpx.AsyncClient() as browser:  # the employer's browser on the emulator's page
        page = await browser.get(authorize_url)
        assert "Allow access to your Gusto company?" in page.text
        form = dict(urlsplit(authorize_url)._asdict())
        query = dict(httpx.QueryParams(urlsplit(authorize_url).query))
        decision = await browser.post(
            f"{form['scheme']}://{form['netloc']}/oauth/authorize",
            data={
                **{k: query.get(k, "") for k in ("client_id", "redirect_uri", "response_type", "state")},
                "company": "0",
                "decision": "allow",
            },
        )
    back = urlsplit(decision.headers["location"])
    assert back.path == "/authorize/oauth/callback"
    returned = await http.get(f"{back.path}?{back.query}")
    driver.page = await http.get(returned.headers["location"])
    connection_id = await finish(http, creds, driver)
    counts = await synced(provider_runtime, connection_id)
    assert counts["directory"] > 0 and counts["employment"] == counts["directory"]
    assert counts["payment"] > 0 and counts["pay_statement"] > 0


async def test_paychex_flex_credentials_with_mfa(http: httpx.AsyncClient, provider_runtime: Runtime) -> None:
    creds = await make_application(provider_runtime, redirect_uris=[REDIRECT])
    driver = await start(http, creds, "paychex_flex", ORG)
    await driver.post("/authorize/login", username="flex_admin", password="wrong-pass")
    assert "alert" in driver.page.text  # type: ignore[union-attr]
    await driver.post("/authorize/login", username="flex_admin", password="flex-pass")
    assert "Verification code" in driver.page.text  # type: ignore[union-attr]
    await driver.post("/authorize/mfa", code="246810")
    connection_id = await finish(http, creds, driver)
    counts = await synced(provider_runtime, connection_id)
    assert counts["individual"] > 0 and counts["company"] == 1


async def test_bamboohr_api_token(http: httpx.AsyncClient, provider_runtime: Runtime) -> None:
    creds = await make_application(provider_runtime, redirect_uris=[REDIRECT])
    driver = await start(http, creds, "bamboo_hr_api", ORG)
    await driver.post("/authorize/login", api_token="acme:0123456789abcdef0123456789abcdef01234567")
    connection_id = await finish(http, creds, driver)
    counts = await synced(provider_runtime, connection_id)
    assert counts["directory"] > 0
