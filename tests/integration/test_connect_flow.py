"""The Connect UI end to end over HTTP (no browser): steps, codes, tokens."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from roost.core.runtime import Runtime
from tests.conftest import Credentials, stored_anywhere
from tests.connect_driver import ConnectDriver, query_of

REDIRECT = "https://app.example.com/callback"


async def new_session(client: httpx.AsyncClient, creds: Credentials, **body: Any) -> str:
    payload = {
        "customer_id": "acme",
        "customer_name": "Acme Corp",
        "products": ["company", "directory"],
        "redirect_uri": REDIRECT,
        "sandbox": "finch",
        **body,
    }
    response = await client.post("/connect/sessions", json=payload, headers=creds.basic)
    assert response.status_code == 201, response.text
    return str(response.json()["session_id"])


async def exchange(
    client: httpx.AsyncClient, creds: Credentials, code: str, redirect_uri: str | None
) -> httpx.Response:
    body = {"client_id": creds.client_id, "client_secret": creds.client_secret, "code": code}
    if redirect_uri:
        body["redirect_uri"] = redirect_uri
    return await client.post("/auth/token", json=body)


async def test_redirect_flow_issues_a_code_that_exchanges_for_a_token(
    client: httpx.AsyncClient, app_credentials: Credentials
) -> None:
    driver = ConnectDriver(client, await new_session(client, app_credentials))
    opened = await driver.open(state="xyz")
    assert opened.status_code == 200
    assert "Select your HR or payroll provider" in opened.text
    await driver.sign_in("bamboo_hr", username="good_user", password="good_pass")
    assert "is requesting access" in driver.page.text  # type: ignore[union-attr]
    finished = await driver.post("/authorize/consent", decision="grant")
    assert finished.status_code == 303
    params = query_of(finished)
    assert finished.headers["location"].startswith(REDIRECT + "?")
    assert params["state"] == "xyz"
    token = await exchange(client, app_credentials, params["code"], REDIRECT)
    assert token.status_code == 200, token.text
    body = token.json()
    assert body["token_type"] == "bearer" and body["access_token"].startswith("roost_at_")
    assert body["provider_id"] == "bamboo_hr" and body["connection_type"] == "finch"
    assert body["products"] == ["company", "directory"] and len(body["entity_ids"]) == 1
    introspection = await client.get(
        "/introspect", headers={"Authorization": f"Bearer {body['access_token']}"}
    )
    assert introspection.status_code == 200
    assert introspection.json()["connection_status"]["status"] == "connected"
    assert introspection.json()["customer_id"] == "acme"


async def test_a_code_works_once_and_its_reuse_revokes_the_token(
    client: httpx.AsyncClient, app_credentials: Credentials
) -> None:
    driver = ConnectDriver(client, await new_session(client, app_credentials))
    await driver.open()
    await driver.sign_in("bamboo_hr", username="good_user", password="good_pass")
    code = query_of(await driver.post("/authorize/consent", decision="grant"))["code"]
    token = (await exchange(client, app_credentials, code, REDIRECT)).json()["access_token"]
    again = await exchange(client, app_credentials, code, REDIRECT)
    assert again.status_code == 400 and again.json()["name"] == "invalid_grant_error"
    revoked = await client.get("/introspect", headers={"Authorization": f"Bearer {token}"})
    assert revoked.status_code == 401


async def test_mfa_and_entity_selection(client: httpx.AsyncClient, app_credentials: Credentials) -> None:
    driver = ConnectDriver(client, await new_session(client, app_credentials))
    await driver.open()
    await driver.sign_in("bamboo_hr", username="good_user", password="mfa_account_selection")
    assert "Verification code" in driver.page.text  # type: ignore[union-attr]
    wrong = await driver.post("/authorize/mfa", code="000000")
    assert "did not work" in wrong.text
    await driver.post("/authorize/mfa", code="123456")
    assert 'name="entity_id"' in driver.page.text  # type: ignore[union-attr]
    await driver.post("/authorize/entities", entity_id=[])
    assert "Choose at least one" in driver.page.text  # type: ignore[union-attr]


async def test_credentials_are_never_stored_in_plaintext(
    client: httpx.AsyncClient, app_credentials: Credentials, runtime: Runtime, sqlite_path: Any
) -> None:
    # A password no other test uses, so finding it anywhere in the file means we stored it.
    # (The sandbox's own "good_pass" appears in stored hint messages, so it cannot be the needle.)
    unique = f"Pw-{uuid.uuid4().hex}"
    driver = ConnectDriver(client, await new_session(client, app_credentials))
    await driver.open()
    await driver.sign_in("bamboo_hr", username="good_user", password=unique)
    assert "Incorrect username or password" in driver.page.text  # type: ignore[union-attr]
    await driver.post("/authorize/login", username="good_user", password="good_pass")
    await driver.post("/authorize/consent", decision="grant")
    assert runtime.settings.is_sqlite == (sqlite_path is not None)
    if sqlite_path is not None:
        # The scan itself works: what is stored in the clear (the provider id) is found.
        assert stored_anywhere(sqlite_path, b"bamboo_hr") == [b"bamboo_hr"]
        assert stored_anywhere(sqlite_path, unique.encode(), b'"password"') == []


async def test_the_picker_lists_only_providers_this_mode_can_connect(
    client: httpx.AsyncClient, app_credentials: Credentials, runtime: Runtime
) -> None:
    def listed(html: str) -> set[str]:
        return {chunk.split('"', 1)[0] for chunk in html.split('name="provider_id" value="')[1:]}

    finch = ConnectDriver(client, await new_session(client, app_credentials, customer_id="picker-finch"))
    simulated = listed((await finch.open()).text)
    provider = ConnectDriver(
        client, await new_session(client, app_credentials, customer_id="picker-real", sandbox="provider")
    )
    real = listed((await provider.open()).text)
    # The Finch-mode sandbox stands in for any provider; "provider" mode needs a real adapter.
    assert len(simulated) > len(real) >= 1
    assert real == {p for p in simulated if runtime.adapters.available(p, "provider")}
    assert {"gusto", "paychex_flex"} <= real and "paycom" not in real
