"""Running service functions from the command line."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

import typer

from roost.app import build_runtime
from roost.core import migrations
from roost.core.errors import FinchError
from roost.core.runtime import Runtime
from roost.settings import Settings

T = TypeVar("T")


def run(operation: Callable[[Runtime], Awaitable[T]], settings: Settings | None = None) -> T:
    """Migrate, build a runtime, run one service call, and turn Finch errors into exit code 1."""
    settings = settings or Settings()
    migrations.upgrade(settings)

    async def _call() -> T:
        runtime = build_runtime(settings)
        try:
            return await operation(runtime)
        finally:
            await runtime.database.dispose()

    try:
        return asyncio.run(_call())
    except FinchError as exc:
        typer.secho(f"error: {exc.message}", fg=typer.colors.RED, err=True)
        raise typer.Exit(1) from exc
