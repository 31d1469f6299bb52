"""Roost Connect in a real browser, redirect flow: ``connect_url`` to the application's callback.

The callback (``https://app.example.com/callback``) is answered inside the browser by
``page.route``; codes are exchanged and tokens checked with the official ``finch-api`` SDK.
"""

from __future__ import annotations

import pytest
from playwright.async_api import Page, expect

from tests.e2e.conftest import REDIRECT_URI, Callback, Roost, Screenshots, catch_callback

pytestmark = [pytest.mark.e2e, pytest.mark.asyncio(loop_scope="session")]

XSS_NAME = "<img src=x onerror=alert(1)><script>alert(2)</script>"


async def open_connect(page: Page, connect_url: str, state: str | None = None) -> None:
    # reference §4.2: for the redirect flow, the application appends state to connect_url.
    await page.goto(connect_url + (f"&state={state}" if state else ""))


async def pick_provider(page: Page, query: str, name: str) -> None:
    await expect(page.get_by_role("heading", name="Select your HR or payroll provider")).to_be_visible()
    await page.get_by_placeholder("Search providers").fill(query)
    await expect(page.locator("[data-provider-list] li:not([hidden])").first).to_be_visible()
    await page.get_by_role("button", name=name, exact=True).click()


async def sign_in(page: Page, username: str = "good_user", password: str = "good_pass") -> None:
    await page.get_by_label("Username or email").fill(username)
    await page.get_by_label("Password").fill(password)
    await page.get_by_role("button", name="Connect", exact=True).click()


async def grant(page: Page, callback: Callback) -> dict[str, str]:
    await expect(page.get_by_text("is requesting access")).to_be_visible()
    await page.get_by_role("button", name="Allow access").click()
    await page.wait_for_url(f"{REDIRECT_URI}?**")
    return callback.params


async def test_credential_sign_in_redirects_with_a_code_the_sdk_exchanges(
    page: Page, roost: Roost, screenshot: Screenshots
) -> None:
    session = await roost.new_session()
    callback = await catch_callback(page)
    await open_connect(page, session["connect_url"], state="st-credential")
    await expect(page.get_by_role("button", name="Gusto", exact=True)).to_be_visible()
    await screenshot(page, "picker")

    await page.get_by_placeholder("Search providers").fill("bamboo")
    await expect(page.get_by_role("button", name="Gusto", exact=True)).to_be_hidden()
    await expect(page.get_by_role("button", name="BambooHR (API)")).to_be_visible()
    await screenshot(page, "picker-search")
    await page.get_by_role("button", name="BambooHR", exact=True).click()

    await expect(page.get_by_role("heading", name="Connect BambooHR")).to_be_visible()
    await page.get_by_label("Username or email").fill("good_user")
    await page.get_by_label("Password").fill("good_pass")
    await screenshot(page, "login")
    await page.get_by_role("button", name="Connect", exact=True).click()

    await expect(page.get_by_text("is requesting access")).to_be_visible()
    await expect(page.get_by_text("Names, departments, managers")).to_be_visible()
    await screenshot(page, "consent")
    params = await grant(page, callback)

    assert params["state"] == "st-credential" and set(params) == {"code", "state"}
    token = roost.exchange(params["code"], REDIRECT_URI)
    assert token.provider_id == "bamboo_hr" and token.connection_type == "finch"
    assert sorted(token.products) == ["company", "directory"] and len(token.entity_ids) == 1
    introspection = roost.introspect(token.access_token)
    assert introspection.connection_status.status == "connected"
    assert introspection.connection_id == token.connection_id


async def test_mfa_code_is_asked_for_and_checked(page: Page, roost: Roost, screenshot: Screenshots) -> None:
    session = await roost.new_session()
    callback = await catch_callback(page)
    await open_connect(page, session["connect_url"], state="st-mfa")
    await pick_provider(page, "bamboo", "BambooHR")
    await sign_in(page, password="mfa")

    code = page.get_by_label("Verification code")
    await expect(code).to_be_visible()
    await expect(page.get_by_text("Enter the 6-digit code")).to_be_visible()
    await screenshot(page, "mfa")
    await code.fill("000000")
    await page.get_by_role("button", name="Verify").click()
    await expect(page.get_by_role("alert")).to_contain_text("did not work")
    await screenshot(page, "mfa-wrong-code")
    await page.get_by_label("Verification code").fill("123456")
    await page.get_by_role("button", name="Verify").click()

    params = await grant(page, callback)
    assert params["state"] == "st-mfa"
    token = roost.exchange(params["code"], REDIRECT_URI)
    assert roost.introspect(token.access_token).connection_status.status == "connected"


async def test_account_selection_connects_only_the_chosen_companies(
    page: Page, roost: Roost, screenshot: Screenshots
) -> None:
    session = await roost.new_session()
    callback = await catch_callback(page)
    await open_connect(page, session["connect_url"])
    await pick_provider(page, "bamboo", "BambooHR")
    await sign_in(page, password="account_selection")

    boxes = page.get_by_role("checkbox")
    await expect(boxes).to_have_count(3)
    await screenshot(page, "entities")
    await boxes.nth(2).uncheck()
    await page.get_by_role("button", name="Continue").click()

    params = await grant(page, callback)
    assert "state" not in params
    token = roost.exchange(params["code"], REDIRECT_URI)
    assert len(token.entity_ids) == 2
    introspection = roost.introspect(token.access_token)
    assert introspection.connection_status.status == "connected"
    assert len(introspection.entities or []) == 2


async def test_mfa_then_account_selection(page: Page, roost: Roost) -> None:
    session = await roost.new_session()
    callback = await catch_callback(page)
    await open_connect(page, session["connect_url"])
    await pick_provider(page, "bamboo", "BambooHR")
    await sign_in(page, password="mfa_account_selection")
    await page.get_by_label("Verification code").fill("123456")
    await page.get_by_role("button", name="Verify").click()
    await expect(page.get_by_role("checkbox")).to_have_count(3)
    await page.get_by_role("button", name="Continue").click()
    token = roost.exchange((await grant(page, callback))["code"], REDIRECT_URI)
    assert len(token.entity_ids) == 3


async def test_api_token_sign_in(page: Page, roost: Roost, screenshot: Screenshots) -> None:
    session = await roost.new_session()
    callback = await catch_callback(page)
    await open_connect(page, session["connect_url"], state="st-token")
    await pick_provider(page, "bamboo", "BambooHR (API)")

    token_field = page.get_by_label("API token")
    await expect(token_field).to_be_visible()
    await token_field.fill("not-the-token")
    await page.get_by_role("button", name="Connect", exact=True).click()
    await expect(page.get_by_role("alert")).to_contain_text("not accepted")
    await page.get_by_label("API token").fill("good_token")
    await screenshot(page, "login-api-token")
    await page.get_by_role("button", name="Connect", exact=True).click()

    params = await grant(page, callback)
    token = roost.exchange(params["code"], REDIRECT_URI)
    assert token.provider_id == "bamboo_hr_api"
    assert roost.introspect(token.access_token).connection_status.status == "connected"


async def test_oauth_sign_in_comes_straight_back_in_the_sandbox(
    page: Page, roost: Roost, screenshot: Screenshots
) -> None:
    session = await roost.new_session()
    callback = await catch_callback(page)
    await open_connect(page, session["connect_url"], state="st-oauth")
    await pick_provider(page, "gusto", "Gusto")

    go = page.get_by_role("link", name="Continue to Gusto")
    await expect(go).to_be_visible()
    await screenshot(page, "login-oauth")
    await go.click()

    params = await grant(page, callback)
    assert params["state"] == "st-oauth"
    token = roost.exchange(params["code"], REDIRECT_URI)
    assert token.provider_id == "gusto"
    assert roost.introspect(token.access_token).connection_status.status == "connected"


async def test_assisted_setup_ends_in_a_pending_connection(
    page: Page, roost: Roost, screenshot: Screenshots
) -> None:
    session = await roost.new_session(manual=True)
    callback = await catch_callback(page)
    await open_connect(page, session["connect_url"])
    await pick_provider(page, "workday", "Workday Assisted")

    await expect(page.get_by_text("With assisted setup")).to_be_visible()
    await screenshot(page, "assisted")
    await page.get_by_role("button", name="I've added the admin user").click()

    token = roost.exchange((await grant(page, callback))["code"], REDIRECT_URI)
    assert token.provider_id == "workday"
    assert roost.introspect(token.access_token).connection_status.status == "pending"


async def test_integration_provider_and_method_skip_the_picker(page: Page, roost: Roost) -> None:
    session = await roost.new_session(
        manual=True, integration={"provider": "paychex_flex", "auth_method": "credential"}
    )
    callback = await catch_callback(page)
    await open_connect(page, session["connect_url"], state="st-direct")

    await expect(page.get_by_role("heading", name="Connect Paychex Flex")).to_be_visible()
    await expect(page.get_by_placeholder("Search providers")).to_have_count(0)
    await expect(page.get_by_text("How would you like to connect?")).to_have_count(0)
    # Neither the provider nor the method can be changed, so there is nowhere to go back to.
    await expect(page.get_by_role("button", name="Back")).to_have_count(0)
    await sign_in(page)

    params = await grant(page, callback)
    assert params["state"] == "st-direct"
    assert roost.exchange(params["code"], REDIRECT_URI).provider_id == "paychex_flex"


async def test_manual_sessions_list_assisted_providers_and_others_hide_them(
    page: Page, roost: Roost, screenshot: Screenshots
) -> None:
    manual = await roost.new_session(manual=True)
    await open_connect(page, manual["connect_url"])
    search = page.get_by_placeholder("Search providers")
    await search.fill("workday")
    workday = page.get_by_role("button", name="Workday", exact=False)
    await expect(workday).to_be_visible()
    await expect(workday.locator(".tag")).to_have_text("Assisted")
    await screenshot(page, "picker-manual")
    # A provider with both methods offers the choice, assisted included.
    await search.fill("paychex")
    await page.get_by_role("button", name="Paychex Flex", exact=True).click()
    await expect(page.get_by_text("How would you like to connect?")).to_be_visible()
    await expect(page.get_by_role("button", name="Assisted setup")).to_be_visible()
    await screenshot(page, "method")
    await page.get_by_role("button", name="Back").click()
    await expect(page.get_by_placeholder("Search providers")).to_be_visible()

    automated = await roost.new_session(manual=False)
    await open_connect(page, automated["connect_url"])
    await page.get_by_placeholder("Search providers").fill("workday")
    await expect(page.get_by_text("No provider matches your search.")).to_be_visible()
    await expect(page.locator("[data-provider-list] .tag", has_text="Assisted")).to_have_count(0)
    await page.get_by_placeholder("Search providers").fill("paychex")
    await page.get_by_role("button", name="Paychex Flex", exact=True).click()
    # Only the automated method is left, so it is chosen without asking.
    await expect(page.get_by_label("Username or email")).to_be_visible()
    await expect(page.get_by_text("Assisted setup")).to_have_count(0)


async def test_reauthentication_issues_a_new_token_for_the_same_connection(
    page: Page, roost: Roost, screenshot: Screenshots
) -> None:
    first = await roost.new_session()
    callback = await catch_callback(page)
    await open_connect(page, first["connect_url"])
    await pick_provider(page, "bamboo", "BambooHR")
    await sign_in(page)
    original = roost.exchange((await grant(page, callback))["code"], REDIRECT_URI)

    again = await roost.reauthenticate(original.connection_id, redirect_uri=REDIRECT_URI)
    await open_connect(page, again["connect_url"], state="st-reauth")
    await expect(page.get_by_role("heading", name="Reconnect BambooHR")).to_be_visible()
    await expect(page.get_by_placeholder("Search providers")).to_have_count(0)
    await screenshot(page, "login-reauthenticate")
    await sign_in(page)
    params = await grant(page, callback)
    assert params["state"] == "st-reauth"

    renewed = roost.exchange(params["code"], REDIRECT_URI)
    assert renewed.connection_id == original.connection_id
    assert renewed.access_token != original.access_token
    for token in (renewed.access_token, original.access_token):
        introspection = roost.introspect(token)
        assert introspection.connection_id == original.connection_id
        assert introspection.connection_status.status == "connected"


async def test_cancelling_redirects_with_access_denied(page: Page, roost: Roost) -> None:
    session = await roost.new_session()
    callback = await catch_callback(page)
    await open_connect(page, session["connect_url"], state="st-cancel")
    await pick_provider(page, "bamboo", "BambooHR")
    await sign_in(page)
    await expect(page.get_by_text("is requesting access")).to_be_visible()
    await page.get_by_role("button", name="Cancel").click()

    await page.wait_for_url(f"{REDIRECT_URI}?**")
    params = callback.params
    assert params["error"] == "access_denied" and params["state"] == "st-cancel"
    assert "code" not in params


async def test_closing_the_modal_redirects_with_access_denied(page: Page, roost: Roost) -> None:
    session = await roost.new_session()
    callback = await catch_callback(page)
    await open_connect(page, session["connect_url"], state="st-close")
    await page.get_by_role("button", name="Close").click()
    await page.wait_for_url(f"{REDIRECT_URI}?**")
    assert callback.params["error"] == "access_denied" and callback.params["state"] == "st-close"


async def test_three_failed_passwords_offer_another_way_to_connect(
    page: Page, roost: Roost, screenshot: Screenshots
) -> None:
    session = await roost.new_session()
    callback = await catch_callback(page)
    await open_connect(page, session["connect_url"])
    await pick_provider(page, "namely", "Namely")
    await page.get_by_role("button", name="Username and password").click()

    alternatives = page.get_by_text("Try another way to connect")
    for attempt in range(3):
        await expect(alternatives).to_have_count(0)
        await sign_in(page, password=f"wrong-{attempt}")
        await expect(page.get_by_role("alert")).to_contain_text("Incorrect username or password")
    await expect(alternatives).to_be_visible()
    await screenshot(page, "login-alternatives")
    await page.locator(".alternatives").get_by_role("button", name="API token").click()

    await page.get_by_label("API token").fill("good_token")
    await page.get_by_role("button", name="Connect", exact=True).click()
    token = roost.exchange((await grant(page, callback))["code"], REDIRECT_URI)
    assert token.provider_id == "namely"
    assert roost.introspect(token.access_token).connection_status.status == "connected"


async def test_customer_name_is_shown_as_text_never_run(page: Page, roost: Roost) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: dialogs.append(dialog.message))
    session = await roost.new_session(customer_name=XSS_NAME)
    callback = await catch_callback(page)
    await open_connect(page, session["connect_url"])

    await expect(page.locator("text=<script>").first).to_be_visible()
    await expect(page.locator("main").get_by_text(XSS_NAME)).to_have_count(1)
    await expect(page.locator("img[src=x], main script")).to_have_count(0)
    await pick_provider(page, "bamboo", "BambooHR")
    await expect(page.get_by_text(f"for {XSS_NAME}")).to_be_visible()
    await sign_in(page)
    await expect(page.locator(".consent-title")).to_contain_text(XSS_NAME)
    await expect(page.locator("img[src=x], main script")).to_have_count(0)
    token = roost.exchange((await grant(page, callback))["code"], REDIRECT_URI)
    assert token.customer_name == XSS_NAME
    assert dialogs == []


async def test_a_session_without_redirect_uri_ends_on_the_finish_page(
    page: Page, roost: Roost, screenshot: Screenshots
) -> None:
    session = await roost.new_session(redirect_uri=None)
    await open_connect(page, session["connect_url"])
    await pick_provider(page, "bamboo", "BambooHR")
    await sign_in(page)
    await page.get_by_role("button", name="Allow access").click()
    await expect(page.get_by_role("heading", name="You're connected")).to_be_visible()
    await expect(page.get_by_text("Acme Corp's BambooHR account is now connected")).to_be_visible()
    # The session is over: nothing to go back to, nothing left to cancel.
    await expect(page.get_by_role("button", name="Back")).to_have_count(0)
    await expect(page.get_by_role("button", name="Close")).to_have_count(0)
    await screenshot(page, "finish")


async def test_an_unknown_or_used_link_shows_an_error(
    page: Page, roost: Roost, screenshot: Screenshots
) -> None:
    response = await page.goto(f"{roost.url}/authorize?session=does-not-exist")
    assert response is not None and response.status == 400
    await expect(page.get_by_role("heading", name="Something went wrong")).to_be_visible()
    await expect(page.get_by_text("This Connect link is not valid")).to_be_visible()
    await screenshot(page, "error")

    session = await roost.new_session()
    callback = await catch_callback(page)
    await open_connect(page, session["connect_url"])
    await pick_provider(page, "bamboo", "BambooHR")
    await sign_in(page)
    await grant(page, callback)
    await open_connect(page, session["connect_url"])
    await expect(page.get_by_text("This Connect session is already complete.")).to_be_visible()
