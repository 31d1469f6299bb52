"""The admin JSON API for applications, guarded by ``ROOST_ADMIN_TOKEN``."""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import APIRouter, Depends, Header

from roost.applications import service
from roost.applications.schemas import (
    ApplicationCreate,
    ApplicationOut,
    ApplicationWithSecret,
    OriginChange,
    UriChange,
)
from roost.auth.credentials import parse_bearer
from roost.core.dependencies import RuntimeDep
from roost.core.errors import FinchError


async def require_admin(runtime: RuntimeDep, authorization: Annotated[str | None, Header()] = None) -> None:
    configured = runtime.settings.admin_token
    if configured is None:
        raise FinchError(
            403, "forbidden_error", "The admin API is disabled: set ROOST_ADMIN_TOKEN to enable it"
        )
    token = parse_bearer(authorization)
    if not hmac.compare_digest(token.encode(), configured.get_secret_value().encode()):
        raise FinchError(401, "invalid_token_error", "Invalid admin token")


router = APIRouter(prefix="/admin", tags=["admin"], dependencies=[Depends(require_admin)])


@router.post("/applications", status_code=201, response_model=ApplicationWithSecret)
async def create_application(body: ApplicationCreate, runtime: RuntimeDep) -> ApplicationWithSecret:
    return await service.create_application(runtime, body)


@router.get("/applications", response_model=list[ApplicationOut])
async def list_applications(runtime: RuntimeDep) -> list[ApplicationOut]:
    return await service.list_applications(runtime)


@router.get("/applications/{client_id}", response_model=ApplicationOut)
async def show_application(client_id: str, runtime: RuntimeDep) -> ApplicationOut:
    return await service.get_application(runtime, client_id)


@router.post("/applications/{client_id}/rotate-secret", response_model=ApplicationWithSecret)
async def rotate_secret(client_id: str, runtime: RuntimeDep) -> ApplicationWithSecret:
    return await service.rotate_secret(runtime, client_id)


@router.post("/applications/{client_id}/redirect-uris", response_model=ApplicationOut)
async def add_redirect_uri(client_id: str, body: UriChange, runtime: RuntimeDep) -> ApplicationOut:
    return await service.add_redirect_uri(runtime, client_id, body.uri)


@router.delete("/applications/{client_id}/redirect-uris", response_model=ApplicationOut)
async def remove_redirect_uri(client_id: str, body: UriChange, runtime: RuntimeDep) -> ApplicationOut:
    return await service.remove_redirect_uri(runtime, client_id, body.uri)


@router.post("/applications/{client_id}/origins", response_model=ApplicationOut)
async def add_origin(client_id: str, body: OriginChange, runtime: RuntimeDep) -> ApplicationOut:
    return await service.add_origin(runtime, client_id, body.origin)


@router.delete("/applications/{client_id}/origins", response_model=ApplicationOut)
async def remove_origin(client_id: str, body: OriginChange, runtime: RuntimeDep) -> ApplicationOut:
    return await service.remove_origin(runtime, client_id, body.origin)
