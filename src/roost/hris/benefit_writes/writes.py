"""One queued benefit write handed to a provider's writer, and its outcome as a job body.

The job body is Finch's ``ManualAsyncJob.body`` (reference §9): one item per thing written,
``{"benefit_id" | "individual_id", "code", "message"}``, plus ``name`` and ``finch_code`` for
an item that failed. Requests carry Roost ids; writers take provider ids (source ids).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from roost.core.runtime import Runtime
from roost.providers.contract import BenefitWriter, WriteOutcome
from roost.providers.records import (
    BenefitAmount,
    BenefitEnrollment,
    CompanyBenefit,
    CompanyMatch,
    MatchTier,
    TieredMatch,
)
from roost.sync.models import IdMapping

__all__ = ["failure", "item_body", "perform"]

_UNKNOWN_INDIVIDUAL = WriteOutcome(
    404, "No individual with this id in this connection", "not_found_error", "individual_not_found"
)


def item_body(key: str, item_id: str, outcome: WriteOutcome) -> dict[str, Any]:
    body: dict[str, Any] = {key: item_id, "code": outcome.code, "message": outcome.message}
    if outcome.name is not None:
        body["name"] = outcome.name
    if outcome.finch_code is not None:
        body["finch_code"] = outcome.finch_code
    return body


def _targets(payload: dict[str, Any]) -> tuple[str, list[str]]:
    """What a write is about: the benefit, or the people it enrolls or unenrolls."""
    request = payload["request"]
    if payload["operation"] == "enroll":
        return "individual_id", [i["individual_id"] for i in request["individuals"]]
    if payload["operation"] == "unenroll":
        return "individual_id", list(request["individual_ids"])
    return "benefit_id", [payload["benefit_id"]]


def _progress(key: str, ids: Sequence[str], outcomes: Sequence[WriteOutcome]) -> dict[str, Any]:
    return {
        "body": [item_body(key, item_id, outcome) for item_id, outcome in zip(ids, outcomes, strict=True)],
        "applied": any(outcome.ok for outcome in outcomes),
        "sync_job_id": None,
    }


def failure(payload: dict[str, Any], outcome: WriteOutcome) -> dict[str, Any]:
    """Every item of the write failed the same way (the provider refused the whole write)."""
    key, ids = _targets(payload)
    return _progress(key, ids, [outcome] * len(ids))


def _tiers(tiers: Sequence[dict[str, Any]]) -> tuple[MatchTier, ...]:
    return tuple(MatchTier(match=t["match"], threshold=t["threshold"]) for t in tiers)


def _benefit(payload: dict[str, Any]) -> CompanyBenefit:
    request = payload["request"]
    match = request.get("company_contribution")
    return CompanyBenefit(
        source_id=payload["benefit_source_id"],
        type=request["type"],
        description=request["description"],
        frequency=request["frequency"],
        company_contribution=CompanyMatch(tiers=_tiers(match["tiers"])) if match else None,
    )


def _enrollment(
    individual_source_id: str, benefit_source_id: str, config: dict[str, Any]
) -> BenefitEnrollment:
    deduction = config.get("employee_deduction")
    contribution = config.get("company_contribution")
    company: BenefitAmount | TieredMatch | None = None
    if contribution and contribution["type"] == "tiered":
        company = TieredMatch(tiers=_tiers(contribution["tiers"]))
    elif contribution:
        company = BenefitAmount(type=contribution["type"], amount=contribution["amount"])
    return BenefitEnrollment(
        individual_source_id=individual_source_id,
        benefit_source_id=benefit_source_id,
        employee_deduction=BenefitAmount(type=deduction["type"], amount=deduction["amount"])
        if deduction
        else None,
        company_contribution=company,
        annual_maximum=config.get("annual_maximum"),
        catch_up=config.get("catch_up"),
        # Finch's enroll request calls it annual_contribution_limit; the read side hsa_contribution_limit.
        hsa_contribution_limit=config.get("annual_contribution_limit"),
    )


async def _individual_sources(
    session: AsyncSession, connection_id: str, ids: Sequence[str]
) -> dict[str, str]:
    """Roost individual id -> provider source id, for the ids this connection knows."""
    found: dict[str, str] = {}
    unique = list(dict.fromkeys(ids))
    for start in range(0, len(unique), 500):  # bounded IN lists
        rows = await session.execute(
            select(IdMapping.roost_id, IdMapping.source_id).where(
                IdMapping.connection_id == connection_id,
                IdMapping.kind == "individual",
                IdMapping.roost_id.in_(unique[start : start + 500]),
            )
        )
        found.update({roost_id: source_id for roost_id, source_id in rows.all()})
    return found


async def _for_known(
    ids: Sequence[str], sources: dict[str, str], write: Any, arguments: list[Any]
) -> list[WriteOutcome]:
    """Call ``write`` for the people the connection knows; unknown ids answer 404 in place."""
    known = [i for i, individual in enumerate(ids) if individual in sources]
    done = iter(await write([arguments[i] for i in known]) if known else [])
    known_set = set(known)
    return [next(done) if i in known_set else _UNKNOWN_INDIVIDUAL for i in range(len(ids))]


async def perform(
    runtime: Runtime,
    connection_id: str,
    payload: dict[str, Any],
    writer: BenefitWriter,
    session: AsyncSession | None = None,
) -> dict[str, Any]:
    """Hand the write to ``writer``; the job's progress: its body and whether anything applied."""
    operation, benefit_source_id = payload["operation"], payload["benefit_source_id"]
    key, ids = _targets(payload)
    if operation == "create":
        return _progress(key, ids, [await writer.create_benefit(_benefit(payload))])
    if operation == "register":
        return _progress(key, ids, [await writer.register_benefit(_benefit(payload))])
    if operation == "update":
        outcome = await writer.update_benefit(benefit_source_id, payload["request"]["description"])
        return _progress(key, ids, [outcome])
    if session is None:
        async with runtime.database.reading() as reading:
            sources = await _individual_sources(reading, connection_id, ids)
    else:
        sources = await _individual_sources(session, connection_id, ids)
    if operation == "enroll":
        configs = [i["configuration"] for i in payload["request"]["individuals"]]
        enrollments = [
            _enrollment(sources[individual], benefit_source_id, config) if individual in sources else None
            for individual, config in zip(ids, configs, strict=True)
        ]

        async def enroll(batch: list[BenefitEnrollment]) -> list[WriteOutcome]:
            return await writer.enroll(benefit_source_id, batch)

        return _progress(key, ids, await _for_known(ids, sources, enroll, enrollments))

    async def unenroll(batch: list[str]) -> list[WriteOutcome]:
        return await writer.unenroll(benefit_source_id, batch)

    return _progress(key, ids, await _for_known(ids, sources, unenroll, [sources.get(i) for i in ids]))
