"""API shapes for applications (the admin API and the CLI's ``--json``)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

ApplicationType = Literal["development", "production", "sandbox"]


class ApplicationCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=255)
    type: ApplicationType = "development"
    redirect_uris: list[str] = Field(default_factory=list, max_length=100)
    origins: list[str] = Field(default_factory=list, max_length=100)


class UriChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    uri: str = Field(min_length=1, max_length=2048)


class OriginChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    origin: str = Field(min_length=1, max_length=2048)


class ApplicationOut(BaseModel):
    client_id: str
    name: str
    type: ApplicationType
    redirect_uris: list[str]
    origins: list[str]
    created_at: dt.datetime
    secret_rotated_at: dt.datetime


class ApplicationWithSecret(ApplicationOut):
    """Returned once, when an application is created or its secret rotated."""

    client_secret: str
