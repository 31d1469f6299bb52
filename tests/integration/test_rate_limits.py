"""Per-application, per-product rate limits on /employer (``ROOST_RATE_LIMITS``, issue 5).

The limiter reads the runtime's fake clock, so recovery is tested by moving the clock.
"""

from __future__ import annotations

import finch
import httpx
import pytest
from finch import AsyncFinch
from pydantic import ValidationError

from roost.core.clock import FakeClock
from roost.core.runtime import Runtime
from roost.settings import Settings
from tests.conftest import Credentials, make_application
from tests.syncing import REDIRECT, Connected, connect_sandbox, run_jobs

LIMITED = {"directory": 5, "company": 3}


@pytest.fixture
def rate_limits() -> dict[str, int] | None:
    return LIMITED


@pytest.fixture
def settings(settings: Settings, rate_limits: dict[str, int] | None) -> Settings:
    """The suite's settings, with this test's limits (None: exactly as configured by default)."""
    if rate_limits is None:
        return settings
    return settings.model_copy(update={"rate_limits": rate_limits})


async def _connect(
    client: httpx.AsyncClient, creds: Credentials, runtime: Runtime, customer: str
) -> Connected:
    connected = await connect_sandbox(client, creds, customer_id=customer, products=["company", "directory"])
    await run_jobs(runtime)
    return connected


@pytest.fixture
async def connected(client: httpx.AsyncClient, app_credentials: Credentials, runtime: Runtime) -> Connected:
    return await _connect(client, app_credentials, runtime, "acme")


async def _statuses(client: httpx.AsyncClient, path: str, connected: Connected, count: int) -> list[int]:
    return [(await client.get(path, headers=connected.bearer)).status_code for _ in range(count)]


@pytest.mark.parametrize("rate_limits", [None])
async def test_limits_are_off_by_default(
    client: httpx.AsyncClient, connected: Connected, runtime: Runtime, settings: Settings
) -> None:
    assert settings.rate_limits == {} and runtime.rate_limiter is None
    statuses = await _statuses(client, "/employer/directory", connected, 60)
    statuses += await _statuses(client, "/employer/company", connected, 30)
    assert statuses == [200] * 90


async def test_the_limit_is_exact_then_429_with_retry_after_and_finch_body(
    client: httpx.AsyncClient, connected: Connected
) -> None:
    assert await _statuses(client, "/employer/directory", connected, 5) == [200] * 5
    refused = await client.get("/employer/directory", headers=connected.bearer)
    assert refused.status_code == 429
    # 5 a minute: the next request is allowed 12 s after the bucket ran dry.
    assert refused.headers["Retry-After"] == "12" and refused.headers["retry-after-ms"] == "12000"
    assert refused.headers["Finch-Request-Id"]
    assert refused.json() == {
        "statusCode": 429,
        "status": 429,
        "code": 429,
        "name": "rate_limit_exceeded_error",
        "finch_code": "finch_application_rl",
        "message": "Rate limit exceeded: 5 requests per minute for the directory product; retry after 12 s",
    }


async def test_the_official_sdk_raises_its_rate_limit_error(
    client: httpx.AsyncClient, connected: Connected
) -> None:
    async with AsyncFinch(
        access_token=connected.access_token, base_url="http://testserver", http_client=client, max_retries=0
    ) as sdk:
        for _ in range(3):
            assert (await sdk.hris.company.retrieve()).id
        with pytest.raises(finch.RateLimitError) as raised:
            await sdk.hris.company.retrieve()
    assert raised.value.status_code == 429
    assert raised.value.body["finch_code"] == "finch_application_rl"  # type: ignore[index]


async def test_products_are_limited_independently(client: httpx.AsyncClient, connected: Connected) -> None:
    assert await _statuses(client, "/employer/directory", connected, 6) == [200] * 5 + [429]
    assert await _statuses(client, "/employer/company", connected, 4) == [200] * 3 + [429]
    assert await _statuses(client, "/employer/directory", connected, 1) == [429]


@pytest.mark.parametrize("rate_limits", [{"default": 2, "directory": 4}])
async def test_default_covers_every_product_not_named(
    client: httpx.AsyncClient, connected: Connected
) -> None:
    assert await _statuses(client, "/employer/company", connected, 3) == [200, 200, 429]
    assert await _statuses(client, "/employer/directory", connected, 5) == [200] * 4 + [429]


async def test_applications_are_limited_independently(
    client: httpx.AsyncClient, connected: Connected, runtime: Runtime
) -> None:
    other_application = await make_application(runtime, redirect_uris=[REDIRECT])
    other = await _connect(client, other_application, runtime, "acme")
    assert await _statuses(client, "/employer/directory", connected, 6) == [200] * 5 + [429]
    assert await _statuses(client, "/employer/directory", other, 6) == [200] * 5 + [429]


async def test_an_applications_connections_share_its_limit(
    client: httpx.AsyncClient, app_credentials: Credentials, connected: Connected, runtime: Runtime
) -> None:
    second = await _connect(client, app_credentials, runtime, "globex")
    assert second.connection_id != connected.connection_id
    assert await _statuses(client, "/employer/directory", connected, 3) == [200] * 3
    assert await _statuses(client, "/employer/directory", second, 3) == [200, 200, 429]
    assert await _statuses(client, "/employer/directory", connected, 1) == [429]


async def test_the_bucket_refills_as_the_clock_moves(
    client: httpx.AsyncClient, connected: Connected, clock: FakeClock
) -> None:
    assert await _statuses(client, "/employer/directory", connected, 6) == [200] * 5 + [429]
    clock.advance(seconds=11)
    refused = await client.get("/employer/directory", headers=connected.bearer)
    assert refused.status_code == 429 and refused.headers["Retry-After"] == "1"
    clock.advance(seconds=1)
    assert await _statuses(client, "/employer/directory", connected, 2) == [200, 429]
    clock.advance(minutes=5)  # a full bucket holds the limit, not what idle time would add up to
    assert await _statuses(client, "/employer/directory", connected, 6) == [200] * 5 + [429]


def test_rate_limits_are_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ROOST_RATE_LIMITS", " default=600, pay_statement=120 ,directory=1000")
    settings = Settings(_env_file=None)
    assert settings.rate_limits == {"default": 600, "pay_statement": 120, "directory": 1000}


@pytest.mark.parametrize(
    ("value", "complaint"),
    [
        ("directory", "expected product=requests_per_minute, got 'directory'"),
        ("directroy=600", "unknown product 'directroy'; use one of default, company, directory"),
        ("directory=0", "directory must be a whole number of requests per minute, at least 1; got '0'"),
        ("company=-5", "company must be a whole number of requests per minute, at least 1"),
        ("company=2.5", "company must be a whole number of requests per minute, at least 1; got '2.5'"),
        ("directory=600,directory=300", "'directory' is given twice"),
    ],
)
def test_a_bad_rate_limit_setting_stops_startup_with_a_clear_error(
    monkeypatch: pytest.MonkeyPatch, value: str, complaint: str
) -> None:
    monkeypatch.setenv("ROOST_RATE_LIMITS", value)
    with pytest.raises(ValidationError) as raised:
        Settings(_env_file=None)
    assert "rate_limits" in str(raised.value) and complaint in str(raised.value)
