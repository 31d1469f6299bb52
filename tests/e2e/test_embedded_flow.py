"""Roost Connect embedded in another site's page: iframe + postMessage (reference §4.3).

The host page lives on its own loopback origin and loads either the official
``@tryfinch/react-connect`` 5.0.0 UMD build (``FinchConnect``, pointed at Roost with
``apiConfig.connectUrl``) or Roost's ``/connect.js`` (``RoostConnect``). Callbacks land in
``window.__events``.
"""

from __future__ import annotations

import asyncio
import uuid
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest
from playwright.async_api import Frame, Page, Response, expect

from tests.connect_driver import ConnectDriver
from tests.e2e.conftest import WAIT_MS, Roost, Screenshots

pytestmark = [pytest.mark.e2e, pytest.mark.asyncio(loop_scope="session")]

IFRAME_IDS = {"finch": "finch-connect-iframe", "roost": "roost-connect-iframe"}


async def open_host(
    page: Page, host_origin: str, roost: Roost, sdk: str, session_id: str, state: str
) -> None:
    query = urlencode({"sdk": sdk, "connect": roost.url, "session": session_id, "state": state})
    await page.goto(f"{host_origin}/?{query}")
    button = page.get_by_role("button", name="Connect payroll")
    await expect(button).to_be_enabled()
    await button.click()


async def connect_frame(page: Page, sdk: str) -> Frame:
    """The Connect iframe the SDK created, once Roost's page (and its script) has loaded."""
    handle = await page.wait_for_selector(f"iframe#{IFRAME_IDS[sdk]}", state="attached")
    frame = await handle.content_frame()
    assert frame is not None
    await expect(frame.get_by_role("dialog")).to_be_visible()
    await frame.wait_for_load_state("load")
    return frame


async def events(page: Page) -> list[dict[str, Any]]:
    return list(await page.evaluate("() => window.__events"))


async def wait_for_event(page: Page) -> dict[str, Any]:
    await page.wait_for_function("() => window.__events.length > 0", timeout=WAIT_MS)
    recorded = await events(page)
    assert len(recorded) == 1, recorded
    return recorded[0]


async def sign_in_and_allow(frame: Frame) -> None:
    await frame.get_by_placeholder("Search providers").fill("bamboo")
    await expect(frame.get_by_role("button", name="Gusto", exact=True)).to_be_hidden()
    await frame.get_by_role("button", name="BambooHR", exact=True).click()
    await frame.get_by_label("Username or email").fill("good_user")
    await frame.get_by_label("Password").fill("good_pass")
    await frame.get_by_role("button", name="Connect", exact=True).click()
    await expect(frame.get_by_text("is requesting access")).to_be_visible()
    await frame.get_by_role("button", name="Allow access").click()


async def embedded_session(roost: Roost) -> str:
    # reference §3: omit redirect_uri for the embedded flow.
    return (await roost.new_session(redirect_uri=None))["session_id"]


@pytest.mark.parametrize("sdk", ["finch", "roost"])
async def test_embedded_success_hands_the_code_to_on_success(
    page: Page, roost: Roost, host_origin: str, screenshot: Screenshots, sdk: str
) -> None:
    await open_host(page, host_origin, roost, sdk, await embedded_session(roost), f"st-{sdk}")
    frame = await connect_frame(page, sdk)
    await expect(frame.get_by_role("heading", name="Select your HR or payroll provider")).to_be_visible()
    # The host page shows through around the modal: the iframe page is transparent.
    assert await frame.evaluate("() => getComputedStyle(document.body).backgroundColor") == "rgba(0, 0, 0, 0)"
    await screenshot(page, f"embedded-{sdk}-picker")

    await sign_in_and_allow(frame)
    success = await wait_for_event(page)
    assert success["type"] == "success"
    assert success["payload"]["state"] == f"st-{sdk}" and success["payload"]["code"]
    # The SDK removes its iframe on success and gives the page its scrollbar back.
    await expect(page.locator(f"#{IFRAME_IDS[sdk]}")).to_have_count(0)

    # reference §4.3: the embedded-flow code is exchanged without redirect_uri.
    token = roost.exchange(success["payload"]["code"])
    assert token.provider_id == "bamboo_hr"
    assert roost.introspect(token.access_token).connection_status.status == "connected"


@pytest.mark.parametrize("sdk", ["finch", "roost"])
async def test_closing_the_embedded_modal_calls_on_close(
    page: Page, roost: Roost, host_origin: str, screenshot: Screenshots, sdk: str
) -> None:
    await open_host(page, host_origin, roost, sdk, await embedded_session(roost), "st-close")
    frame = await connect_frame(page, sdk)
    await frame.get_by_placeholder("Search providers").fill("bamboo")
    await frame.get_by_role("button", name="BambooHR", exact=True).click()
    await expect(frame.get_by_label("Username or email")).to_be_visible()
    if sdk == "finch":
        await screenshot(page, "embedded-login")
    await frame.get_by_role("button", name="Close").click()

    closed = await wait_for_event(page)
    assert closed == {"type": "close", "payload": None}
    await expect(page.locator(f"#{IFRAME_IDS[sdk]}")).to_have_count(0)


async def completed_session(roost: Roost) -> str:
    """A session already taken to the end over plain HTTP."""
    session_id = await embedded_session(roost)
    async with httpx.AsyncClient(base_url=roost.url, timeout=10) as http:
        driver = ConnectDriver(http, session_id)
        await driver.open()
        await driver.sign_in("bamboo_hr", username="good_user", password="good_pass")
        finished = await driver.post("/authorize/consent", decision="grant")
        assert finished.status_code == 200 and "You're connected" in finished.text
    return session_id


@pytest.mark.parametrize(
    ("session", "reason"),
    [("completed", "already complete"), ("unknown", "link is not valid")],
)
async def test_a_session_that_cannot_open_reports_a_validation_error(
    page: Page, roost: Roost, host_origin: str, session: str, reason: str
) -> None:
    session_id = await completed_session(roost) if session == "completed" else str(uuid.uuid4())
    await open_host(page, host_origin, roost, "finch", session_id, "st-cannot-open")
    error = await wait_for_event(page)
    assert error["type"] == "error"
    assert error["payload"]["errorType"] == "validation_error"
    assert reason in error["payload"]["errorMessage"]
    # shouldClose: the SDK removed the iframe, and the host page is usable again.
    await expect(page.locator("#finch-connect-iframe")).to_have_count(0)
    await expect(page.get_by_role("button", name="Connect payroll")).to_be_visible()


@pytest.mark.parametrize("sdk", ["finch", "roost"])
async def test_an_unregistered_origin_cannot_embed_connect(
    page: Page, foreign_roost: Roost, host_origin: str, screenshot: Screenshots, sdk: str
) -> None:
    authorize: list[Response] = []
    page.on("response", lambda r: authorize.append(r) if "/authorize?" in r.url else None)
    session_id = await embedded_session(foreign_roost)
    await open_host(page, host_origin, foreign_roost, sdk, session_id, "st-foreign")

    await expect(page.locator(f"#{IFRAME_IDS[sdk]}")).to_have_count(1)
    async with asyncio.timeout(WAIT_MS / 1000):
        while not authorize:
            await asyncio.sleep(0.05)
    refused = authorize[0]
    assert refused.status == 403
    policy = (await refused.all_headers())["content-security-policy"]
    assert "frame-ancestors https://app.example.com;" in policy
    # Chromium replaces a blocked frame's document; the explanation is there for a top-level visit.
    async with httpx.AsyncClient(timeout=10) as http:
        explained = await http.get(refused.url)
    assert explained.status_code == 403
    assert f"register {host_origin} as an embedding origin" in explained.text
    # Give a message every chance to arrive; none may.
    await page.wait_for_timeout(1_500)
    assert await events(page) == []
    frame = page.frame_locator(f"#{IFRAME_IDS[sdk]}")
    await expect(frame.get_by_role("heading", name="Select your HR or payroll provider")).to_have_count(0)
    await screenshot(page, f"embedded-{sdk}-refused")
