"""Wire shapes of /auth/token and /introspect (reference/finch-api.md §5)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field


class TokenRequest(BaseModel):
    model_config = ConfigDict(extra="ignore")

    client_id: str = Field(min_length=1, max_length=255)
    client_secret: str = Field(min_length=1, max_length=255)
    code: str = Field(min_length=1, max_length=255)
    redirect_uri: str | None = Field(default=None, max_length=2048)


class TokenResponse(BaseModel):
    access_token: str
    token_type: Literal["bearer"] = "bearer"  # noqa: S105 - a token type, not a token
    connection_id: str
    client_type: str
    connection_type: str
    entity_ids: list[str]
    products: list[str]
    provider_id: str
    customer_id: str | None
    customer_name: str | None
    account_id: str
    company_id: str


class ConnectionStatusOut(BaseModel):
    status: str
    message: str | None
    last_successful_sync: str | None


class AuthenticationMethodOut(BaseModel):
    type: str
    connection_status: ConnectionStatusOut
    products: list[str]


class EntityOut(BaseModel):
    id: str
    name: str | None
    source_id: str | None
    status: str


class IntrospectionOut(BaseModel):
    id: str
    client_id: str
    client_type: str
    connection_id: str
    connection_status: ConnectionStatusOut
    connection_type: str
    products: list[str]
    provider_id: str
    account_id: str
    company_id: str
    authentication_methods: list[AuthenticationMethodOut]
    customer_email: str | None
    customer_id: str | None
    customer_name: str | None
    entities: list[EntityOut]
    manual: bool
    payroll_provider_id: str
    username: str | None


class StatusOut(BaseModel):
    status: Literal["success"] = "success"


class DisconnectEntityRequest(BaseModel):
    """``POST /disconnect-entity`` (``AccountDisconnectEntityParams``)."""

    model_config = ConfigDict(extra="ignore")

    entity_ids: list[Annotated[str, Field(min_length=1, max_length=80)]] = Field(min_length=1, max_length=100)
