"""Provider emulators: small HTTP apps that reproduce real provider APIs on loopback.

With ``sandbox: "provider"`` Roost's real adapters talk to these instead of the providers
(DESIGN.md §3). Each emulator serves deterministic sandbox companies in its provider's shapes
and supports fault injection under ``/_emulator/``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping

from starlette.types import ASGIApp

from roost.emulators.bamboohr import BambooHrEmulator
from roost.emulators.gusto import GustoEmulator
from roost.emulators.paychex_flex import PaychexFlexEmulator
from roost.emulators.serving import BackgroundEmulators, serve_apps, start_in_threads

__all__ = [
    "DEFAULT_PORTS",
    "BackgroundEmulators",
    "BambooHrEmulator",
    "GustoEmulator",
    "PaychexFlexEmulator",
    "build_emulators",
    "run_emulators",
    "serve_emulators",
    "start_in_threads",
]

# Emulator name -> loopback port when served for development (``roost emulators serve``).
DEFAULT_PORTS: Mapping[str, int] = {"gusto": 8601, "bamboo_hr_api": 8602, "paychex_flex": 8603}


def build_emulators() -> dict[str, ASGIApp]:
    """One app per emulated provider, keyed by Roost provider id, with default companies."""
    return {
        "gusto": GustoEmulator().app(),
        "bamboo_hr_api": BambooHrEmulator().app(),
        "paychex_flex": PaychexFlexEmulator().app(),
    }


async def serve_emulators(host: str = "127.0.0.1", ports: Mapping[str, int] | None = None) -> None:
    """Serve every emulator until cancelled; ``ports`` overrides :data:`DEFAULT_PORTS`."""
    await serve_apps(build_emulators(), host, {**DEFAULT_PORTS, **(ports or {})})


def run_emulators(host: str = "127.0.0.1", ports: Mapping[str, int] | None = None) -> None:
    """Blocking entry point for a CLI command."""
    asyncio.run(serve_emulators(host, ports))
