"""Dependencies that authenticate the caller of the JSON API."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header

from roost.applications.principal import ApplicationPrincipal
from roost.applications.service import authenticate_client
from roost.auth.credentials import parse_basic, parse_bearer
from roost.auth.service import TokenContext, authenticate_token
from roost.core.dependencies import RuntimeDep


async def basic_application(
    runtime: RuntimeDep, authorization: Annotated[str | None, Header()] = None
) -> ApplicationPrincipal:
    """The application named by ``Authorization: Basic client_id:client_secret``."""
    client_id, client_secret = parse_basic(authorization)
    return await authenticate_client(runtime, client_id, client_secret)


BasicApplication = Annotated[ApplicationPrincipal, Depends(basic_application)]


async def bearer_token(
    runtime: RuntimeDep, authorization: Annotated[str | None, Header()] = None
) -> TokenContext:
    """The access token in ``Authorization: Bearer …`` and the connection it opens."""
    return await authenticate_token(runtime, parse_bearer(authorization))


BearerToken = Annotated[TokenContext, Depends(bearer_token)]
