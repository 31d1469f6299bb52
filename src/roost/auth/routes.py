"""``/auth/token``, ``/introspect`` and ``/disconnect`` (reference/finch-api.md §5)."""

from __future__ import annotations

from fastapi import APIRouter

from roost.auth import service
from roost.auth.dependencies import BearerToken
from roost.auth.introspection import introspect
from roost.auth.schemas import IntrospectionOut, StatusOut, TokenRequest, TokenResponse
from roost.connections.service import disconnect
from roost.core.dependencies import RuntimeDep

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
