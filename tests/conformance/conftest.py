"""The conformance kit's fixtures: every emulator on loopback for the session, one harness per test."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest

from roost.emulators import BackgroundEmulators, start_in_threads
from roost.providers.gusto import GustoTokenKeeper
from tests.conformance.harnesses import Harness, build, emulator_apps


@pytest.fixture(scope="session")
def emulators() -> Iterator[tuple[dict[str, Any], BackgroundEmulators]]:
    objects, apps = emulator_apps()
    running = start_in_threads(apps)
    yield objects, running
    running.stop()


async def _harness(
    name: str, emulators: tuple[dict[str, Any], BackgroundEmulators]
) -> AsyncIterator[Harness]:
    harness = build(name, emulators[1].urls, GustoTokenKeeper())
    try:
        yield harness
    finally:
        if harness.has_emulator:
            await harness.reset()
        await harness.close()


@pytest.fixture
async def harness(
    request: pytest.FixtureRequest, emulators: tuple[dict[str, Any], BackgroundEmulators]
) -> AsyncIterator[Harness]:
    async for item in _harness(request.param, emulators):
        yield item
