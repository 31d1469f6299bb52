"""Behaviour of applications: create, authenticate, rotate, edit redirect URIs and origins."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from roost.applications.models import Application
from roost.applications.principal import ApplicationPrincipal
from roost.applications.schemas import ApplicationCreate, ApplicationOut, ApplicationWithSecret
from roost.applications.validation import InvalidUri, check_redirect_uri, normalise_origin
from roost.core import identifiers
from roost.core.errors import bad_request, invalid_client, not_found
from roost.core.runtime import Runtime

# A digest computed for unknown client ids, so a miss costs the same as a wrong secret.
_DUMMY_DIGEST = "0" * 64


def to_schema(application: Application) -> ApplicationOut:
    return ApplicationOut(
        client_id=application.client_id,
        name=application.name,
        type=application.type,
        redirect_uris=list(application.redirect_uris),
        origins=list(application.origins),
        created_at=application.created_at,
        secret_rotated_at=application.secret_rotated_at,
    )


def _with_secret(application: Application, secret: str) -> ApplicationWithSecret:
    return ApplicationWithSecret(**to_schema(application).model_dump(), client_secret=secret)


def _checked(values: Sequence[str], check: Callable[[str], str]) -> list[str]:
    try:
        result: list[str] = []
        for value in values:
            checked = check(value)
            if checked not in result:
                result.append(checked)
        return result
    except InvalidUri as exc:
        raise bad_request(str(exc)) from exc


async def create_application(runtime: Runtime, request: ApplicationCreate) -> ApplicationWithSecret:
    now = runtime.clock.now()
    secret = identifiers.new_secret(identifiers.CLIENT_SECRET_PREFIX)
    application = Application(
        id=identifiers.new_uuid(),
        name=request.name,
        client_id=identifiers.new_client_id(),
        client_secret_digest=identifiers.digest(runtime.server_key, secret),
        type=request.type,
        redirect_uris=_checked(request.redirect_uris, check_redirect_uri),
        origins=_checked(request.origins, normalise_origin),
        created_at=now,
        secret_rotated_at=now,
    )
    async with runtime.database.writing() as session:
        session.add(application)
    return _with_secret(application, secret)


async def _by_client_id(session: AsyncSession, client_id: str) -> Application:
    application = await session.scalar(select(Application).where(Application.client_id == client_id))
    if application is None:
        raise not_found(f"No application with client_id {client_id!r}")
    return application


async def list_applications(runtime: Runtime) -> list[ApplicationOut]:
    async with runtime.database.reading() as session:
        rows = await session.scalars(select(Application).order_by(Application.created_at))
        return [to_schema(row) for row in rows]


async def get_application(runtime: Runtime, client_id: str) -> ApplicationOut:
    async with runtime.database.reading() as session:
        return to_schema(await _by_client_id(session, client_id))


async def rotate_secret(runtime: Runtime, client_id: str) -> ApplicationWithSecret:
    secret = identifiers.new_secret(identifiers.CLIENT_SECRET_PREFIX)
    async with runtime.database.writing() as session:
        application = await _by_client_id(session, client_id)
        application.client_secret_digest = identifiers.digest(runtime.server_key, secret)
        application.secret_rotated_at = runtime.clock.now()
    runtime.credential_cache.forget(client_id)
    return _with_secret(application, secret)


async def _edit_list(
    runtime: Runtime, client_id: str, attribute: str, value: str, *, add: bool
) -> ApplicationOut:
    async with runtime.database.writing() as session:
        application = await _by_client_id(session, client_id)
        values: list[str] = list(getattr(application, attribute))
        if add and value not in values:
            values.append(value)
        elif not add:
            if value not in values:
                raise not_found(f"{value!r} is not registered for this application", finch_code=None)
            values.remove(value)
        setattr(application, attribute, values)
    runtime.credential_cache.forget(client_id)
    return to_schema(application)


async def add_redirect_uri(runtime: Runtime, client_id: str, uri: str) -> ApplicationOut:
    return await _edit_list(
        runtime, client_id, "redirect_uris", _checked([uri], check_redirect_uri)[0], add=True
    )


async def remove_redirect_uri(runtime: Runtime, client_id: str, uri: str) -> ApplicationOut:
    return await _edit_list(runtime, client_id, "redirect_uris", uri, add=False)


async def add_origin(runtime: Runtime, client_id: str, origin: str) -> ApplicationOut:
    return await _edit_list(runtime, client_id, "origins", _checked([origin], normalise_origin)[0], add=True)


async def remove_origin(runtime: Runtime, client_id: str, origin: str) -> ApplicationOut:
    return await _edit_list(runtime, client_id, "origins", _checked([origin], normalise_origin)[0], add=False)


_applications = Application.__table__
_CLIENT_BY_ID = select(
    _applications.c.id,
    _applications.c.name,
    _applications.c.type,
    _applications.c.redirect_uris,
    _applications.c.origins,
    _applications.c.client_secret_digest,
).where(_applications.c.client_id == bindparam("client_id"))


async def authenticate_client(runtime: Runtime, client_id: str, client_secret: str) -> ApplicationPrincipal:
    presented = identifiers.digest(runtime.server_key, client_secret)
    cached = runtime.credential_cache.get(client_id, presented)
    if cached is not None:
        return cached
    async with runtime.database.reading_core() as connection:
        principal = await _authenticate(connection, runtime.server_key, client_id, client_secret)
    runtime.credential_cache.put(presented, principal)
    return principal


async def _authenticate(
    connection: AsyncConnection, server_key: bytes, client_id: str, client_secret: str
) -> ApplicationPrincipal:
    """The application these credentials belong to, or ``401 invalid_client_error``.

    The comparison is constant-time, and an unknown client id does the same work as a
    known one with a wrong secret. Core, not the ORM: this runs on every Basic request.
    """
    table = Application.__table__
    row = (
        await connection.execute(
            select(
                table.c.id,
                table.c.name,
                table.c.type,
                table.c.redirect_uris,
                table.c.origins,
                table.c.client_secret_digest,
            ).where(table.c.client_id == client_id)
        )
    ).first()
    stored = row.client_secret_digest if row is not None else _DUMMY_DIGEST
    matches = identifiers.digests_match(server_key, client_secret, stored)
    if row is None or not matches:
        raise invalid_client()
    return ApplicationPrincipal(
        id=row.id,
        client_id=client_id,
        name=row.name,
        type=row.type,
        redirect_uris=tuple(row.redirect_uris),
        origins=tuple(row.origins),
    )
