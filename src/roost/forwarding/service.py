"""``POST /forward``: pass one request through to the connection's provider (reference §5).

The provider's answer is returned as it came, whatever its status: ``statusCode`` is the
provider's, and only a provider Roost cannot reach at all is an error of Roost's own (502).
"""

from __future__ import annotations

import json
from typing import Any

import httpx
from sqlalchemy import select

from roost.auth.service import TokenContext, require_data_access
from roost.connections.models import Connection, ConnectionEntity
from roost.core.errors import FinchError, invalid_token
from roost.core.runtime import Runtime
from roost.forwarding.schemas import ForwardedRequest, ForwardRequest, ForwardResponse
from roost.forwarding.targets import TARGETS, ForwardTarget
from roost.providers.contract import ProviderAccount
from roost.providers.records import Entity

TIMEOUT_SECONDS = 60.0
# Roost authenticates to the provider itself; a caller's header must not replace that, and
# hop-by-hop headers belong to the connection they arrived on (RFC 9110 §7.6.1).
_DROPPED_HEADERS = frozenset(
    {"authorization", "cookie", "host", "content-length", "connection", "transfer-encoding", "upgrade", "te"}
)


def not_implemented(message: str) -> FinchError:
    return FinchError(501, "not_implemented_error", message)


async def _connection_and_account(
    runtime: Runtime, token: TokenContext
) -> tuple[Connection, ProviderAccount]:
    async with runtime.database.reading() as session:
        connection = await session.get(Connection, token.connection_id)
        if connection is None:
            raise invalid_token()
        entities = await session.scalars(
            select(ConnectionEntity).where(ConnectionEntity.connection_id == connection.id)
        )
        entity_list = tuple(Entity(source_id=e.source_id, name=e.name or "") for e in entities)
    if connection.connection_type == "finch":
        raise not_implemented(
            "Request forwarding is not available for Finch-mode sandbox connections: "
            "no provider API stands behind their simulated data"
        )
    if connection.auth_method == "assisted" or connection.provider_id not in TARGETS:
        raise not_implemented(
            f"Request forwarding is not available for this {connection.provider_id} connection"
        )
    if not connection.credentials_ciphertext:
        raise not_implemented("This connection holds no provider credentials to forward with")
    credentials = runtime.keyring.decrypt(connection.credentials_ciphertext, connection.id)
    account = ProviderAccount(credentials, entity_list, connection.external_id, connection.username)
    return connection, account


def _body(data: str | dict[str, Any] | None) -> bytes | None:
    if data is None:
        return None
    return (data if isinstance(data, str) else json.dumps(data)).encode()


def _headers(target: ForwardTarget, request: ForwardRequest) -> dict[str, str]:
    given = {k: str(v) for k, v in (request.request_headers or {}).items() if v is not None}
    kept = {k: v for k, v in given.items() if k.lower() not in _DROPPED_HEADERS}
    if request.data is not None and not any(k.lower() == "content-type" for k in kept):
        kept["Content-Type"] = "application/json"
    return {**kept, **target.headers}


async def _send(target: ForwardTarget, request: ForwardRequest) -> httpx.Response:
    params = {k: v for k, v in (request.params or {}).items() if v is not None}
    async with httpx.AsyncClient(timeout=TIMEOUT_SECONDS, follow_redirects=False) as client:
        try:
            return await client.request(
                request.method,
                f"{target.root.rstrip('/')}{request.route}",
                params=params,
                headers=_headers(target, request),
                content=_body(request.data),
                auth=target.auth,
            )
        except httpx.TransportError as error:
            raise FinchError(
                502,
                "bad_gateway_error",
                f"The provider could not be reached: {type(error).__name__}",
                finch_code="upstream_provider_error",
            ) from error


async def forward(runtime: Runtime, token: TokenContext, request: ForwardRequest) -> ForwardResponse:
    require_data_access(token)
    connection, account = await _connection_and_account(runtime, token)
    target = await TARGETS[connection.provider_id](runtime, connection, account)
    response = await _send(target, request)
    return ForwardResponse(
        status_code=response.status_code,
        headers=dict(response.headers.items()),
        data=response.text or None,
        request=ForwardedRequest(
            method=request.method,
            route=request.route,
            data=request.data,
            headers=request.request_headers,
            params=request.params,
        ),
    )
