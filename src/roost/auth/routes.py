"""``/auth/token``, ``/introspect``, ``/disconnect`` and ``/disconnect-entity`` (reference §5)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body

from roost.auth import service
from roost.auth.dependencies import BearerToken
from roost.auth.introspection import introspect
from roost.auth.schemas import (
    DisconnectEntityRequest,
    IntrospectionOut,
    StatusOut,
    TokenRequest,
    TokenResponse,
)
from roost.connections.service import disconnect, disconnect_entities
from roost.core.dependencies import RuntimeDep
from roost.core.errors import bad_request

router = APIRouter(tags=["auth"])


@router.post("/auth/token", response_model=TokenResponse)
async def create_access_token(body: TokenRequest, runtime: RuntimeDep) -> TokenResponse:
    return await service.exchange_code(runtime, body)


@router.get("/introspect", response_model=IntrospectionOut)
async def introspect_token(token: BearerToken, runtime: RuntimeDep) -> IntrospectionOut:
    return await introspect(runtime, token)


@router.post("/disconnect", response_model=StatusOut)
async def disconnect_connection(token: BearerToken, runtime: RuntimeDep) -> StatusOut:
    await disconnect(runtime, token.connection_id)
    return StatusOut()


@router.post("/disconnect-entity", response_model=StatusOut)
async def disconnect_entity(
    token: BearerToken, runtime: RuntimeDep, body: Annotated[DisconnectEntityRequest | None, Body()] = None
) -> StatusOut:
    if body is None:  # no body at all: name the field, as for an empty one
        raise bad_request("entity_ids is required", context={"fields": ["entity_ids"]})
    await disconnect_entities(runtime, token.connection_id, body.entity_ids, token.entity_ids)
    return StatusOut()
