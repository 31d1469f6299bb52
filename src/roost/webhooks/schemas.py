"""API shapes for webhooks: the admin API, the CLI's ``--json`` and the ``/events`` feed."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

ALL_EVENTS = "*"

_RECORDS = ("directory", "employment", "individual", "payment", "pay_statement")
_COMPLETED_JOBS = (
    "data_sync_all",
    "w4_form_employee_sync",
    "benefit_create",
    "benefit_enroll",
    "benefit_register",
    "benefit_unenroll",
    "benefit_update",
)

# Every event_type of reference/finch-api.md §10, as the SDK's WebhookEvent union names them.
EVENT_TYPES = frozenset(
    {
        "account.updated",
        "company.updated",
        *(f"{record}.{change}" for record in _RECORDS for change in ("created", "updated", "deleted")),
        *(f"job.{job}.completed" for job in _COMPLETED_JOBS),
        "job.initial_data_sync_org.succeeded",
        "job.initial_data_sync_payroll.succeeded",
    }
)

DeliveryStatus = Literal["pending", "delivered", "failed"]


class WebhookEndpointCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: str = Field(min_length=1, max_length=2048)
    event_types: list[str] = Field(default_factory=lambda: [ALL_EVENTS], min_length=1, max_length=64)
    enabled: bool = True


class WebhookEndpointUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: str | None = Field(default=None, min_length=1, max_length=2048)
    event_types: list[str] | None = Field(default=None, min_length=1, max_length=64)
    enabled: bool | None = None


class WebhookEndpointOut(BaseModel):
    id: str
    url: str
    event_types: list[str]
    enabled: bool
    created_at: dt.datetime
    secret_rotated_at: dt.datetime


class WebhookEndpointWithSecret(WebhookEndpointOut):
    """Returned once, when an endpoint is created or its secret rotated."""

    secret: str


class WebhookAttemptOut(BaseModel):
    attempted_at: dt.datetime
    status_code: int | None
    error: str | None
    duration_ms: int


class WebhookDeliveryOut(BaseModel):
    id: str
    endpoint_id: str
    event_id: str
    event_type: str
    status: DeliveryStatus
    attempts: int
    created_at: dt.datetime
    last_attempt_at: dt.datetime | None
    next_attempt_at: dt.datetime | None
    delivered_at: dt.datetime | None
    last_error: str | None
    history: list[WebhookAttemptOut] = Field(default_factory=list)


class RedeliverEvent(BaseModel):
    """Send an event again: to one endpoint, or to every enabled endpoint that subscribes to it."""

    model_config = ConfigDict(extra="forbid")

    endpoint_id: str | None = None


class EventOut(BaseModel):
    """A feed entry: the webhook body plus the event's id, cursor and time."""

    id: str
    cursor: str
    created_at: dt.datetime
    event_type: str
    company_id: str
    account_id: str
    connection_id: str
    entity_id: str | None
    data: dict[str, Any]


class EventPage(BaseModel):
    """``next`` is where to continue; it stays put when there is nothing new, so clients poll it."""

    data: list[EventOut]
    next: str
    has_more: bool
