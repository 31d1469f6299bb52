"""The composition root: ``create_app(settings)`` wires everything once."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from roost import __version__
from roost.applications.credential_cache import CredentialCache
from roost.applications.routes import router as admin_router
from roost.auth.routes import router as auth_router
from roost.connect.hot import routes as hot_session_routes
from roost.connect.routes import router as connect_router
from roost.connect.views import router as connect_views
from roost.connections.service import store_account
from roost.core.clock import Clock, SystemClock
from roost.core.database import Database
from roost.core.errors import install_error_handlers
from roost.core.hot_routes import RoostAPI
from roost.core.logging import configure_logging
from roost.core.middleware import BodyGuardMiddleware, RequestContextMiddleware
from roost.core.rate_limits import RateLimiter
from roost.core.runtime import Runtime
from roost.demo.views import router as demo_router
from roost.forwarding.routes import router as forwarding_router
from roost.hris.hot import routes as hot_directory_routes
from roost.hris.routes import router as employer_router
from roost.jobs.handlers import job_handlers
from roost.jobs.routes import router as jobs_router
from roost.jobs.worker import Worker
from roost.providers.contract import ProviderAccount
from roost.providers.registry import AdapterRegistry
from roost.providers.routes import router as providers_router
from roost.providers.wiring import RealAdapters, provider_registrations
from roost.sandbox.routes import router as sandbox_router
from roost.settings import Settings
from roost.sync.schedule import enqueue_due_syncs
from roost.webhooks.routes import router as webhooks_router

# Connect UI endpoints that take HTML form posts rather than JSON.
FORM_PATHS = ("/authorize", "/demo")
CONNECT_STATIC = Path(__file__).resolve().parent / "connect" / "static"
DEMO_STATIC = Path(__file__).resolve().parent / "demo" / "static"


def build_runtime(settings: Settings, *, clock: Clock | None = None) -> Runtime:
    clock = clock or SystemClock()
    holder: list[Runtime] = []

    async def save_account(connection_id: str, account: ProviderAccount) -> None:
        await store_account(holder[0], connection_id, account)

    real = RealAdapters(settings, clock, save_account)
    # The catalogue (GET /providers) is generated from the registered adapters.
    adapters = AdapterRegistry(clock, provider_registrations(real))
    runtime = Runtime(
        settings=settings,
        database=Database(settings),
        clock=clock,
        server_key=settings.server_key(),
        catalogue=adapters.catalogue,
        keyring=settings.keyring(),
        adapters=adapters,
        real_adapters=real,
        credential_cache=CredentialCache(settings.credential_cache_seconds),
        rate_limiter=RateLimiter.from_settings(settings.rate_limits, clock),
    )
    holder.append(runtime)
    return runtime


def create_app(settings: Settings, *, runtime: Runtime | None = None) -> FastAPI:
    configure_logging(settings.log_level, json=settings.log_json)
    runtime = runtime or build_runtime(settings)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        # Embedded mode (DESIGN.md §3): a worker in the server's own event loop.
        stop = asyncio.Event()
        worker = Worker(
            runtime,
            job_handlers(),
            concurrency=settings.worker_concurrency,
            lease_seconds=settings.job_lease_seconds,
            periodic=enqueue_due_syncs,
        )
        task = asyncio.create_task(worker.run(stop)) if settings.embedded_worker else None
        try:
            yield
        finally:
            stop.set()
            if task is not None:
                await task
            await runtime.real_adapters.aclose()
            await runtime.database.dispose()

    app = RoostAPI(
        title="Roost",
        version=__version__,
        summary="Self-hostable, Finch-compatible employment-data gateway",
        lifespan=lifespan,
        docs_url="/docs",
        redoc_url=None,
    )
    app.state.runtime = runtime
    install_error_handlers(app)
    app.include_router(connect_router)
    app.include_router(auth_router)
    app.include_router(employer_router)
    app.include_router(jobs_router)
    app.include_router(sandbox_router)
    app.include_router(forwarding_router)
    app.include_router(connect_views)
    if settings.mode == "demo":
        app.include_router(demo_router)
        app.mount("/static/demo", StaticFiles(directory=str(DEMO_STATIC)), name="demo-static")
    app.mount("/static/connect", StaticFiles(directory=str(CONNECT_STATIC)), name="connect-static")
    app.include_router(providers_router)
    app.include_router(admin_router)
    app.include_router(webhooks_router)

    @app.get("/healthz", include_in_schema=False)
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    # The two hottest endpoints answer before FastAPI's stack, behind the same guards
    # (roost.core.hot_routes, roost.hris.hot and roost.connect.hot say why).
    app.serve_hot(
        [*hot_session_routes, *hot_directory_routes], max_bytes=settings.max_body_bytes, form_paths=FORM_PATHS
    )
    # Outermost first: every response, errors included, carries Finch-Request-Id.
    app.add_middleware(BodyGuardMiddleware, max_bytes=settings.max_body_bytes, form_paths=FORM_PATHS)
    app.add_middleware(RequestContextMiddleware)
    return app


def create_app_from_environment() -> FastAPI:
    """Factory for ``uvicorn --factory`` and multi-process serving: settings from ROOST_*."""
    return create_app(Settings())
