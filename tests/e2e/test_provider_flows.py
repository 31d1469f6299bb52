"""Roost Connect in a real browser with ``sandbox: "provider"``: the real adapters, over real HTTP,
against the bundled provider emulators on loopback.

- Gusto: OAuth 2 through the Gusto emulator's own authorize page, back to Roost's callback;
- Paychex Flex: username and password, then the verification code Paychex asks for.

Each flow ends where an application's does: the code is exchanged with the official SDK, the
server's embedded worker runs the initial sync through the adapter, and
``/employer/directory`` answers with the emulator's employees, mapped to Finch's shape.
"""

from __future__ import annotations

import asyncio
import time

import pytest
from finch import Finch
from finch.types.hris import IndividualInDirectory
from playwright.async_api import Page, expect

from roost.emulators.company_data import EmulatedCompany
from roost.emulators.paychex_flex import DEMO_MFA_CODE, DEMO_PASSWORD
from tests.e2e.conftest import REDIRECT_URI, Emulated, Roost, Screenshots, catch_callback
from tests.e2e.test_redirect_flow import grant, open_connect, pick_provider, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.asyncio(loop_scope="session")]

ORGANIZATION = ["company", "directory", "individual", "employment"]
SYNC_WAIT_SECONDS = 60


async def synced_client(roost: Roost, access_token: str) -> Finch:
    """The application's SDK client once the connection's first sync has finished."""
    client = roost.sdk().with_options(access_token=access_token)
    deadline = time.monotonic() + SYNC_WAIT_SECONDS
    while client.account.introspect().connection_status.last_successful_sync is None:
        assert time.monotonic() < deadline, "the initial sync did not finish"
        await asyncio.sleep(0.25)
    return client


def people(directory: list[IndividualInDirectory]) -> list[tuple[str | None, str | None, bool | None]]:
    return sorted((p.first_name, p.last_name, p.is_active) for p in directory)


def held_by(company: EmulatedCompany) -> list[tuple[str | None, str | None, bool | None]]:
    """The people as the emulated provider holds them (before its own shapes)."""
    return sorted((p.first_name, p.last_name, p.is_active) for p in company.sandbox.directory())


def assert_directory_is_the_emulators(client: Finch, company: EmulatedCompany) -> None:
    assert client.hris.company.retrieve().legal_name == company.sandbox.company().legal_name
    directory = list(client.hris.directory.list())
    assert people(directory) == held_by(company)
    # Provider ids became Roost ids: managers point at people of the same directory.
    ids = {person.id for person in directory}
    managers = {person.manager.id for person in directory if person.manager and person.manager.id}
    assert managers and managers <= ids


async def test_gusto_oauth_goes_through_the_emulators_authorize_page(
    page: Page, provider_roost: Roost, emulated: Emulated, screenshot: Screenshots
) -> None:
    gusto_company = emulated.gusto.companies[0]
    session = await provider_roost.new_session(sandbox="provider", products=ORGANIZATION)
    callback = await catch_callback(page)
    await open_connect(page, session["connect_url"], state="st-gusto")
    await pick_provider(page, "gusto", "Gusto")

    go = page.get_by_role("link", name="Continue to Gusto")
    await expect(go).to_be_visible()
    await expect(page.get_by_text("You'll sign in on Gusto's website")).to_be_visible()
    # A real provider: no sandbox shortcut is offered.
    await expect(page.get_by_text("sign-in succeeds at once")).to_have_count(0)
    await screenshot(page, "provider-gusto-start")
    await go.click()

    await page.wait_for_url(f"{emulated.urls['gusto']}/oauth/authorize?**")
    await expect(page.get_by_role("heading", name="Allow access to your Gusto company?")).to_be_visible()
    await expect(page.locator("select[name=company] option")).to_have_text(
        [str(gusto_company.sandbox.company().legal_name)]
    )
    await screenshot(page, "provider-gusto-authorize")
    await page.get_by_role("button", name="Authorize").click()

    await page.wait_for_url(f"{provider_roost.url}/authorize/flow?**")
    await expect(page.get_by_text("is requesting access")).to_be_visible()
    await expect(page.get_by_text("Names, departments, managers")).to_be_visible()
    await screenshot(page, "provider-gusto-consent")
    params = await grant(page, callback)
    assert params["state"] == "st-gusto" and set(params) == {"code", "state"}

    token = provider_roost.exchange(params["code"], REDIRECT_URI)
    assert token.provider_id == "gusto" and token.connection_type == "provider"
    assert sorted(token.products) == sorted(ORGANIZATION)
    with await synced_client(provider_roost, token.access_token) as client:
        introspection = client.account.introspect()
        assert introspection.connection_status.status == "connected"
        assert (
            introspection.authentication_methods and introspection.authentication_methods[0].type == "oauth"
        )
        assert_directory_is_the_emulators(client, gusto_company)


async def test_paychex_flex_credentials_and_verification_code(
    page: Page, provider_roost: Roost, emulated: Emulated, screenshot: Screenshots
) -> None:
    flex_admin = emulated.paychex_flex.users["flex_admin"]
    flex_company = next(c for c in emulated.paychex_flex.companies.values() if c.spec in flex_admin.companies)
    session = await provider_roost.new_session(sandbox="provider", products=ORGANIZATION)
    callback = await catch_callback(page)
    await open_connect(page, session["connect_url"], state="st-paychex")
    await pick_provider(page, "paychex", "Paychex Flex")

    # Assisted setup needs manual=true, so the credential form comes straight up.
    await expect(page.get_by_role("heading", name="Connect Paychex Flex")).to_be_visible()
    await expect(page.get_by_text("good_user")).to_have_count(0)
    await sign_in(page, flex_admin.username, "not-the-password")
    await expect(page.get_by_role("alert")).to_contain_text("did not accept that username and password")
    await screenshot(page, "provider-paychex-wrong-password")
    await sign_in(page, flex_admin.username, DEMO_PASSWORD)

    code = page.get_by_label("Verification code")
    await expect(code).to_be_visible()
    await expect(page.get_by_text("Enter the code Paychex sent to ***-***-0142.")).to_be_visible()
    await screenshot(page, "provider-paychex-mfa")
    await code.fill("000000")
    await page.get_by_role("button", name="Verify").click()
    await expect(page.get_by_role("alert")).to_contain_text("That code did not work")
    await page.get_by_label("Verification code").fill(DEMO_MFA_CODE)
    await page.get_by_role("button", name="Verify").click()

    await expect(page.get_by_text("is requesting access")).to_be_visible()
    await screenshot(page, "provider-paychex-consent")
    params = await grant(page, callback)
    assert params["state"] == "st-paychex"

    token = provider_roost.exchange(params["code"], REDIRECT_URI)
    assert token.provider_id == "paychex_flex" and token.connection_type == "provider"
    assert len(token.entity_ids) == 1
    with await synced_client(provider_roost, token.access_token) as client:
        introspection = client.account.introspect()
        assert introspection.connection_status.status == "connected"
        assert introspection.username == flex_admin.username
        assert_directory_is_the_emulators(client, flex_company)
