"""Security rules of the Connect flow and the code exchange."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

from roost.core.clock import FakeClock
from roost.core.runtime import Runtime
from tests.conftest import Credentials, LiveServer, make_application
from tests.connect_driver import ConnectDriver, query_of
from tests.integration.test_connect_flow import REDIRECT, exchange, new_session


async def connected_code(client: httpx.AsyncClient, creds: Credentials, **session: Any) -> str:
    driver = ConnectDriver(client, await new_session(client, creds, **session))
    await driver.open()
    await driver.sign_in("bamboo_hr", username="good_user", password="good_pass")
    return query_of(await driver.post("/authorize/consent", decision="grant"))["code"]


async def test_connect_pages_carry_strict_headers(
    client: httpx.AsyncClient, app_credentials: Credentials
) -> None:
    page = await ConnectDriver(client, await new_session(client, app_credentials)).open()
    policy = page.headers["content-security-policy"]
    assert "frame-ancestors https://app.example.com;" in policy
    assert "script-src 'self';" in policy and "'unsafe-inline'" not in policy
    assert page.headers["x-content-type-options"] == "nosniff"
    assert page.headers["referrer-policy"] == "same-origin"
    assert "<script>" not in page.text.replace('<script src="/static/connect/ui.js" defer></script>', "")


async def test_an_application_without_origins_may_not_be_framed(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    creds = await make_application(runtime, redirect_uris=[REDIRECT])
    page = await ConnectDriver(client, await new_session(client, creds)).open()
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]


async def test_an_unregistered_embedding_origin_is_refused(
    client: httpx.AsyncClient, app_credentials: Credentials
) -> None:
    session_id = await new_session(client, app_credentials, redirect_uri=None)
    page = await client.get(
        "/authorize",
        params={"session": session_id, "app_type": "spa", "sdk_host_url": "https://evil.example.com"},
    )
    assert page.status_code == 403
    assert "not allowed to embed" in page.text
    assert "data-sdk-message" not in page.text and "data-target-origin" not in page.text


async def test_application_supplied_text_is_escaped(
    client: httpx.AsyncClient, app_credentials: Credentials
) -> None:
    hostile = '<img src=x onerror=alert(1)><script>alert("x")</script>"\'&'
    driver = ConnectDriver(
        client, await new_session(client, app_credentials, customer_name=hostile, state=hostile)
    )
    page = await driver.open()
    assert "&lt;img src=x onerror=alert(1)&gt;&lt;script&gt;" in page.text
    assert "<img src=x" not in page.text and 'alert("x")</script>' not in page.text
    await driver.sign_in("bamboo_hr", username="good_user", password="good_pass")
    assert "&lt;script&gt;" in driver.page.text  # type: ignore[union-attr]


async def test_forms_need_the_session_bound_csrf_token(
    client: httpx.AsyncClient, app_credentials: Credentials, runtime: Runtime
) -> None:
    mine = ConnectDriver(client, await new_session(client, app_credentials))
    await mine.open()
    other_creds = await make_application(runtime, redirect_uris=[REDIRECT])
    theirs = ConnectDriver(client, await new_session(client, other_creds))
    await theirs.open()
    forged = await client.post(
        "/authorize/provider", data={"session": mine.session_id, "csrf": theirs.csrf, "provider_id": "gusto"}
    )
    assert forged.status_code == 400 and "expired" in forged.text
    missing = await client.post(
        "/authorize/provider", data={"session": mine.session_id, "provider_id": "gusto"}
    )
    assert missing.status_code == 400


async def test_failed_logins_are_limited(
    client: httpx.AsyncClient, app_credentials: Credentials, runtime: Runtime
) -> None:
    driver = ConnectDriver(client, await new_session(client, app_credentials))
    await driver.open()
    await driver.sign_in("bamboo_hr")
    for _ in range(runtime.settings.max_failed_logins):
        await driver.post("/authorize/login", username="good_user", password="wrong")
    assert "Too many attempts" in driver.page.text  # type: ignore[union-attr]
    assert 'action="/authorize/login"' not in driver.page.text  # type: ignore[union-attr]


async def test_alternatives_are_offered_after_three_failures(
    client: httpx.AsyncClient, app_credentials: Credentials
) -> None:
    driver = ConnectDriver(client, await new_session(client, app_credentials))
    await driver.open()
    await driver.sign_in("namely", method="credential")
    for attempt in range(3):
        assert ("Try another way" in driver.page.text) is (attempt >= 3)  # type: ignore[union-attr]
        await driver.post("/authorize/login", username="good_user", password="wrong")
    assert "Try another way" in driver.page.text  # type: ignore[union-attr]


async def test_codes_expire_and_are_bound_to_application_and_redirect_uri(
    client: httpx.AsyncClient, app_credentials: Credentials, runtime: Runtime, clock: FakeClock
) -> None:
    code = await connected_code(client, app_credentials)
    other = await make_application(runtime, redirect_uris=[REDIRECT])
    assert (await exchange(client, other, code, REDIRECT)).json()["name"] == "invalid_grant_error"
    wrong_uri = await exchange(client, app_credentials, code, REDIRECT + "?x=1")
    assert wrong_uri.status_code == 400 and "redirect_uri" in wrong_uri.json()["message"]
    assert (await exchange(client, app_credentials, code, None)).status_code == 400
    late = await connected_code(client, app_credentials, customer_id="late")
    clock.advance(seconds=601)
    expired = await exchange(client, app_credentials, late, REDIRECT)
    assert expired.status_code == 400 and "expired" in expired.json()["message"]


async def test_bad_client_credentials_at_the_token_endpoint(
    client: httpx.AsyncClient, app_credentials: Credentials
) -> None:
    code = await connected_code(client, app_credentials)
    wrong = Credentials(app_credentials.client_id, "roost_cs_wrong")
    response = await exchange(client, wrong, code, REDIRECT)
    assert response.status_code == 401 and response.json()["name"] == "invalid_client_error"
    # The failed attempt did not burn the code.
    assert (await exchange(client, app_credentials, code, REDIRECT)).status_code == 200


async def test_disconnect_stops_every_token_and_frees_the_customer(
    client: httpx.AsyncClient, app_credentials: Credentials
) -> None:
    token = (
        await exchange(client, app_credentials, await connected_code(client, app_credentials), REDIRECT)
    ).json()
    bearer = {"Authorization": f"Bearer {token['access_token']}"}
    assert (await client.post("/disconnect", headers=bearer)).json() == {"status": "success"}
    after = await client.get("/introspect", headers=bearer)
    assert after.status_code == 401 and after.json()["name"] == "invalid_token_error"
    again = await client.post(
        "/connect/sessions",
        headers=app_credentials.basic,
        json={"customer_id": "acme", "customer_name": "Acme", "products": ["company"]},
    )
    assert again.status_code == 201


async def test_a_connected_customer_cannot_start_a_second_session(
    client: httpx.AsyncClient, app_credentials: Credentials
) -> None:
    token = (
        await exchange(client, app_credentials, await connected_code(client, app_credentials), REDIRECT)
    ).json()
    again = await client.post(
        "/connect/sessions",
        headers=app_credentials.basic,
        json={"customer_id": "acme", "customer_name": "Acme", "products": ["company"]},
    )
    assert again.json()["finch_code"] == "connection_already_exists"
    assert again.json()["context"]["connection_id"] == token["connection_id"]


async def test_reauthentication_keeps_the_connection_and_old_tokens(
    client: httpx.AsyncClient, app_credentials: Credentials
) -> None:
    first = (
        await exchange(client, app_credentials, await connected_code(client, app_credentials), REDIRECT)
    ).json()
    created = await client.post(
        "/connect/sessions/reauthenticate",
        headers=app_credentials.basic,
        json={"connection_id": first["connection_id"], "redirect_uri": REDIRECT},
    )
    driver = ConnectDriver(client, created.json()["session_id"])
    page = await driver.open()
    assert "Reconnect" in page.text and "Select your HR" not in page.text
    await driver.post("/authorize/login", username="good_user", password="good_pass")
    code = query_of(await driver.post("/authorize/consent", decision="grant"))["code"]
    second = (await exchange(client, app_credentials, code, REDIRECT)).json()
    assert second["connection_id"] == first["connection_id"]
    assert second["access_token"] != first["access_token"]
    for token in (first, second):
        introspected = await client.get(
            "/introspect", headers={"Authorization": f"Bearer {token['access_token']}"}
        )
        assert introspected.status_code == 200


@pytest.mark.parametrize("concurrency", [20])
async def test_concurrent_exchanges_of_one_code_yield_one_token(
    live_server: LiveServer, live_credentials: Credentials, concurrency: int
) -> None:
    async with httpx.AsyncClient(base_url=live_server.url, timeout=60, follow_redirects=False) as http:
        code = await connected_code(http, live_credentials, customer_id=f"race-{id(http)}")
        results = await asyncio.gather(
            *(exchange(http, live_credentials, code, REDIRECT) for _ in range(concurrency))
        )
    statuses = sorted(r.status_code for r in results)
    assert statuses == [200] + [400] * (concurrency - 1)
