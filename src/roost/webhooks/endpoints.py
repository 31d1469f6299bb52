"""Webhook endpoints of an application: register, list, change, remove, rotate the secret.

The signing secret is returned only by :func:`create_endpoint` and :func:`rotate_secret`;
it is stored AES-GCM encrypted with the endpoint's id as associated data (DESIGN.md §4),
because Roost needs it back to sign every delivery.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from roost.applications.models import Application
from roost.core import identifiers
from roost.core.errors import bad_request, not_found
from roost.core.runtime import Runtime
from roost.webhooks import signing
from roost.webhooks.models import WebhookEndpoint
from roost.webhooks.schemas import (
    ALL_EVENTS,
    EVENT_TYPES,
    WebhookEndpointCreate,
    WebhookEndpointOut,
    WebhookEndpointUpdate,
    WebhookEndpointWithSecret,
)


def to_schema(endpoint: WebhookEndpoint) -> WebhookEndpointOut:
    return WebhookEndpointOut(
        id=endpoint.id,
        url=endpoint.url,
        event_types=list(endpoint.event_types),
        enabled=endpoint.enabled,
        created_at=endpoint.created_at,
        secret_rotated_at=endpoint.secret_rotated_at,
    )


def subscribes(event_types: Iterable[str], event_type: str) -> bool:
    types = set(event_types)
    return ALL_EVENTS in types or event_type in types


def check_url(url: str) -> str:
    """An absolute http(s) URL; loopback is allowed, since self-hosted receivers often are."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise bad_request(f"webhook URL must be an absolute http(s) URL: {url!r}")
    if parts.fragment or url.endswith("#"):
        raise bad_request(f"webhook URL must not contain a fragment: {url!r}")
    return url


def check_event_types(event_types: Iterable[str]) -> list[str]:
    requested = list(dict.fromkeys(event_types))
    if ALL_EVENTS in requested:
        return [ALL_EVENTS]
    unknown = [event_type for event_type in requested if event_type not in EVENT_TYPES]
    if unknown or not requested:
        raise bad_request(
            f"unknown event types: {', '.join(unknown) or '(none given)'}",
            context={"allowed": [ALL_EVENTS, *sorted(EVENT_TYPES)]},
        )
    return requested


async def application_id(session: AsyncSession, client_id: str) -> str:
    found = await session.scalar(select(Application.id).where(Application.client_id == client_id))
    if found is None:
        raise not_found(f"No application with client_id {client_id!r}")
    return found


async def find_endpoint(session: AsyncSession, client_id: str, endpoint_id: str) -> WebhookEndpoint:
    """The application's endpoint, or ``404``."""
    owner = await application_id(session, client_id)
    endpoint = await session.get(WebhookEndpoint, endpoint_id)
    if endpoint is None or endpoint.application_id != owner:
        raise not_found(f"No webhook endpoint {endpoint_id!r} for this application")
    return endpoint


def _with_secret(endpoint: WebhookEndpoint, secret: str) -> WebhookEndpointWithSecret:
    return WebhookEndpointWithSecret(**to_schema(endpoint).model_dump(), secret=secret)


async def create_endpoint(
    runtime: Runtime, client_id: str, request: WebhookEndpointCreate
) -> WebhookEndpointWithSecret:
    now = runtime.clock.now()
    endpoint_id = identifiers.new_uuid()
    secret = signing.new_secret()
    endpoint = WebhookEndpoint(
        id=endpoint_id,
        url=check_url(request.url),
        event_types=check_event_types(request.event_types),
        enabled=request.enabled,
        secret_ciphertext=runtime.keyring.encrypt(secret, endpoint_id),
        created_at=now,
        secret_rotated_at=now,
    )
    async with runtime.database.writing() as session:
        endpoint.application_id = await application_id(session, client_id)
        session.add(endpoint)
    return _with_secret(endpoint, secret)


async def list_endpoints(runtime: Runtime, client_id: str) -> list[WebhookEndpointOut]:
    async with runtime.database.reading() as session:
        owner = await application_id(session, client_id)
        rows = await session.scalars(
            select(WebhookEndpoint)
            .where(WebhookEndpoint.application_id == owner)
            .order_by(WebhookEndpoint.created_at, WebhookEndpoint.id)
        )
        return [to_schema(row) for row in rows]


async def update_endpoint(
    runtime: Runtime, client_id: str, endpoint_id: str, change: WebhookEndpointUpdate
) -> WebhookEndpointOut:
    async with runtime.database.writing() as session:
        endpoint = await find_endpoint(session, client_id, endpoint_id)
        if change.url is not None:
            endpoint.url = check_url(change.url)
        if change.event_types is not None:
            endpoint.event_types = check_event_types(change.event_types)
        if change.enabled is not None:
            endpoint.enabled = change.enabled
    return to_schema(endpoint)


async def delete_endpoint(runtime: Runtime, client_id: str, endpoint_id: str) -> None:
    """Remove an endpoint with its deliveries; queued delivery jobs find nothing and end."""
    async with runtime.database.writing() as session:
        await session.delete(await find_endpoint(session, client_id, endpoint_id))


async def rotate_secret(runtime: Runtime, client_id: str, endpoint_id: str) -> WebhookEndpointWithSecret:
    """Issue a new secret; every later attempt, retries included, is signed with it."""
    secret = signing.new_secret()
    async with runtime.database.writing() as session:
        endpoint = await find_endpoint(session, client_id, endpoint_id)
        endpoint.secret_ciphertext = runtime.keyring.encrypt(secret, endpoint.id)
        endpoint.secret_rotated_at = runtime.clock.now()
    return _with_secret(endpoint, secret)
