"""Codes for tokens, tokens for connections (RFC 6749 §4.1.3, §10.5; reference §5)."""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from typing import cast

from sqlalchemy import Table, bindparam, literal_column, select, update

from roost.applications.models import Application
from roost.applications.principal import ApplicationPrincipal
from roost.applications.service import authenticate_client
from roost.auth.models import AccessToken, AuthorizationCode
from roost.auth.schemas import TokenRequest, TokenResponse
from roost.connections.models import Connection, ConnectionEntity
from roost.core import identifiers
from roost.core.database import comma_joined
from roost.core.errors import FinchError, invalid_token
from roost.core.runtime import Runtime
from roost.core.statements import Row, StatementRunner


def invalid_grant(message: str) -> FinchError:
    return FinchError(400, "invalid_grant_error", message)


async def exchange_code(runtime: Runtime, request: TokenRequest) -> TokenResponse:
    """Trade a code for an access token, exactly once.

    RFC 6749 §4.1.2: a code used twice revokes every token issued from it. The code is
    marked used by a conditional UPDATE, so of many concurrent exchanges exactly one wins.
    """
    application = await authenticate_client(runtime, request.client_id, request.client_secret)
    return await redeem_code(runtime, application, request.code, request.redirect_uri)


async def redeem_code(
    runtime: Runtime, application: ApplicationPrincipal, presented_code: str, redirect_uri: str | None
) -> TokenResponse:
    """The exchange itself, for an application already authenticated."""
    now = runtime.clock.now()
    code_digest = identifiers.digest(runtime.server_key, presented_code)
    token = identifiers.new_secret(identifiers.ACCESS_TOKEN_PREFIX)
    async with runtime.database.writing() as session:
        code = await session.scalar(
            select(AuthorizationCode).where(
                AuthorizationCode.code_digest == code_digest,
                AuthorizationCode.application_id == application.id,
            )
        )
        if code is None:
            raise invalid_grant("The authorization code is invalid")
        if code.used_at is not None:
            await session.execute(
                update(AccessToken)
                .where(AccessToken.authorization_code_id == code.id, AccessToken.revoked_at.is_(None))
                .values(revoked_at=now)
            )
            replay = "The authorization code was already used; tokens issued from it are revoked"
        elif code.expires_at <= now:
            replay = "The authorization code has expired"
        elif code.redirect_uri is not None and redirect_uri != code.redirect_uri:
            # RFC 6749 §4.1.3: the redirect_uri must be identical to the one the code was sent to.
            replay = "redirect_uri does not match the one the code was issued for"
        else:
            replay = ""
        if not replay:
            claimed = await session.execute(
                update(AuthorizationCode)
                .where(AuthorizationCode.id == code.id, AuthorizationCode.used_at.is_(None))
                .values(used_at=now)
            )
            if claimed.rowcount != 1:  # type: ignore[attr-defined]
                replay = "The authorization code was already used"
    if replay:
        raise invalid_grant(replay)
    async with runtime.database.writing() as session:
        connection = await session.get(Connection, code.connection_id)
        if connection is None or connection.status == "disconnected":
            raise invalid_grant("The connection for this code is disconnected")
        session.add(
            AccessToken(
                id=identifiers.new_uuid(),
                token_digest=identifiers.digest(runtime.server_key, token),
                application_id=application.id,
                connection_id=connection.id,
                authorization_code_id=code.id,
                products=list(code.products),
                entity_ids=list(code.entity_ids),
                created_at=now,
            )
        )
    return TokenResponse(
        access_token=token,
        connection_id=connection.id,
        client_type=application.type,
        connection_type=connection.connection_type,
        entity_ids=list(code.entity_ids),
        products=list(code.products),
        provider_id=connection.provider_id,
        customer_id=connection.customer_id,
        customer_name=connection.customer_name,
        account_id=connection.id,
        company_id=connection.id,
    )


@dataclass(frozen=True)
class TokenContext:
    """Who is calling with a bearer token, and for which connection."""

    token_id: str
    application_id: str
    client_id: str
    client_type: str
    connection_id: str
    products: tuple[str, ...]
    entity_ids: tuple[str, ...]
    connection_status: str
    # The connection's sync state, read with the token so that data requests need no second
    # query for it (roost.hris.access).
    live_sync: int = 0
    last_successful_sync: dt.datetime | None = None
    last_sync_attempt_at: dt.datetime | None = None
    last_sync_result: str | None = None
    # (entity id, status) of each of the connection's entities, also read with the token.
    entities: tuple[tuple[str, str], ...] = ()

    @functools.cached_property
    def freshness_headers(self) -> dict[str, str]:
        """Finch's data-freshness headers (reference §1), for every data response."""
        headers = {}
        if self.last_successful_sync:
            headers["Finch-Data-Retrieved"] = self.last_successful_sync.isoformat()
        if self.last_sync_attempt_at:
            headers["Finch-Last-Attempted-Update-Date"] = self.last_sync_attempt_at.isoformat()
        if self.last_sync_result:
            headers["Finch-Last-Attempted-Update-Result"] = self.last_sync_result
        return headers


_tokens = cast(Table, AccessToken.__table__)
_connections = cast(Table, Connection.__table__)
_applications = cast(Table, Application.__table__)
_entities = cast(Table, ConnectionEntity.__table__)
# Every bearer request runs this: one prebuilt statement on the fast read path.
_TOKEN = (
    select(
        _tokens.c.id,
        _tokens.c.application_id,
        _tokens.c.connection_id,
        _tokens.c.products,
        _tokens.c.entity_ids,
        _tokens.c.revoked_at,
        _connections.c.status,
        _connections.c.live_sync,
        _connections.c.last_successful_sync,
        _connections.c.last_sync_attempt_at,
        _connections.c.last_sync_result,
        _applications.c.client_id,
        _applications.c.type,
        # "id:status,id:status": aggregated in SQL so that the token read is one statement.
        select(comma_joined(_entities.c.id + literal_column("':'") + _entities.c.status))
        .where(_entities.c.connection_id == _tokens.c.connection_id)
        .scalar_subquery()
        .label("entity_states"),
    )
    .join(_connections, _connections.c.id == _tokens.c.connection_id)
    .join(_applications, _applications.c.id == _tokens.c.application_id)
    .where(_tokens.c.token_digest == bindparam("digest"))
)


def _token_context(row: Row) -> TokenContext | None:
    if row.revoked_at is not None or row.status == "disconnected":
        return None
    return TokenContext(
        token_id=row.id,
        application_id=row.application_id,
        client_id=row.client_id,
        client_type=row.type,
        connection_id=row.connection_id,
        products=tuple(row.products),
        entity_ids=tuple(row.entity_ids),
        connection_status=row.status,
        live_sync=row.live_sync,
        last_successful_sync=row.last_successful_sync,
        last_sync_attempt_at=row.last_sync_attempt_at,
        last_sync_result=row.last_sync_result,
        entities=tuple(
            sorted(tuple(state.split(":", 1)) for state in (row.entity_states or "").split(",") if state)
        ),
    )


async def authenticate_token(
    runtime: Runtime, token: str, runner: StatementRunner | None = None
) -> TokenContext:
    """The token's context; read in ``runner``'s snapshot when given, else in its own.

    The row is read on every request (a revoked token or a disconnected connection is
    refused at once); decoding it is remembered for an identical row.
    """
    digest = identifiers.digest(runtime.server_key, token)
    if runner is None:
        async with runtime.database.reading_statements() as own:
            context = await own.first_decoded(_TOKEN, {"digest": digest}, _token_context)
    else:
        context = await runner.first_decoded(_TOKEN, {"digest": digest}, _token_context)
    if context is None:
        raise invalid_token()
    return context


def require_data_access(context: TokenContext) -> None:
    """The check every data endpoint makes before reading (reference §12)."""
    if context.connection_status == "reauth":
        raise FinchError(
            401, "authentication_error", "Please reauthenticate user", finch_code="reauthenticate_user"
        )
    if context.connection_status == "error_permissions":
        raise FinchError(
            403,
            "error_permissions",
            "The connected account lacks the permissions needed",
            finch_code="insufficient_account_permissions",
        )
    if context.connection_status == "error_no_account_setup":
        raise FinchError(
            401,
            "authentication_error",
            "The employer has not completed assisted setup",
            finch_code="account_setup_required",
        )
