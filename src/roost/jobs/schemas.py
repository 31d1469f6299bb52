"""Wire shapes of the jobs API (reference/finch-api.md §9)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class AutomatedJobParams(BaseModel):
    model_config = ConfigDict(extra="ignore")
    individual_id: str = Field(min_length=1, max_length=80)


class AutomatedJobCreate(BaseModel):
    model_config = ConfigDict(extra="ignore")
    type: Literal["data_sync_all", "w4_form_employee_sync"]
    params: AutomatedJobParams | None = None


class AutomatedJobCreated(BaseModel):
    job_id: str
    job_url: str
    allowed_refreshes: int
    remaining_refreshes: int
    retry_at: str | None = None


class AutomatedJobOut(BaseModel):
    job_id: str
    job_url: str
    type: str
    status: str
    params: dict[str, Any] | None
    created_at: str
    scheduled_at: str | None
    started_at: str | None
    completed_at: str | None


class ManualJobOut(BaseModel):
    job_id: str
    status: str
    body: list[dict[str, Any]] | None
