"""Wire shapes of the sandbox connection, job and fault endpoints (reference §11).

Field names follow ``finch.types.sandbox`` exactly; ``FaultsIn``/``FaultsOut`` are Roost's
own addition and live beside the contract.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from roost.sandbox.faults import ERROR_TYPES, MAX_LATENCY_MS, ErrorType

AuthenticationType = Literal["api_token", "assisted", "credential", "oauth"]
ConnectionStatus = Literal[
    "pending", "processing", "connected", "error_no_account_setup", "error_permissions", "reauth"
]
CompletionStatus = Literal["complete", "reauth_error", "permissions_error", "error"]
# reference §11: the Organization products, when a request names none.
DEFAULT_PRODUCTS = ("company", "directory", "individual", "employment")
MAX_EMPLOYEES = 100_000


class ConnectionCreate(BaseModel):
    model_config = ConfigDict(extra="ignore")
    provider_id: str = Field(min_length=1, max_length=64)
    authentication_type: AuthenticationType | None = None
    employee_size: int = Field(default=20, ge=1, le=MAX_EMPLOYEES)
    products: list[str] | None = Field(default=None, max_length=20)


class AccountCreate(BaseModel):
    model_config = ConfigDict(extra="ignore")
    company_id: str = Field(min_length=1, max_length=80)
    provider_id: str = Field(min_length=1, max_length=64)
    authentication_type: AuthenticationType | None = None
    products: list[str] | None = Field(default=None, max_length=20)


class AccountUpdate(BaseModel):
    model_config = ConfigDict(extra="ignore")
    connection_status: ConnectionStatus | None = None


class AccountOut(BaseModel):
    """``AccountUpdateResponse``; ``account_id`` and ``company_id`` are the connection id."""

    account_id: str
    authentication_type: str
    company_id: str
    connection_id: str
    entity_id: str
    provider_id: str
    products: list[str]


class AccountCreated(AccountOut):
    """``AccountCreateResponse``."""

    access_token: str


class ConnectionCreated(AccountCreated):
    """``ConnectionCreateResponse``."""

    token_type: Literal["bearer"] = "bearer"  # noqa: S105 - a token type, not a token


class JobCreate(BaseModel):
    model_config = ConfigDict(extra="ignore")
    type: Literal["data_sync_all"]


class JobConfiguration(BaseModel):
    model_config = ConfigDict(extra="ignore")
    type: Literal["data_sync_all"]
    completion_status: CompletionStatus


class FaultsIn(BaseModel):
    """``PUT /sandbox/connections/faults``: the whole configuration (omitted fields reset)."""

    model_config = ConfigDict(extra="forbid")
    latency_ms: int = Field(default=0, ge=0, le=MAX_LATENCY_MS)
    error_rate: float = Field(default=0.0, ge=0.0, le=1.0)
    error_types: list[ErrorType] = Field(default_factory=lambda: list(ERROR_TYPES), min_length=1)
    retry_after_seconds: float = Field(default=1.0, ge=0.0, le=3600.0)
    authentication_revoked: bool = False
    missing_permissions: bool = False
    seed: int | None = None


class FaultsOut(FaultsIn):
    connection_id: str
