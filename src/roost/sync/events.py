"""Webhook events of a finished sync: job completion, and exactly what changed.

The initial sync announces ``job.initial_data_sync_org.succeeded`` and
``job.initial_data_sync_payroll.succeeded`` instead of one event per record; later syncs
announce each created, updated or deleted record (reference §10), so a re-sync with no
changes sends no data events.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from roost.core.runtime import Runtime
from roost.jobs.automated import job_url
from roost.sync.models import DataRecord
from roost.sync.store import KindChanges
from roost.webhooks.service import emit

# Record kinds with webhook events, and the event's record name.
_EVENT_RECORDS = {
    "directory": "directory",
    "employment": "employment",
    "individual": "individual",
    "payment": "payment",
    "pay_statement": "pay_statement",
}


async def _pay_dates(session: AsyncSession, connection_id: str, payment_ids: list[str]) -> dict[str, str]:
    if not payment_ids:
        return {}
    rows = await session.execute(
        select(DataRecord.roost_id, DataRecord.body).where(
            DataRecord.connection_id == connection_id,
            DataRecord.kind == "payment",
            DataRecord.roost_id.in_(payment_ids),
        )
    )
    return {roost_id: json.loads(body).get("pay_date") for roost_id, body in rows.all()}


def _data(kind: str, roost_id: str, pay_dates: dict[str, str]) -> dict[str, Any]:
    if kind == "payment":
        return {"payment_id": roost_id, "pay_date": pay_dates.get(roost_id)}
    if kind == "pay_statement":
        payment_id, _, individual_id = roost_id.partition(":")
        return {"payment_id": payment_id, "individual_id": individual_id}
    return {"individual_id": roost_id}


async def announce_sync(
    session: AsyncSession,
    runtime: Runtime,
    *,
    application_id: str,
    connection_id: str,
    job_id: str | None,
    initial: bool,
    changes: dict[str, KindChanges],
) -> None:
    common = {"application_id": application_id, "connection_id": connection_id}
    if job_id is not None:
        data = {"job_id": job_id, "job_url": job_url(runtime, job_id)}
        if initial:
            await emit(
                session, runtime, event_type="job.initial_data_sync_org.succeeded", data=data, **common
            )
            await emit(
                session, runtime, event_type="job.initial_data_sync_payroll.succeeded", data=data, **common
            )
        await emit(session, runtime, event_type="job.data_sync_all.completed", data=data, **common)
    if initial:
        return
    if "company" in changes and changes["company"].rows_written:
        await emit(session, runtime, event_type="company.updated", data={}, **common)
    payments = [
        i
        for c in ("created", "updated", "deleted")
        for i in getattr(changes.get("payment", KindChanges()), c)
    ]
    pay_dates = await _pay_dates(session, connection_id, payments)
    for kind, record in _EVENT_RECORDS.items():
        change = changes.get(kind)
        if change is None:
            continue
        for action in ("created", "updated", "deleted"):
            for roost_id in getattr(change, action):
                await emit(
                    session,
                    runtime,
                    event_type=f"{record}.{action}",
                    data=_data(kind, roost_id, pay_dates),
                    **common,
                )
