"""Tables for applications: the developer's account in Roost."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column

from roost.core.database import Base, UTCDateTime


class Application(Base):
    __tablename__ = "applications"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str] = mapped_column(String(255))
    client_id: Mapped[str] = mapped_column(String(64), unique=True)
    # HMAC-SHA256 of the client secret under the server key; the secret itself is never stored.
    client_secret_digest: Mapped[str] = mapped_column(String(64))
    type: Mapped[str] = mapped_column(String(16))
    redirect_uris: Mapped[list[str]] = mapped_column(JSON, default=list)
    origins: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    secret_rotated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())

    def summary(self) -> dict[str, Any]:
        return {"client_id": self.client_id, "name": self.name, "type": self.type}
