"""Wire shapes of the Connect sessions API (reference/finch-api.md §3).

Field names mirror Finch's exactly. Unknown fields are ignored, as Finch does.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Product = Literal[
    "benefits",
    "company",
    "deduction",
    "directory",
    "documents",
    "employment",
    "individual",
    "payment",
    "pay_statement",
    "plans",
    "plans_dependents",
    "plans_enrollments",
    "recordkeeping",
    "ssn",
]
ConnectAuthMethod = Literal["assisted", "credential", "oauth", "api_token"]
SandboxMode = Literal["finch", "provider"]

DEFAULT_MINUTES_TO_EXPIRE = 43_200  # 30 days, as the Connect guide states (DESIGN.md §2).
MAX_MINUTES_TO_EXPIRE = 129_600  # 90 days.


class Integration(BaseModel):
    model_config = ConfigDict(extra="ignore")

    provider: str = Field(min_length=1, max_length=64)
    auth_method: ConnectAuthMethod | None = None


class Recordkeeping(BaseModel):
    model_config = ConfigDict(extra="ignore")

    recordkeeper: Literal["voya", "empower", "fidelity", "transamerica"]
    plan_id: str | None = Field(default=None, max_length=255)


class SessionCreate(BaseModel):
    model_config = ConfigDict(extra="ignore")

    customer_id: str = Field(min_length=1, max_length=255)
    customer_name: str = Field(min_length=1, max_length=255)
    customer_email: str | None = Field(default=None, max_length=255)
    products: list[Product] = Field(min_length=1, max_length=20)
    redirect_uri: str | None = Field(default=None, max_length=2048)
    # Finch's schema has no `state`; it normally travels on the Connect URL. Accepted here too.
    state: str | None = Field(default=None, max_length=2048)
    integration: Integration | None = None
    sandbox: SandboxMode | None = None
    manual: bool | None = None
    minutes_to_expire: float | None = Field(default=None, ge=1, le=MAX_MINUTES_TO_EXPIRE)
    recordkeeping: Recordkeeping | None = None


class SessionReauthenticate(BaseModel):
    model_config = ConfigDict(extra="ignore")

    connection_id: str = Field(min_length=1, max_length=64)
    minutes_to_expire: float | None = Field(default=None, ge=1, le=MAX_MINUTES_TO_EXPIRE)
    products: list[Product] | None = Field(default=None, min_length=1, max_length=20)
    redirect_uri: str | None = Field(default=None, max_length=2048)


class SessionCreated(BaseModel):
    session_id: str
    connect_url: str


class SessionAttempt(BaseModel):
    kind: str
    at: dt.datetime
    session_id: str
    detail: dict[str, Any]


class SessionStatus(BaseModel):
    """Roost's addition: ``GET /connect/sessions/{session_id}``, a polling fallback."""

    session_id: str
    status: Literal["pending", "completed", "expired"]
    kind: Literal["connect", "reauthenticate"]
    customer_id: str
    customer_name: str
    customer_email: str | None
    products: list[str]
    redirect_uri: str | None
    integration: Integration | None
    sandbox: SandboxMode | None
    manual: bool
    created_at: dt.datetime
    expires_at: dt.datetime
    completed_at: dt.datetime | None
    connection_id: str | None
    attempts: list[SessionAttempt]
