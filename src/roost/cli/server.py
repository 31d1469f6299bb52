"""``roost serve``, ``roost migrate`` and ``roost demo``."""

from __future__ import annotations

from typing import Annotated

import typer
import uvicorn
from sqlalchemy import select

from roost.applications import service as applications
from roost.applications.models import Application
from roost.applications.schemas import ApplicationCreate, ApplicationWithSecret
from roost.cli.runtime import run
from roost.core import migrations
from roost.core.runtime import Runtime
from roost.demo.views import DEMO_APPLICATION_NAME
from roost.emulators import build_emulators
from roost.emulators.serving import start_on_ports
from roost.settings import EMULATOR_PORTS, Settings

Host = Annotated[str, typer.Option(help="Interface to listen on.")]
Port = Annotated[int, typer.Option(help="Port to listen on.")]


def migrate() -> None:
    """Apply database migrations (ROOST_DATABASE_URL)."""
    settings = Settings()
    migrations.upgrade(settings)
    typer.echo(f"Database is up to date: {_safe_url(settings.database_url)}")


def serve(
    host: Host = "127.0.0.1",
    port: Port = 8000,
    workers: Annotated[int, typer.Option(help="Server processes (production shape).")] = 1,
    migrate_first: Annotated[bool, typer.Option("--migrate/--no-migrate")] = True,
) -> None:
    """Serve the API and Roost Connect."""
    settings = Settings()
    settings.server_key()  # refuse to start in production without a key, before binding
    if migrate_first:
        migrations.upgrade(settings)
    uvicorn.run(
        "roost.app:create_app_from_environment",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="warning",
        access_log=False,
    )


async def _ensure_demo_application(runtime: Runtime) -> ApplicationWithSecret:
    origin = runtime.settings.public_url.rstrip("/")
    async with runtime.database.reading() as session:
        existing = await session.scalar(
            select(Application).where(Application.name == DEMO_APPLICATION_NAME).limit(1)
        )
    if existing is not None:
        # The secret is stored only as a digest, so a fresh one is issued on each demo start.
        return await applications.rotate_secret(runtime, existing.client_id)
    return await applications.create_application(
        runtime,
        ApplicationCreate(
            name=DEMO_APPLICATION_NAME,
            type="sandbox",
            redirect_uris=[f"{origin}/demo/callback"],
            origins=[origin],
        ),
    )


def demo(host: Host = "127.0.0.1", port: Port = 8000) -> None:
    """Migrate, make sure a sandbox demo application exists, print its credentials, serve."""
    settings = Settings()
    demo_app = run(_ensure_demo_application, settings)
    # The real-provider adapters talk to bundled emulators on their usual ports.
    emulators = start_on_ports(build_emulators(), settings.emulator_host, EMULATOR_PORTS)
    base = settings.public_url.rstrip("/")
    typer.echo("")
    typer.secho("Roost is starting (demo mode, SQLite, Finch sandbox).", bold=True)
    typer.echo(f"  database       {_safe_url(settings.database_url)}")
    typer.echo(f"  API            {base}")
    typer.echo(f"  Connect        {settings.connect_origin}/authorize?session=<session_id>")
    typer.echo(f"  Providers      {base}/providers")
    typer.echo(f"  API docs       {base}/docs")
    typer.echo(f"  Demo app       {base}/demo")
    typer.echo(f"  client_id      {demo_app.client_id}")
    typer.echo(f"  client_secret  {demo_app.client_secret}")
    typer.echo(f"  redirect_uri   {', '.join(demo_app.redirect_uris)}")
    typer.echo("")
    typer.echo(
        'Provider emulators (sandbox: "provider"): '
        + ", ".join(f"{name} {url}" for name, url in emulators.urls.items())
    )
    typer.echo("")
    typer.echo("Try it:")
    typer.echo(
        f"  curl -u {demo_app.client_id}:{demo_app.client_secret} -H 'Content-Type: application/json' \\"
    )
    typer.echo(
        '    -d \'{"customer_id":"acme","customer_name":"Acme","products":["company","directory"]}\' \\'
    )
    typer.echo(f"    {base}/connect/sessions")
    typer.echo("")
    uvicorn.run(
        "roost.app:create_app_from_environment",
        factory=True,
        host=host,
        port=port,
        log_level="warning",
        access_log=False,
    )


def _safe_url(url: str) -> str:
    """The database URL without its password, for printing."""
    scheme, sep, rest = url.partition("://")
    if "@" in rest:
        credentials, _, location = rest.rpartition("@")
        user = credentials.split(":", 1)[0]
        return f"{scheme}{sep}{user}:***@{location}"
    return url
