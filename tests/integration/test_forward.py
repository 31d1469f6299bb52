"""``POST /forward`` against the provider emulators (reference §5)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from fastapi import FastAPI

from roost.app import create_app
from roost.core.runtime import Runtime
from roost.forwarding.routes import router as forwarding_router
from tests.conftest import Credentials, make_application
from tests.connect_driver import ConnectDriver, query_of
from tests.integration.test_provider_connections import emulators, provider_runtime, start
from tests.integration.test_sandbox_api import create
from tests.syncing import REDIRECT

__all__ = ["emulators", "provider_runtime"]  # fixtures shared with the provider tests
BAMBOO_TOKEN = "acme:0123456789abcdef0123456789abcdef01234567"


def with_forwarding(app: FastAPI) -> FastAPI:
    # Until app.py includes the forwarding router, the tests include it themselves.
    if not any(getattr(route, "path", "") == "/forward" for route in app.routes):
        app.include_router(forwarding_router)
    return app


@pytest.fixture
async def http(provider_runtime: Runtime) -> AsyncIterator[httpx.AsyncClient]:
    app = with_forwarding(create_app(provider_runtime.settings, runtime=provider_runtime))
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver"
    ) as client:
        yield client


async def token_after(http: httpx.AsyncClient, creds: Credentials, driver: ConnectDriver) -> dict[str, str]:
    code = query_of(await driver.post("/authorize/consent", decision="grant"))["code"]
    exchange = {"client_id": creds.client_id, "client_secret": creds.client_secret, "code": code}
    token = await http.post("/auth/token", json={**exchange, "redirect_uri": REDIRECT})
    assert token.status_code == 200, token.text
    return {"Authorization": f"Bearer {token.json()['access_token']}"}


async def bamboohr(http: httpx.AsyncClient, runtime: Runtime) -> dict[str, str]:
    creds = await make_application(runtime, redirect_uris=[REDIRECT])
    driver = await start(http, creds, "bamboo_hr_api", ["company", "directory"])
    await driver.post("/authorize/login", api_token=BAMBOO_TOKEN)
    return await token_after(http, creds, driver)


async def gusto(http: httpx.AsyncClient, runtime: Runtime) -> dict[str, str]:
    creds = await make_application(runtime, redirect_uris=[REDIRECT])
    driver = await start(http, creds, "gusto", ["company", "directory"])
    to_provider = await http.get(
        "/authorize/oauth/start", params={"session": driver.session_id, "csrf": driver.csrf}
    )
    authorize_url = to_provider.headers["location"]
    parts = urlsplit(authorize_url)
    query = dict(httpx.QueryParams(parts.query))
    async with httpx.AsyncClient() as browser:
        decision = await browser.post(
            f"{parts.scheme}://{parts.netloc}/oauth/authorize",
            data={
                **{k: query.get(k, "") for k in ("client_id", "redirect_uri", "response_type", "state")},
                "company": "0",
                "decision": "allow",
            },
        )
    back = urlsplit(decision.headers["location"])
    returned = await http.get(f"{back.path}?{back.query}")
    driver.page = await http.get(returned.headers["location"])
    return await token_after(http, creds, driver)


async def forward(http: httpx.AsyncClient, headers: dict[str, str], **body: Any) -> httpx.Response:
    return await http.post("/forward", json=body, headers=headers)


async def test_a_bamboohr_request_is_passed_through(
    http: httpx.AsyncClient, provider_runtime: Runtime
) -> None:
    headers = await bamboohr(http, provider_runtime)
    response = await forward(
        http,
        headers,
        method="get",
        route="/v1/employees/directory",
        params={"onlyCurrent": "true"},
        request_headers={"Accept": "application/json", "Authorization": "Basic c3RvbGVuOng="},
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == {"statusCode", "headers", "data", "request"}
    assert body["statusCode"] == 200 and "employees" in body["data"]
    assert body["headers"]["content-type"].startswith("application/json")
    assert body["request"] == {
        "method": "GET",
        "route": "/v1/employees/directory",
        "data": None,
        "headers": {"Accept": "application/json", "Authorization": "Basic c3RvbGVuOng="},
        "params": {"onlyCurrent": "true"},
    }


async def test_the_providers_error_status_is_returned_not_raised(
    http: httpx.AsyncClient, provider_runtime: Runtime
) -> None:
    headers = await bamboohr(http, provider_runtime)
    response = await forward(http, headers, method="GET", route="/v1/employees/no-such-employee")
    assert response.status_code == 200
    assert response.json()["statusCode"] == 404
    posted = await forward(http, headers, method="POST", route="/v1/company_information", data='{"a": 1}')
    assert posted.status_code == 200 and posted.json()["statusCode"] in (404, 405)


async def test_a_gusto_request_carries_the_connections_oauth_token(
    http: httpx.AsyncClient, provider_runtime: Runtime
) -> None:
    headers = await gusto(http, provider_runtime)
    info = await forward(http, headers, method="GET", route="/v1/token_info")
    assert info.status_code == 200 and info.json()["statusCode"] == 200, info.text
    company = info.json()["data"]
    assert "resource" in company


async def test_routes_and_methods_are_checked(http: httpx.AsyncClient, provider_runtime: Runtime) -> None:
    headers = await bamboohr(http, provider_runtime)
    for body in (
        {"method": "GET", "route": "v1/employees"},
        {"method": "GET", "route": "/v1/../admin"},
        {"method": "GET", "route": "/v1/employees?x=1"},
        {"method": "TRACE", "route": "/v1/employees"},
        {"route": "/v1/employees"},
    ):
        response = await http.post("/forward", json=body, headers=headers)
        assert response.status_code == 400, body
    assert (await http.post("/forward", json={"method": "GET", "route": "/v1"})).status_code == 401


async def test_finch_sandbox_connections_cannot_forward(
    http: httpx.AsyncClient, provider_runtime: Runtime
) -> None:
    creds = await make_application(provider_runtime, type="sandbox")
    created = await create(http, creds, employee_size=2)
    response = await forward(
        http, {"Authorization": f"Bearer {created['access_token']}"}, method="GET", route="/v1/employees"
    )
    assert response.status_code == 501
    assert response.json()["name"] == "not_implemented_error" and "sandbox" in response.json()["message"]
