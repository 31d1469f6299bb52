"""Company, directory, individuals and employment (reference §2, §8)."""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

from roost.core.dependencies import RuntimeDep
from roost.core.errors import not_found
from roost.hris import store
from roost.hris.access import Company, Directory, EmploymentScope, Individual
from roost.hris.responses import array, item, missing, raw_json

router = APIRouter(prefix="/employer", tags=["hris"])


@router.get("/company")
async def company(context: Company, runtime: RuntimeDep) -> Response:
    async with runtime.database.reading_statements() as runner:
        bodies = await store.every(runner, context, "company")
    if not bodies:
        raise not_found("No company data for this connection")
    return raw_json(bodies[0], context)


@router.get("/directory")
async def directory(
    context: Directory,
    runtime: RuntimeDep,
    limit: Annotated[int, Query(ge=1, le=10_000)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> Response:
    async with runtime.database.reading_statements() as runner:
        listing, total = await store.page(runner, context, "directory", limit, offset)
    # paging.count is the grand total, so the SDK's auto-pagination stops where it should.
    return raw_json(f'{{"paging":{{"count":{total},"offset":{offset}}},"individuals":[{listing}]}}', context)


class IndividualRequest(BaseModel):
    model_config = ConfigDict(extra="ignore")
    individual_id: str = Field(min_length=1, max_length=80)


class IncludeOptions(BaseModel):
    model_config = ConfigDict(extra="ignore")
    include: list[str] = Field(default_factory=list, max_length=10)


class BatchRequest(BaseModel):
    model_config = ConfigDict(extra="ignore")
    requests: list[IndividualRequest] = Field(min_length=1, max_length=10_000)
    options: IncludeOptions | None = None


def _individual_body(body: str, with_ssn: bool) -> str:
    data = json.loads(body)
    if not with_ssn:
        data["ssn"] = None
    data.setdefault("encrypted_ssn", None)
    return json.dumps(data, separators=(",", ":"))


@router.post("/individual")
async def individuals(body: BatchRequest, context: Individual, runtime: RuntimeDep) -> Response:
    # reference §6: SSN needs the ssn product AND options.include=["ssn"].
    with_ssn = context.ssn_allowed and body.options is not None and "ssn" in body.options.include
    ids = [request.individual_id for request in body.requests]
    async with runtime.database.reading_statements() as runner:
        found = await store.by_ids(runner, context, "individual", ids)
    parts = [
        item("individual_id", i, _individual_body(found[i], with_ssn))
        if i in found
        else missing("individual_id", i, "individual_not_found", "individual")
        for i in ids
    ]
    return raw_json(f'{{"responses":{array(parts)}}}', context)


@router.post("/employment")
async def employments(body: BatchRequest, context: EmploymentScope, runtime: RuntimeDep) -> Response:
    ids = [request.individual_id for request in body.requests]
    async with runtime.database.reading_statements() as runner:
        found = await store.by_ids(runner, context, "employment", ids)
    parts = [
        item("individual_id", i, found[i])
        if i in found
        else missing("individual_id", i, "individual_not_found", "individual")
        for i in ids
    ]
    return raw_json(f'{{"responses":{array(parts)}}}', context)
