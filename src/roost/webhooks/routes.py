"""Webhooks over HTTP: the admin API for endpoints and deliveries, and the ``/events`` feed."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Header, Query, Response

from roost.applications.routes import require_admin
from roost.auth.dependencies import basic_application, bearer_token
from roost.core.dependencies import RuntimeDep
from roost.webhooks import endpoints, service
from roost.webhooks.feed import DEFAULT_LIMIT, MAX_LIMIT, FeedScope, list_events
from roost.webhooks.schemas import (
    EventPage,
    RedeliverEvent,
    WebhookDeliveryOut,
    WebhookEndpointCreate,
    WebhookEndpointOut,
    WebhookEndpointUpdate,
    WebhookEndpointWithSecret,
)

admin_router = APIRouter(
    prefix="/admin/applications/{client_id}/webhooks", tags=["admin"], dependencies=[Depends(require_admin)]
)


@admin_router.get("", response_model=list[WebhookEndpointOut])
async def list_endpoints(client_id: str, runtime: RuntimeDep) -> list[WebhookEndpointOut]:
    return await endpoints.list_endpoints(runtime, client_id)


@admin_router.post("", status_code=201, response_model=WebhookEndpointWithSecret)
async def create_endpoint(
    client_id: str, body: WebhookEndpointCreate, runtime: RuntimeDep
) -> WebhookEndpointWithSecret:
    return await endpoints.create_endpoint(runtime, client_id, body)


@admin_router.patch("/{endpoint_id}", response_model=WebhookEndpointOut)
async def update_endpoint(
    client_id: str, endpoint_id: str, body: WebhookEndpointUpdate, runtime: RuntimeDep
) -> WebhookEndpointOut:
    return await endpoints.update_endpoint(runtime, client_id, endpoint_id, body)


@admin_router.delete("/{endpoint_id}", status_code=204)
async def delete_endpoint(client_id: str, endpoint_id: str, runtime: RuntimeDep) -> Response:
    await endpoints.delete_endpoint(runtime, client_id, endpoint_id)
    return Response(status_code=204)


@admin_router.post("/{endpoint_id}/rotate-secret", response_model=WebhookEndpointWithSecret)
async def rotate_secret(client_id: str, endpoint_id: str, runtime: RuntimeDep) -> WebhookEndpointWithSecret:
    return await endpoints.rotate_secret(runtime, client_id, endpoint_id)


@admin_router.get("/{endpoint_id}/deliveries", response_model=list[WebhookDeliveryOut])
async def list_deliveries(
    client_id: str,
    endpoint_id: str,
    runtime: RuntimeDep,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> list[WebhookDeliveryOut]:
    return await service.list_deliveries(runtime, client_id, endpoint_id, limit)


@admin_router.post("/events/{event_id}/redeliver", status_code=202, response_model=list[WebhookDeliveryOut])
async def redeliver_event(
    client_id: str, event_id: str, runtime: RuntimeDep, body: RedeliverEvent | None = None
) -> list[WebhookDeliveryOut]:
    endpoint_id = body.endpoint_id if body is not None else None
    return await service.redeliver_event(runtime, client_id, event_id, endpoint_id)


@admin_router.post("/deliveries/{delivery_id}/redeliver", status_code=202, response_model=WebhookDeliveryOut)
async def redeliver_delivery(client_id: str, delivery_id: str, runtime: RuntimeDep) -> WebhookDeliveryOut:
    return await service.redeliver_delivery(runtime, client_id, delivery_id)


events_router = APIRouter(tags=["events"])


async def feed_scope(runtime: RuntimeDep, authorization: Annotated[str | None, Header()] = None) -> FeedScope:
    """Basic client credentials read the whole application; a Bearer token, its connection."""
    scheme = (authorization or "").partition(" ")[0].lower()
    if scheme == "basic":
        application = await basic_application(runtime, authorization)
        return FeedScope(application.id, None)
    token = await bearer_token(runtime, authorization)
    return FeedScope(token.application_id, token.connection_id)


@events_router.get("/events", response_model=EventPage)
async def events(
    runtime: RuntimeDep,
    scope: Annotated[FeedScope, Depends(feed_scope)],
    after: Annotated[str | None, Query(max_length=64)] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
) -> EventPage:
    return await list_events(runtime, scope, after, limit)


router = APIRouter()
router.include_router(admin_router)
router.include_router(events_router)
