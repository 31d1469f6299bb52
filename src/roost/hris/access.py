"""Who may read what: token, product scope, connection status, entity, sync state.

Every ``/employer/*`` route asks for an :class:`EmployerContext` for its product; the
dependency answers with the Finch error a real Finch answers (reference §6, §12).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from roost.auth.dependencies import BearerToken
from roost.auth.service import TokenContext, require_data_access
from roost.core.dependencies import RuntimeDep
from roost.core.errors import FinchError
from roost.core.query import query_values
from roost.core.runtime import Runtime


@dataclass(frozen=True)
class EmployerContext:
    token: TokenContext
    connection_id: str
    live: int
    entity_id: str | None  # filter rows to this entity (None: the connection's rows are all its own)

    @property
    def ssn_allowed(self) -> bool:
        return "ssn" in self.token.products

    def headers(self) -> dict[str, str]:
        """Finch's data-freshness headers (reference §1): the sync state read with the token."""
        return dict(self.token.freshness_headers)


def query_list(request: Request, name: str) -> list[str]:
    """A query array in any of ``k[]=a&k[]=b``, ``k=a&k=b`` or ``k=a,b`` (reference §1)."""
    values = query_values(request.scope, f"{name}[]") + query_values(request.scope, name)
    return [item for value in values for item in value.split(",") if item]


def employer_context(
    runtime: Runtime, request: Request, token: TokenContext, product: str
) -> EmployerContext:
    """The context of one data request, from the token's context alone (no query)."""
    if product not in token.products:
        raise FinchError(
            403, "insufficient_scope_error", f"This access token was not granted the {product} product"
        )
    if runtime.rate_limiter is not None:
        # Per application across all its connections, before any database work (reference §12).
        runtime.rate_limiter.check(token.application_id, product)
    require_data_access(token)
    # The connection's sync state and entities came with the token (one query).
    connected = [entity_id for entity_id, status in token.entities if status == "connected"]
    disconnected = {entity_id for entity_id, status in token.entities if status == "disconnected"}
    allowed = [e for e in connected if e in token.entity_ids or not token.entity_ids]
    # Rows are served unfiltered only when this token may read every entity the connection
    # has: a token granted fewer (a re-authentication that selected fewer entities) or a
    # disconnected entity (its rows stay stored until the next sync) means filtering.
    whole = not disconnected and len(allowed) == len(token.entities)
    entity_id = _entity(request, allowed, disconnected, whole=whole)
    if token.live_sync == 0:
        raise FinchError(
            202,
            "accepted",
            "The first data sync for this connection is still running; retry shortly",
            finch_code="data_sync_in_progress",
        )
    return EmployerContext(token, token.connection_id, token.live_sync, entity_id)


def _entity(request: Request, entity_ids: list[str], disconnected: set[str], *, whole: bool) -> str | None:
    """The entity to filter rows to (one of ``entity_ids``, those the token may read); None
    when every row of the connection may be served (``whole``)."""
    requested = query_list(request, "entity_ids")
    if len(requested) > 1:
        raise FinchError(400, "invalid_request_error", "entity_ids accepts at most one entity")
    if requested and requested[0] in disconnected:
        raise FinchError(
            400,
            "invalid_request_error",
            f"Entity {requested[0]!r} was disconnected from this connection",
            finch_code="entity_disconnected",
        )
    if requested:
        if requested[0] not in entity_ids:
            raise FinchError(
                400, "invalid_request_error", f"Unknown entity {requested[0]!r} for this connection"
            )
        return None if whole and len(entity_ids) == 1 else requested[0]
    if len(entity_ids) > 1:
        raise FinchError(
            400,
            "invalid_request_error",
            "This connection has several entities: pass entity_ids to choose one",
        )
    if not entity_ids and not whole:
        raise FinchError(
            400,
            "invalid_request_error",
            "Every entity this token may read was disconnected",
            finch_code="entity_disconnected",
        )
    return None if whole else entity_ids[0]


def for_product(product: str):  # type: ignore[no-untyped-def]
    async def dependency(runtime: RuntimeDep, request: Request, token: BearerToken) -> EmployerContext:
        return employer_context(runtime, request, token, product)

    return Depends(dependency)


Company = Annotated[EmployerContext, for_product("company")]
Directory = Annotated[EmployerContext, for_product("directory")]
Individual = Annotated[EmployerContext, for_product("individual")]
EmploymentScope = Annotated[EmployerContext, for_product("employment")]
PaymentScope = Annotated[EmployerContext, for_product("payment")]
PayStatementScope = Annotated[EmployerContext, for_product("pay_statement")]
BenefitsScope = Annotated[EmployerContext, for_product("benefits")]
DocumentsScope = Annotated[EmployerContext, for_product("documents")]
