"""``/jobs/*`` (reference §9)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse

from roost.auth.dependencies import BearerToken
from roost.core.dependencies import RuntimeDep
from roost.jobs import automated
from roost.jobs.schemas import AutomatedJobCreate, AutomatedJobOut, ManualJobOut

router = APIRouter(prefix="/jobs", tags=["jobs"])


@router.post("/automated")
async def create_automated_job(
    body: AutomatedJobCreate, token: BearerToken, runtime: RuntimeDep
) -> JSONResponse:
    return await automated.create_automated(runtime, token, body)


@router.get("/automated")
async def list_automated_jobs(
    token: BearerToken,
    runtime: RuntimeDep,
    limit: Annotated[int, Query(ge=1, le=100)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> dict[str, Any]:
    return await automated.list_automated(runtime, token, limit, offset)


@router.get("/automated/{job_id}", response_model=AutomatedJobOut)
async def get_automated_job(job_id: str, token: BearerToken, runtime: RuntimeDep) -> AutomatedJobOut:
    return await automated.get_automated(runtime, token, job_id)


@router.get("/manual/{job_id}", response_model=ManualJobOut)
async def get_manual_job(job_id: str, token: BearerToken, runtime: RuntimeDep) -> ManualJobOut:
    return await automated.get_manual(runtime, token, job_id)
