"""Every table, imported in one place so that Alembic and tests see the whole schema."""

from roost.applications.models import Application
from roost.auth.models import AccessToken, AuthorizationCode
from roost.connect.models import ConnectSession, SessionEvent, StagedConnection
from roost.connections.models import Connection, ConnectionEntity, ConnectionStatusChange
from roost.core.database import Base
from roost.hris.pay_statement_items.models import PayStatementItemRule
from roost.jobs.models import Job
from roost.sandbox.models import SandboxState
from roost.sync.models import DataRecord, IdMapping, SyncRun
from roost.webhooks.models import Event, WebhookAttempt, WebhookDelivery, WebhookEndpoint

metadata = Base.metadata

__all__ = [
    "AccessToken",
    "Application",
    "AuthorizationCode",
    "ConnectSession",
    "Connection",
    "ConnectionEntity",
    "ConnectionStatusChange",
    "DataRecord",
    "Event",
    "IdMapping",
    "Job",
    "PayStatementItemRule",
    "SandboxState",
    "SessionEvent",
    "StagedConnection",
    "SyncRun",
    "WebhookAttempt",
    "WebhookDelivery",
    "WebhookEndpoint",
    "metadata",
]
