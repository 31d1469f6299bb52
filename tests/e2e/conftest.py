"""End-to-end fixtures: Debian's Chromium driven by Playwright against a real Roost server.

Playwright's async API runs on one session-wide event loop (``loop_scope="session"``): its
sync API keeps an event loop marked as running for as long as the browser lives, which
would break every ``async`` test that runs after the e2e tests in the same pytest session.

Nothing leaves loopback: each browser context aborts every request to a non-loopback host,
and the tests answer the application's ``https://app.example.com`` redirects themselves.
"""

from __future__ import annotations

import re
import socket
import subprocess
import threading
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
import pytest_asyncio
import uvicorn
from finch import Finch
from finch.types import CreateAccessTokenResponse, Introspection
from playwright.async_api import Browser, BrowserContext, Dialog, Page, Route, async_playwright, expect

from roost.app import build_runtime, create_app
from roost.core import migrations
from roost.emulators import BambooHrEmulator, GustoEmulator, PaychexFlexEmulator, start_in_threads
from roost.settings import Settings
from tests.conftest import PG_SCHEMA, Credentials, LiveServer, _postgres_schema_url, make_application

E2E_DIR = Path(__file__).resolve().parent
REPO_ROOT = E2E_DIR.parents[1]
SCREENSHOTS = REPO_ROOT / "artifacts" / "screenshots"
NODE_DIR = E2E_DIR / "node"
FINCH_SDK = NODE_DIR / "node_modules" / "@tryfinch" / "react-connect"
HOST_DIR = E2E_DIR / "host"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
WAIT_MS = 10_000  # every Playwright wait; each is well under the 15 s budget
NAVIGATION_MS = 15_000

REDIRECT_URI = "https://app.example.com/callback"
APP_ORIGIN = "https://app.example.com"
NOT_LOOPBACK = re.compile(r"^(?!(https?|wss?)://(127\.0\.0\.1|localhost|\[::1\])(:\d+)?/)[a-z]+://")

expect.set_options(timeout=WAIT_MS)


# --- the Roost server -------------------------------------------------------------------------


@contextmanager
def serve_roost(settings: Settings) -> Iterator[LiveServer]:
    """A Roost server whose ``public_url`` is its real address.

    ``live_server`` cannot know its port before it binds, so the ``connect_url`` it hands
    out (and the OAuth callback it gives providers) point at ``settings.public_url``. Here
    the socket is bound first, so the URLs a browser follows are exactly the ones the API
    returns.
    """
    listener = socket.create_server(("127.0.0.1", 0))
    url = f"http://127.0.0.1:{listener.getsockname()[1]}"
    served = settings.model_copy(update={"public_url": url, "connect_url": None})
    config = uvicorn.Config(
        create_app(served), log_level="warning", access_log=False, lifespan="on", timeout_graceful_shutdown=5
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the e2e Roost server did not start")
        time.sleep(0.02)
    try:
        yield LiveServer(url=url, settings=served)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        listener.close()


@pytest.fixture(scope="session")
def connect_server(settings: Settings) -> Iterator[LiveServer]:
    """Roost on the same database and keys as ``live_server``, at its real address.

    No embedded worker: it would run the in-process tests' jobs on the shared database.
    """
    with serve_roost(settings.model_copy(update={"embedded_worker": False})) as server:
        yield server


# --- real-provider adapters against the emulators -------------------------------------------------


@dataclass
class Emulated:
    """The provider emulators on loopback: their objects (the data they serve) and base URLs."""

    gusto: GustoEmulator
    paychex_flex: PaychexFlexEmulator
    urls: dict[str, str]


@pytest.fixture(scope="session")
def emulated() -> Iterator[Emulated]:
    """Every bundled emulator with its default data, as ``roost emulators serve`` runs them."""
    gusto, bamboo, paychex = GustoEmulator(), BambooHrEmulator(), PaychexFlexEmulator()
    running = start_in_threads(
        {"gusto": gusto.app(), "bamboo_hr_api": bamboo.app(), "paychex_flex": paychex.app()}
    )
    try:
        yield Emulated(gusto, paychex, running.urls)
    finally:
        running.stop()


@pytest.fixture(scope="session")
def provider_server(
    settings: Settings, database_kind: str, tmp_path_factory: pytest.TempPathFactory, emulated: Emulated
) -> Iterator[LiveServer]:
    """Roost with its real adapters pointed at the emulators (``ROOST_GUSTO_BASE_URL`` & co).

    It has a database of its own, so its embedded worker runs the initial syncs of the
    connections made here, as ``roost serve`` does, and never the jobs of other tests.
    """
    if database_kind == "postgres":
        url = _postgres_schema_url(f"{PG_SCHEMA}_providers" if PG_SCHEMA else "e2e_providers")
    else:
        url = f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('providers') / 'roost-providers.db'}"
    configured = settings.model_copy(
        update={
            "database_url": url,
            "embedded_worker": True,
            "gusto_base_url": emulated.urls["gusto"],
            "bamboohr_base_url": emulated.urls["bamboo_hr_api"],
            "paychex_flex_base_url": emulated.urls["paychex_flex"],
        }
    )
    migrations.upgrade(configured)
    with serve_roost(configured) as server:
        yield server


# --- the customer's web page on another origin --------------------------------------------------


@pytest.fixture(scope="session")
def finch_sdk() -> Path:
    """The official ``@tryfinch/react-connect`` 5.0.0, installed from the committed lockfile."""
    bundle = FINCH_SDK / "dist" / "index.js"
    if not bundle.exists():
        try:
            subprocess.run(
                ["npm", "ci", "--no-audit", "--no-fund"],
                cwd=NODE_DIR,
                check=True,
                capture_output=True,
                timeout=300,
            )
        except (OSError, subprocess.SubprocessError) as exc:
            detail = getattr(exc, "stderr", b"") or b""
            pytest.fail(f"npm ci in {NODE_DIR} failed: {exc}\n{detail.decode(errors='replace')}")
    assert bundle.exists(), bundle
    return bundle


class _HostHandler(BaseHTTPRequestHandler):
    files: dict[str, tuple[Path, str]] = {}

    def do_GET(self) -> None:
        entry = self.files.get(urlsplit(self.path).path)
        if entry is None:
            self.send_error(HTTPStatus.NOT_FOUND)
            return
        body = entry[0].read_bytes()
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", entry[1])
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="session")
def host_origin(finch_sdk: Path) -> Iterator[str]:
    """A customer's site on its own loopback origin, serving the host page and the SDK."""

    class Handler(_HostHandler):
        files = {
            "/": (HOST_DIR / "index.html", "text/html; charset=utf-8"),
            "/host.js": (HOST_DIR / "host.js", "text/javascript"),
            "/host.css": (HOST_DIR / "host.css", "text/css"),
            "/vendor/react-connect/index.js": (finch_sdk, "text/javascript"),
        }

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    thread.join(timeout=10)


# --- applications and the API -----------------------------------------------------------------


async def create_application(server: LiveServer, *, origins: list[str]) -> Credentials:
    runtime = build_runtime(server.settings)
    try:
        return await make_application(runtime, type="sandbox", redirect_uris=[REDIRECT_URI], origins=origins)
    finally:
        await runtime.database.dispose()


@dataclass
class Roost:
    """The application's side: creates sessions, exchanges codes with the official SDK."""

    server: LiveServer
    credentials: Credentials

    @property
    def url(self) -> str:
        return self.server.url

    async def new_session(self, **body: Any) -> dict[str, str]:
        payload = {
            "customer_id": f"e2e-{uuid.uuid4()}",
            "customer_name": "Acme Corp",
            "products": ["company", "directory"],
            "redirect_uri": REDIRECT_URI,
            "sandbox": "finch",
            **body,
        }
        payload = {k: v for k, v in payload.items() if v is not None}
        return await self._post("/connect/sessions", payload)

    async def reauthenticate(self, connection_id: str, **body: Any) -> dict[str, str]:
        return await self._post("/connect/sessions/reauthenticate", {"connection_id": connection_id, **body})

    async def _post(self, path: str, payload: dict[str, Any]) -> dict[str, str]:
        async with httpx.AsyncClient(base_url=self.url, timeout=10) as http:
            response = await http.post(path, json=payload, headers=self.credentials.basic)
        assert response.status_code == 201, response.text
        return dict(response.json())

    def sdk(self) -> Finch:
        return Finch(
            client_id=self.credentials.client_id,
            client_secret=self.credentials.client_secret,
            base_url=self.url,
            max_retries=0,
            timeout=10,
        )

    def exchange(self, code: str, redirect_uri: str | None = None) -> CreateAccessTokenResponse:
        """``POST /auth/token`` through the official SDK (no ``redirect_uri`` for embedded codes)."""
        with self.sdk() as client:
            if redirect_uri is None:
                return client.access_tokens.create(code=code)
            return client.access_tokens.create(code=code, redirect_uri=redirect_uri)

    def introspect(self, access_token: str) -> Introspection:
        with self.sdk() as client:
            return client.with_options(access_token=access_token).account.introspect()


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def roost(connect_server: LiveServer, host_origin: str) -> Roost:
    """A sandbox application that registered the host page's origin and the callback URL."""
    return Roost(connect_server, await create_application(connect_server, origins=[host_origin, APP_ORIGIN]))


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def foreign_roost(connect_server: LiveServer) -> Roost:
    """An application that did NOT register the host page's origin."""
    return Roost(connect_server, await create_application(connect_server, origins=[APP_ORIGIN]))


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def provider_roost(provider_server: LiveServer) -> Roost:
    """An application on the Roost whose real adapters talk to the emulators."""
    return Roost(provider_server, await create_application(provider_server, origins=[APP_ORIGIN]))


# --- the browser ------------------------------------------------------------------------------


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def browser() -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS, timeout=NAVIGATION_MS
        )
        try:
            yield browser
        finally:
            await browser.close()


@dataclass
class Watch:
    """What a page did that a test must not allow: dialogs, script errors, outside traffic."""

    dialogs: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)


@pytest_asyncio.fixture(loop_scope="session")
async def context(browser: Browser) -> AsyncIterator[BrowserContext]:
    context = await browser.new_context(viewport=DESKTOP, locale="en-US", timezone_id="UTC")
    context.set_default_timeout(WAIT_MS)
    context.set_default_navigation_timeout(NAVIGATION_MS)
    try:
        yield context
    finally:
        await context.close()


@pytest_asyncio.fixture(loop_scope="session")
async def watch(context: BrowserContext) -> AsyncIterator[Watch]:
    watch = Watch()

    async def outside(route: Route) -> None:
        watch.blocked.append(route.request.url)
        await route.abort("blockedbyclient")

    # A regex is matched inside the driver, so loopback requests never wait on Python; the
    # page-level route for app.example.com (catch_callback) takes precedence over this one.
    await context.route(NOT_LOOPBACK, outside)
    yield watch
    assert not watch.dialogs, f"a page opened a dialog: {watch.dialogs}"
    assert not watch.page_errors, f"uncaught errors in a page: {watch.page_errors}"
    assert not watch.blocked, f"a page tried to reach beyond loopback: {watch.blocked}"


@pytest_asyncio.fixture(loop_scope="session")
async def page(context: BrowserContext, watch: Watch) -> Page:
    page = await context.new_page()

    async def on_dialog(dialog: Dialog) -> None:
        watch.dialogs.append(f"{dialog.type}: {dialog.message}")
        await dialog.dismiss()

    page.on("dialog", on_dialog)
    page.on("pageerror", lambda error: watch.page_errors.append(str(error)))
    return page


# --- the application's redirect URI, answered inside the browser ---------------------------------


@dataclass
class Callback:
    """Navigations to the application's redirect URI, answered locally."""

    urls: list[str] = field(default_factory=list)

    @property
    def params(self) -> dict[str, str]:
        assert self.urls, "the browser was never sent to the redirect URI"
        return {k: v[0] for k, v in parse_qs(urlsplit(self.urls[-1]).query).items()}


async def catch_callback(page: Page) -> Callback:
    callback = Callback()

    async def answer(route: Route) -> None:
        callback.urls.append(route.request.url)
        await route.fulfill(
            status=200,
            content_type="text/html; charset=utf-8",
            body="<!doctype html><title>Callback</title><h1>Back at the application</h1>",
        )

    await page.route(f"{APP_ORIGIN}/**", answer)
    return callback


# --- screenshots ------------------------------------------------------------------------------


# Two animation frames: the layout after a viewport resize has been painted.
SETTLE_LAYOUT = "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))"


class Screenshots:
    """Writes ``artifacts/screenshots/<name>-desktop.png`` and ``<name>-phone.png``."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    async def __call__(self, page: Page, name: str) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        original = page.viewport_size or DESKTOP
        try:
            for label, size in (("desktop", DESKTOP), ("phone", PHONE)):
                await page.set_viewport_size(size)
                await page.evaluate(SETTLE_LAYOUT)
                path = self.directory / f"{name}-{label}.png"
                await page.screenshot(path=path, animations="disabled", caret="hide", timeout=WAIT_MS)
        finally:
            await page.set_viewport_size(original)


@pytest.fixture(scope="session")
def screenshot() -> Screenshots:
    return Screenshots(SCREENSHOTS)
