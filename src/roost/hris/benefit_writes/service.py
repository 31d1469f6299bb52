"""Accepting a benefit write: check it against the connection's provider, then queue it.

Each function validates the request (the benefit must be one readers see, the provider must
support the operation, the type, the frequency and every enrollment setting), then records
the request as a manual job (reference §9, ``GET /jobs/manual/{job_id}``) in one transaction
with the id it answers with. The job (:mod:`roost.hris.benefit_writes.tasks`) does the write.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from roost.connections.models import Connection
from roost.core import identifiers
from roost.core.errors import not_found
from roost.core.runtime import Runtime
from roost.hris import store
from roost.hris.access import EmployerContext
from roost.hris.benefit_writes.schemas import (
    BenefitCreate,
    BenefitRegister,
    BenefitUpdate,
    BenefitWriteAccepted,
    EnrollmentIn,
    JobAccepted,
    UnenrollRequest,
)
from roost.hris.benefit_writes.support import (
    BenefitSupport,
    Operation,
    require_company_match,
    require_configuration,
    require_frequency,
)
from roost.jobs.queue import enqueue
from roost.sandbox.access import roost_id_of, source_id_of
from roost.sync.models import IdMapping

BENEFIT_WRITE_JOB = "benefit_write"
# The id space of company benefits in `id_mappings` (roost.sync.mapping.ID_SPACE).
_BENEFIT_SPACE = "benefit"


async def _support(runtime: Runtime, context: EmployerContext) -> BenefitSupport:
    async with runtime.database.reading() as session:
        connection = await session.get(Connection, context.connection_id)
    assert connection is not None
    provider = runtime.catalogue.get(connection.provider_id)
    method = provider.method(connection.auth_method) if provider is not None else None
    name = provider.display_name if provider is not None else connection.provider_id
    return BenefitSupport(name, method.benefits_support if method is not None else None)


async def _live_benefits(runtime: Runtime, context: EmployerContext) -> list[dict[str, Any]]:
    async with runtime.database.reading_statements() as runner:
        return [json.loads(body) for body in await store.every(runner, context, "benefit")]


async def _live_benefit(runtime: Runtime, context: EmployerContext, benefit_id: str) -> dict[str, Any]:
    """The benefit as readers see it; 404 in Finch's form when they do not."""
    async with runtime.database.reading_statements() as runner:
        found = await store.by_ids(runner, context, "benefit", [benefit_id])
    if benefit_id not in found:
        raise not_found(f"No benefit {benefit_id!r}", finch_code="benefit_not_found")
    return dict(json.loads(found[benefit_id]))


def proposed_source_id(benefit_type: str, frequency: str, description: str) -> str:
    """The provider id Roost proposes for a new benefit: the same triple gives the same id, so
    creating it twice names one benefit (reference §8: create is idempotent on the triple)."""
    digest = hashlib.sha256(f"{benefit_type}\x1f{frequency}\x1f{description}".encode()).hexdigest()
    return f"roost-benefit-{digest[:24]}"


async def _benefit_roost_id(session: AsyncSession, connection_id: str, source_id: str) -> str:
    """The benefit's Roost id, minted now if new; a concurrent request minting it too is fine."""
    existing = await roost_id_of(session, connection_id, _BENEFIT_SPACE, source_id)
    if existing is not None:
        return existing
    roost_id = identifiers.new_uuid()
    try:
        async with session.begin_nested():
            session.add(
                IdMapping(
                    connection_id=connection_id, kind=_BENEFIT_SPACE, source_id=source_id, roost_id=roost_id
                )
            )
    except IntegrityError:
        existing = await roost_id_of(session, connection_id, _BENEFIT_SPACE, source_id)
        assert existing is not None
        return existing
    return roost_id


async def _source_id(session: AsyncSession, connection_id: str, benefit_id: str) -> str:
    source_id = await source_id_of(session, connection_id, _BENEFIT_SPACE, benefit_id)
    if source_id is None:  # readers see it, so a sync mapped it; kept as a guard
        raise not_found(f"No benefit {benefit_id!r}", finch_code="benefit_not_found")
    return source_id


async def _queue(
    session: AsyncSession,
    runtime: Runtime,
    context: EmployerContext,
    operation: Operation,
    benefit_id: str,
    benefit_source_id: str,
    request: dict[str, Any],
) -> str:
    job, _created = await enqueue(
        session,
        runtime.clock.now(),
        BENEFIT_WRITE_JOB,
        {
            "operation": operation,
            "benefit_id": benefit_id,
            "benefit_source_id": benefit_source_id,
            "entity_id": context.entity_id,
            "request": request,
        },
        connection_id=context.connection_id,
        application_id=context.token.application_id,
        public_type="manual",
    )
    return job.id


async def add_benefit(
    runtime: Runtime, context: EmployerContext, request: BenefitCreate | BenefitRegister
) -> BenefitWriteAccepted:
    """``POST /employer/benefits`` (create) and ``/employer/benefits/register``."""
    operation: Operation = "create" if isinstance(request, BenefitCreate) else "register"
    support = await _support(runtime, context)
    features = support.require(operation, request.type)
    require_frequency(support, features, request.frequency)
    if isinstance(request, BenefitCreate) and request.company_contribution is not None:
        require_company_match(support, features)
    same = [
        b["benefit_id"]
        for b in await _live_benefits(runtime, context)
        if (b.get("type"), b.get("frequency"), b.get("description"))
        == (request.type, request.frequency, request.description)
    ]
    async with runtime.database.writing() as session:
        if same:
            benefit_id = same[0]
            source_id = await _source_id(session, context.connection_id, benefit_id)
        else:
            source_id = proposed_source_id(request.type, request.frequency, request.description)
            benefit_id = await _benefit_roost_id(session, context.connection_id, source_id)
        job_id = await _queue(
            session, runtime, context, operation, benefit_id, source_id, request.model_dump(mode="json")
        )
    return BenefitWriteAccepted(benefit_id=benefit_id, job_id=job_id)


async def update_benefit(
    runtime: Runtime, context: EmployerContext, benefit_id: str, request: BenefitUpdate
) -> BenefitWriteAccepted:
    benefit = await _live_benefit(runtime, context, benefit_id)
    (await _support(runtime, context)).require("update", benefit.get("type"))
    async with runtime.database.writing() as session:
        source_id = await _source_id(session, context.connection_id, benefit_id)
        job_id = await _queue(
            session, runtime, context, "update", benefit_id, source_id, request.model_dump(mode="json")
        )
    return BenefitWriteAccepted(benefit_id=benefit_id, job_id=job_id)


async def enroll(
    runtime: Runtime, context: EmployerContext, benefit_id: str, enrollments: list[EnrollmentIn]
) -> JobAccepted:
    benefit = await _live_benefit(runtime, context, benefit_id)
    support = await _support(runtime, context)
    features = support.require("enroll", benefit.get("type"))
    for index, enrollment in enumerate(enrollments):
        require_configuration(support, features, index, enrollment)
    request = {"individuals": [e.model_dump(mode="json") for e in enrollments]}
    async with runtime.database.writing() as session:
        source_id = await _source_id(session, context.connection_id, benefit_id)
        job_id = await _queue(session, runtime, context, "enroll", benefit_id, source_id, request)
    return JobAccepted(job_id=job_id)


async def unenroll(
    runtime: Runtime, context: EmployerContext, benefit_id: str, request: UnenrollRequest
) -> JobAccepted:
    benefit = await _live_benefit(runtime, context, benefit_id)
    (await _support(runtime, context)).require("unenroll", benefit.get("type"))
    async with runtime.database.writing() as session:
        source_id = await _source_id(session, context.connection_id, benefit_id)
        job_id = await _queue(
            session, runtime, context, "unenroll", benefit_id, source_id, request.model_dump(mode="json")
        )
    return JobAccepted(job_id=job_id)
