"""Company benefits and individual enrollments (reference §8 Benefits): reads from the synced
store, and writes queued as manual jobs (:mod:`roost.hris.benefit_writes`)."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Body, Query
from fastapi.responses import Response

from roost.connections.models import Connection
from roost.core.dependencies import RuntimeDep
from roost.core.errors import not_found
from roost.hris import store
from roost.hris.access import BenefitsScope
from roost.hris.benefit_writes import service as writes
from roost.hris.benefit_writes.schemas import (
    MAX_INDIVIDUALS,
    BenefitCreate,
    BenefitRegister,
    BenefitUpdate,
    EnrollmentIn,
    UnenrollRequest,
)
from roost.hris.responses import array, item, json_response, missing, raw_json

router = APIRouter(prefix="/employer/benefits", tags=["benefits"])


@router.get("")
async def list_benefits(context: BenefitsScope, runtime: RuntimeDep) -> Response:
    async with runtime.database.reading_statements() as runner:
        return raw_json(array(await store.every(runner, context, "benefit")), context)


@router.get("/meta")
async def supported_benefits(context: BenefitsScope, runtime: RuntimeDep) -> Response:
    """What the connection's provider supports, from its catalogue definition."""
    async with runtime.database.reading() as session:
        connection = await session.get(Connection, context.connection_id)
    assert connection is not None
    provider = runtime.catalogue.get(connection.provider_id)
    method = provider.method(connection.auth_method) if provider else None
    support: dict[str, Any] = dict(method.benefits_support or {}) if method else {}
    meta = []
    for benefit_type, entry in support.items():
        features = dict(entry.get("supported_features", {})) if entry else {}
        meta.append(
            {
                "type": benefit_type,
                "description": features.get("description"),
                "frequencies": features.get("frequencies", []),
                "employee_deduction": features.get("employee_deduction", []),
                "company_contribution": features.get("company_contribution", []),
                "annual_maximum": features.get("annual_maximum"),
                "catch_up": features.get("catch_up"),
                "hsa_contribution_limit": features.get("hsa_contribution_limit"),
            }
        )
    return json_response(meta, context)


async def _benefit(runtime: RuntimeDep, context: BenefitsScope, benefit_id: str) -> str:
    async with runtime.database.reading_statements() as runner:
        found = await store.by_ids(runner, context, "benefit", [benefit_id])
    if benefit_id not in found:
        raise not_found(f"No benefit {benefit_id!r}", finch_code="benefit_not_found")
    return found[benefit_id]


@router.get("/{benefit_id}")
async def get_benefit(benefit_id: str, context: BenefitsScope, runtime: RuntimeDep) -> Response:
    return raw_json(await _benefit(runtime, context, benefit_id), context)


@router.get("/{benefit_id}/enrolled")
async def enrolled(benefit_id: str, context: BenefitsScope, runtime: RuntimeDep) -> Response:
    await _benefit(runtime, context, benefit_id)
    async with runtime.database.reading_statements() as runner:
        bodies, _ = await store.children(runner, context, "enrollment", benefit_id)
    individual_ids = [json.loads(body)["individual_id"] for body in bodies]
    return json_response({"benefit_id": benefit_id, "individual_ids": individual_ids}, context)


@router.get("/{benefit_id}/individuals")
async def enrollments(
    benefit_id: str,
    context: BenefitsScope,
    runtime: RuntimeDep,
    individual_ids: Annotated[str | None, Query(max_length=200_000)] = None,
) -> Response:
    await _benefit(runtime, context, benefit_id)
    async with runtime.database.reading_statements() as runner:
        bodies, _ = await store.children(runner, context, "enrollment", benefit_id)
    by_person: dict[str, dict[str, Any]] = {}
    for body in bodies:
        data = json.loads(body)
        # Popped first: in `d[k()] = v()` Python evaluates v() before k().
        person = data.pop("individual_id")
        by_person[person] = {k: v for k, v in data.items() if k != "benefit_id"}
    wanted = [i for i in (individual_ids or "").split(",") if i] or list(by_person)
    parts = [
        item("individual_id", person, json.dumps(by_person[person], separators=(",", ":")))
        if person in by_person
        else missing("individual_id", person, "enrollment_not_found", "enrollment")
        for person in wanted
    ]
    return raw_json(array(parts), context)


# Writes (reference §2, §8): each answers at once with the ids, and the change is made by a
# manual job (GET /jobs/manual/{job_id}). /register is declared before /{benefit_id}.
@router.post("")
async def create_benefit(body: BenefitCreate, context: BenefitsScope, runtime: RuntimeDep) -> Response:
    return json_response((await writes.add_benefit(runtime, context, body)).model_dump(), context)


@router.post("/register")
async def register_benefit(body: BenefitRegister, context: BenefitsScope, runtime: RuntimeDep) -> Response:
    return json_response((await writes.add_benefit(runtime, context, body)).model_dump(), context)


@router.post("/{benefit_id}")
async def update_benefit(
    benefit_id: str, body: BenefitUpdate, context: BenefitsScope, runtime: RuntimeDep
) -> Response:
    accepted = await writes.update_benefit(runtime, context, benefit_id, body)
    return json_response(accepted.model_dump(), context)


@router.post("/{benefit_id}/individuals")
async def enroll_individuals(
    benefit_id: str,
    # reference §13: the body is a top-level JSON array.
    body: Annotated[list[EnrollmentIn], Body(min_length=1, max_length=MAX_INDIVIDUALS)],
    context: BenefitsScope,
    runtime: RuntimeDep,
) -> Response:
    return json_response((await writes.enroll(runtime, context, benefit_id, body)).model_dump(), context)


@router.delete("/{benefit_id}/individuals")
async def unenroll_individuals(
    benefit_id: str, body: UnenrollRequest, context: BenefitsScope, runtime: RuntimeDep
) -> Response:
    return json_response((await writes.unenroll(runtime, context, benefit_id, body)).model_dump(), context)
