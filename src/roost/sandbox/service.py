"""Sandbox connections without Connect, their accounts, statuses, jobs and faults (reference §11)."""

from __future__ import annotations

from collections.abc import Sequence

from fastapi.responses import JSONResponse
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from roost.applications.principal import ApplicationPrincipal
from roost.auth.models import AccessToken
from roost.auth.service import TokenContext
from roost.connections.events import announce_status
from roost.connections.models import Connection, ConnectionEntity
from roost.connections.service import SYNC_JOB, record_status, sync_dedupe_key
from roost.core import identifiers
from roost.core.errors import bad_request, not_found
from roost.core.runtime import Runtime
from roost.jobs.automated import create_automated
from roost.jobs.queue import enqueue
from roost.jobs.schemas import AutomatedJobCreate
from roost.providers.catalogue import PRODUCTS, ProviderDefinition
from roost.providers.contract import ProviderAccount
from roost.providers.sandbox.authentication import sandbox_account
from roost.sandbox.access import require_sandbox_application, require_sandbox_connection, sandbox_connection
from roost.sandbox.schemas import (
    DEFAULT_PRODUCTS,
    AccountCreate,
    AccountCreated,
    AccountOut,
    AccountUpdate,
    ConnectionCreate,
    ConnectionCreated,
)

# reference §11: above 100 employees only one pay period is generated; 15 days of history
# holds one run of every pay frequency the generator uses.
FULL_HISTORY_LIMIT = 100
SHORT_HISTORY_DAYS = 15
_AUTOMATED = ("credential", "api_token", "oauth")


def _products(requested: Sequence[str] | None) -> list[str]:
    products = list(dict.fromkeys(requested or DEFAULT_PRODUCTS))
    unknown = [p for p in products if p not in PRODUCTS]
    if unknown:
        raise bad_request(f"Unknown products: {', '.join(unknown)}", context={"products": unknown})
    return products


def _definition(runtime: Runtime, provider_id: str) -> ProviderDefinition:
    definition = runtime.catalogue.get(provider_id)
    if definition is None:
        raise bad_request(f"Unknown provider_id {provider_id!r}; GET /providers lists them")
    return definition


def _authentication_type(definition: ProviderDefinition, requested: str | None) -> str:
    offered = [method.type for method in definition.authentication_methods]
    if requested is None:
        return next((t for t in _AUTOMATED if t in offered), "credential")
    if requested not in offered:
        raise bad_request(f"{definition.display_name} does not offer {requested!r} authentication")
    return requested


def _account(employee_size: int) -> ProviderAccount:
    account = sandbox_account(None, employee_size=employee_size)
    if employee_size <= FULL_HISTORY_LIMIT:
        return account
    credentials = {**account.credentials, "history_days": SHORT_HISTORY_DAYS}
    return ProviderAccount(credentials, account.entities, account.external_id, account.username)


def _issue_token(
    session: AsyncSession,
    runtime: Runtime,
    connection: Connection,
    products: list[str],
    entity_ids: list[str],
) -> str:
    token = identifiers.new_secret(identifiers.ACCESS_TOKEN_PREFIX)
    session.add(
        AccessToken(
            id=identifiers.new_uuid(),
            token_digest=identifiers.digest(runtime.server_key, token),
            application_id=connection.application_id,
            connection_id=connection.id,
            authorization_code_id=None,
            products=products,
            entity_ids=entity_ids,
            created_at=runtime.clock.now(),
        )
    )
    return token


async def _enqueue_sync(session: AsyncSession, runtime: Runtime, connection: Connection) -> None:
    await enqueue(
        session,
        runtime.clock.now(),
        SYNC_JOB,
        connection_id=connection.id,
        application_id=connection.application_id,
        public_type="data_sync_all",
        dedupe_key=sync_dedupe_key(connection.id),
        payload={"initial": connection.live_sync == 0},
    )


def _new_connection(
    runtime: Runtime, application_id: str, request: ConnectionCreate, auth: str
) -> Connection:
    now = runtime.clock.now()
    connection_id = identifiers.new_uuid()
    return Connection(
        id=connection_id,
        application_id=application_id,
        customer_id=f"sandbox-{connection_id}",
        customer_name=f"{request.provider_id} sandbox company",
        customer_email=None,
        provider_id=request.provider_id,
        auth_method=auth,
        connection_type="finch",
        sandbox="finch",
        products=[],
        status="pending",
        created_at=now,
        updated_at=now,
    )


async def create_connection(
    runtime: Runtime, application: ApplicationPrincipal, request: ConnectionCreate
) -> ConnectionCreated:
    """A seeded company, its entities and a token, bypassing Connect; the initial sync is
    enqueued in the same transaction, so the connection never exists without it."""
    require_sandbox_application(application.type)
    auth = _authentication_type(_definition(runtime, request.provider_id), request.authentication_type)
    products = _products(request.products)
    account = _account(request.employee_size)
    connection = _new_connection(runtime, application.id, request, auth)
    connection.products = products
    connection.external_id = account.external_id
    connection.credentials_ciphertext = runtime.keyring.encrypt(dict(account.credentials), connection.id)
    async with runtime.database.writing() as session:
        session.add(connection)
        await session.flush()
        # Assisted access waits for an operator (roost connections assisted confirm).
        status = "pending" if auth == "assisted" else "connected"
        record_status(session, connection, status, "sandbox_connection_created", runtime.clock.now())
        await announce_status(session, runtime, connection)
        entity_ids = []
        for entity in account.entities:
            entity_id = identifiers.new_uuid()
            entity_ids.append(entity_id)
            session.add(
                ConnectionEntity(
                    id=entity_id,
                    connection_id=connection.id,
                    source_id=entity.source_id,
                    name=entity.name,
                    status="connected",
                )
            )
        token = _issue_token(session, runtime, connection, products, entity_ids)
        if status == "connected":
            await _enqueue_sync(session, runtime, connection)
    return ConnectionCreated(
        access_token=token, **_account_out(connection, entity_ids, auth, products).model_dump()
    )


def _account_out(connection: Connection, entity_ids: list[str], auth: str, products: list[str]) -> AccountOut:
    return AccountOut(
        account_id=connection.id,
        authentication_type=auth,
        company_id=connection.id,
        connection_id=connection.id,
        entity_id=entity_ids[0] if entity_ids else connection.id,
        provider_id=connection.provider_id,
        products=products,
    )


async def _entity_ids(session: AsyncSession, connection_id: str) -> list[str]:
    rows = await session.scalars(
        select(ConnectionEntity.id)
        .where(ConnectionEntity.connection_id == connection_id, ConnectionEntity.status == "connected")
        .order_by(ConnectionEntity.source_id)
    )
    return list(rows)


async def add_account(
    runtime: Runtime, application: ApplicationPrincipal, request: AccountCreate
) -> AccountCreated:
    """Another account on an existing sandbox company: in Roost a company is one connection
    (``company_id`` is its id), so this issues a further token with its own products."""
    require_sandbox_application(application.type)
    products = _products(request.products)
    async with runtime.database.writing() as session:
        connection = await session.get(Connection, request.company_id, with_for_update=True)
        if connection is None or connection.application_id != application.id:
            raise not_found(f"No sandbox company {request.company_id!r} for this application")
        require_sandbox_connection(connection)
        if connection.status == "disconnected":
            raise bad_request("This sandbox company is disconnected; create a new sandbox connection")
        if request.provider_id != connection.provider_id:
            raise bad_request(
                f"Sandbox company {connection.id} is connected to {connection.provider_id!r}; "
                "for another provider create a new sandbox connection"
            )
        auth = request.authentication_type or connection.auth_method
        added = [p for p in products if p not in connection.products]
        if added:
            # The company's syncs now read what the new account may see.
            connection.products = [*connection.products, *added]
            if connection.status == "connected":
                await _enqueue_sync(session, runtime, connection)
        entity_ids = await _entity_ids(session, connection.id)
        token = _issue_token(session, runtime, connection, products, entity_ids)
        out = _account_out(connection, entity_ids, auth, products)
    return AccountCreated(access_token=token, **out.model_dump())


async def set_connection_status(runtime: Runtime, token: TokenContext, request: AccountUpdate) -> AccountOut:
    """Force a status; ``reauth`` makes data endpoints answer 401 ``reauthenticate_user``."""
    async with runtime.database.writing() as session:
        connection = await sandbox_connection(session, token, for_update=True)
        status = request.connection_status
        if status is not None and status != connection.status:
            record_status(session, connection, status, "sandbox_status_override", runtime.clock.now())
            await announce_status(session, runtime, connection)
        entity_ids = await _entity_ids(session, connection.id)
    return _account_out(connection, entity_ids, connection.auth_method, list(token.products))


async def create_job(runtime: Runtime, token: TokenContext) -> JSONResponse:
    """Exactly ``POST /jobs/automated`` with ``data_sync_all``: same quota, same 202 and 429."""
    async with runtime.database.reading() as session:
        await sandbox_connection(session, token)
    return await create_automated(runtime, token, AutomatedJobCreate(type="data_sync_all"))
