"""``/sandbox/*`` (reference §11), plus Roost's ``/sandbox/connections/faults``."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body
from fastapi.responses import JSONResponse

from roost.auth.dependencies import BasicApplication, BearerToken
from roost.core.dependencies import RuntimeDep
from roost.sandbox import additions, configuration, edits, service
from roost.sandbox.data_schemas import (
    CompanyFields,
    DirectoryPerson,
    EmploymentFields,
    IndividualFields,
    PaymentCreated,
    PaymentIn,
)
from roost.sandbox.schemas import (
    AccountCreate,
    AccountCreated,
    AccountOut,
    AccountUpdate,
    ConnectionCreate,
    ConnectionCreated,
    FaultsIn,
    FaultsOut,
    JobConfiguration,
    JobCreate,
)

router = APIRouter(prefix="/sandbox", tags=["sandbox"])
People = Annotated[list[DirectoryPerson] | None, Body(max_length=10_000)]


@router.post("/connections", response_model=ConnectionCreated)
async def create_connection(
    body: ConnectionCreate, application: BasicApplication, runtime: RuntimeDep
) -> ConnectionCreated:
    return await service.create_connection(runtime, application, body)


@router.post("/connections/accounts", response_model=AccountCreated)
async def create_account(
    body: AccountCreate, application: BasicApplication, runtime: RuntimeDep
) -> AccountCreated:
    return await service.add_account(runtime, application, body)


@router.put("/connections/accounts", response_model=AccountOut)
async def update_account(body: AccountUpdate, token: BearerToken, runtime: RuntimeDep) -> AccountOut:
    return await service.set_connection_status(runtime, token, body)


@router.get("/connections/faults", response_model=FaultsOut)
async def get_faults(token: BearerToken, runtime: RuntimeDep) -> FaultsOut:
    return await configuration.faults(runtime, token)


@router.put("/connections/faults", response_model=FaultsOut)
async def put_faults(body: FaultsIn, token: BearerToken, runtime: RuntimeDep) -> FaultsOut:
    return await configuration.configure_faults(runtime, token, body)


@router.put("/company")
async def update_company(body: CompanyFields, token: BearerToken, runtime: RuntimeDep) -> dict[str, Any]:
    return await edits.update_company(runtime, token, body)


@router.post("/directory")
async def create_directory(
    token: BearerToken, runtime: RuntimeDep, body: People = None
) -> list[dict[str, Any]]:
    return await additions.add_people(runtime, token, body or [])


@router.put("/individual/{individual_id}")
async def update_individual(
    individual_id: str, body: IndividualFields, token: BearerToken, runtime: RuntimeDep
) -> dict[str, Any]:
    return await edits.update_individual(runtime, token, individual_id, body)


@router.put("/employment/{individual_id}")
async def update_employment(
    individual_id: str, body: EmploymentFields, token: BearerToken, runtime: RuntimeDep
) -> dict[str, Any]:
    return await edits.update_employment(runtime, token, individual_id, body)


@router.post("/payment", response_model=PaymentCreated)
async def create_payment(body: PaymentIn, token: BearerToken, runtime: RuntimeDep) -> PaymentCreated:
    return await additions.add_payment(runtime, token, body)


@router.post("/jobs")
async def create_job(body: JobCreate, token: BearerToken, runtime: RuntimeDep) -> JSONResponse:
    return await service.create_job(runtime, token)


@router.get("/jobs/configuration", response_model=list[JobConfiguration])
async def get_job_configuration(token: BearerToken, runtime: RuntimeDep) -> list[JobConfiguration]:
    return await configuration.job_configuration(runtime, token)


@router.put("/jobs/configuration", response_model=JobConfiguration)
async def put_job_configuration(
    body: JobConfiguration, token: BearerToken, runtime: RuntimeDep
) -> JobConfiguration:
    return await configuration.configure_jobs(runtime, token, body)
