"""``roost worker`` and ``roost emulators serve``."""

from __future__ import annotations

import asyncio
import signal
from typing import Annotated

import typer

from roost.app import build_runtime
from roost.core import migrations
from roost.core.logging import configure_logging
from roost.emulators import DEFAULT_PORTS, run_emulators
from roost.jobs.handlers import job_handlers
from roost.jobs.worker import Worker
from roost.settings import Settings
from roost.sync.schedule import enqueue_due_syncs

emulators = typer.Typer(
    help="Local emulators of real provider APIs (for sandbox: provider).", no_args_is_help=True
)


def worker(concurrency: Annotated[int, typer.Option(help="Jobs run at once.")] = 4) -> None:
    """Run job workers alone (production: alongside `roost serve` with ROOST_EMBEDDED_WORKER=false)."""
    settings = Settings()
    configure_logging(settings.log_level, json=settings.log_json)
    migrations.upgrade(settings)

    async def _run() -> None:
        runtime = build_runtime(settings)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stop.set)
        try:
            # SIGTERM: stop claiming, finish or release running jobs, exit.
            await Worker(
                runtime,
                job_handlers(),
                concurrency=concurrency,
                lease_seconds=settings.job_lease_seconds,
                periodic=enqueue_due_syncs,
            ).run(stop)
        finally:
            await runtime.real_adapters.aclose()
            await runtime.database.dispose()

    asyncio.run(_run())


@emulators.command("serve")
def serve_emulators(
    host: Annotated[str, typer.Option(help="Loopback interface to listen on.")] = "127.0.0.1",
    gusto_port: int = DEFAULT_PORTS["gusto"],
    bamboohr_port: int = DEFAULT_PORTS["bamboo_hr_api"],
    paychex_port: int = DEFAULT_PORTS["paychex_flex"],
) -> None:
    """Serve the Gusto, BambooHR and Paychex Flex emulators."""
    typer.echo(
        f"Gusto http://{host}:{gusto_port}  BambooHR http://{host}:{bamboohr_port}  "
        f"Paychex Flex http://{host}:{paychex_port}"
    )
    run_emulators(host, {"gusto": gusto_port, "bamboo_hr_api": bamboohr_port, "paychex_flex": paychex_port})
