"""Every table, imported in one place so that Alembic and tests see the whole schema."""

from roost.applications.models import Application
from roost.connect.models import ConnectSession, SessionEvent, StagedConnection
from roost.connections.models import Connection, ConnectionStatusChange
from roost.core.database import Base

metadata = Base.metadata

__all__ = [
    "Application",
    "ConnectSession",
    "Connection",
    "ConnectionStatusChange",
    "SessionEvent",
    "StagedConnection",
    "metadata",
]
