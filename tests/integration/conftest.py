"""Fixtures shared by the integration tests."""

from __future__ import annotations

import httpx
import pytest


@pytest.fixture
def api(client: httpx.AsyncClient) -> httpx.AsyncClient:
    """The app in-process over ASGI, as the sandbox-API tests call it."""
    return client
