"""The demo application at /demo, as `make demo` serves it."""

from __future__ import annotations

from urllib.parse import urlsplit

import httpx

from roost.cli.server import _ensure_demo_application
from roost.core.runtime import Runtime
from tests.connect_driver import ConnectDriver


async def test_the_demo_connects_an_employer_through_the_redirect_flow(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    await _ensure_demo_application(runtime)
    home = await client.get("/demo")
    assert home.status_code == 200 and "Connect an employer" in home.text
    started = await client.post("/demo/sessions", data={"customer_name": "Globex", "flow": "redirect"})
    assert started.status_code == 303
    location = urlsplit(started.headers["location"])
    session_id = location.query.split("session=")[1].split("&")[0]
    driver = ConnectDriver(client, session_id)
    await driver.open()
    await driver.sign_in("gusto")
    assert "Continue to Gusto" in driver.page.text  # type: ignore[union-attr]
    # The sandbox's OAuth comes straight back to Roost's callback.
    start = await client.get("/authorize/oauth/start", params={"session": session_id, "csrf": driver.csrf})
    callback = urlsplit(start.headers["location"])
    back = await client.get(f"{callback.path}?{callback.query}")
    driver.page = await client.get(back.headers["location"])
    done = await driver.post("/authorize/consent", decision="grant")
    result = await client.get(
        urlsplit(done.headers["location"]).path + "?" + urlsplit(done.headers["location"]).query
    )
    assert (
        result.status_code == 200
        and "Connected" in result.text
        and "&#34;provider_id&#34;: &#34;gusto&#34;" in result.text
    )


async def test_the_embedded_demo_page_loads_the_sdk(client: httpx.AsyncClient, runtime: Runtime) -> None:
    await _ensure_demo_application(runtime)
    page = await client.post("/demo/sessions", data={"customer_name": "Initech", "flow": "embedded"})
    assert page.status_code == 200
    assert '<script src="/connect.js" defer></script>' in page.text and "data-session-id=" in page.text
    sdk = await client.get("/connect.js")
    assert sdk.status_code == 200 and "RoostConnect" in sdk.text
