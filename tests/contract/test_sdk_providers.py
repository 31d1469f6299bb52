"""``client.providers.list()`` of the official ``finch-api`` SDK against a running Roost.

What comes back must be exactly what the registered adapters declare: the expectation is
computed from the server's own adapter registry (built from the same settings), never from a
list written into the test.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import pytest
from finch import Finch
from finch.types.provider_list_response import ProviderListResponse

from roost.app import build_runtime
from roost.core.runtime import Runtime
from roost.providers.registry import Registration
from tests.conftest import LiveServer

pytestmark = pytest.mark.contract


@pytest.fixture(scope="module")
def runtime(live_server: LiveServer) -> Iterator[Runtime]:
    """The live server's composition, built again from its settings."""
    runtime = build_runtime(live_server.settings)
    yield runtime

    async def close() -> None:
        await runtime.real_adapters.aclose()
        await runtime.database.dispose()

    asyncio.run(close())


@pytest.fixture(scope="module")
def registrations(runtime: Runtime) -> tuple[Registration, ...]:
    return runtime.adapters.registrations


@pytest.fixture(scope="module")
def listed(live_server: LiveServer) -> list[ProviderListResponse]:
    # GET /providers takes no authentication (reference §7): the client has no credentials.
    with Finch(base_url=live_server.url, max_retries=0) as client:
        return list(client.providers.list())


def _declared(registration: Registration) -> dict[str, Any]:
    definition = registration.definition
    return {
        "id": definition.id,
        "display_name": definition.display_name,
        "products": list(definition.products),
        "mfa_required": definition.mfa_required,
        "manual": definition.manual,
        "beta": definition.beta,
        "authentication_methods": [
            {
                "type": method.type,
                "supported_fields": method.supported_fields,
                "benefits_support": method.benefits_support,
            }
            for method in definition.authentication_methods
        ],
    }


def _as_listed(provider: ProviderListResponse) -> dict[str, Any]:
    return {
        "id": provider.id,
        "display_name": provider.display_name,
        "products": provider.products,
        "mfa_required": provider.mfa_required,
        "manual": provider.manual,
        "beta": provider.beta,
        "authentication_methods": [
            {
                "type": method.type,
                "supported_fields": method.supported_fields.to_dict() if method.supported_fields else None,
                # The SDK types benefits_support as a plain mapping (benefit type -> object).
                "benefits_support": dict(method.benefits_support) if method.benefits_support else None,
            }
            for method in provider.authentication_methods or []
        ],
    }


def test_the_sdk_lists_exactly_the_registered_providers_in_order(
    listed: list[ProviderListResponse], registrations: tuple[Registration, ...]
) -> None:
    assert [p.id for p in listed] == [r.provider_id for r in registrations]


def test_each_listed_provider_is_what_its_registration_declares(
    listed: list[ProviderListResponse], registrations: tuple[Registration, ...]
) -> None:
    for provider, registration in zip(listed, registrations, strict=True):
        assert _as_listed(provider) == _declared(registration), provider.id


def test_real_adapters_are_listed_with_the_definitions_their_adapters_return(
    listed: list[ProviderListResponse], registrations: tuple[Registration, ...]
) -> None:
    by_id = {provider.id: provider for provider in listed}
    real = [r for r in registrations if r.factory is not None]
    assert real, "the server registers real adapters"
    for registration in real:
        assert registration.factory is not None
        adapter = registration.factory(None)
        assert _as_listed(by_id[registration.provider_id]) == _declared(
            Registration(adapter.definition, registration.factory)
        )
