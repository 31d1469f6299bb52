"""Payments, pay statements and pay groups (reference §2, §8)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

from roost.core.dependencies import RuntimeDep
from roost.core.errors import not_found
from roost.hris import store
from roost.hris.access import PaymentScope, PayStatementScope, query_list
from roost.hris.pay_statement_items.derivation import with_rule_metadata
from roost.hris.pay_statement_items.service import RuleScope, active_rules
from roost.hris.responses import array, in_progress, json_response, missing, raw_json

router = APIRouter(prefix="/employer", tags=["payroll"])


@router.get("/payment")
async def payments(
    context: PaymentScope,
    runtime: RuntimeDep,
    start_date: Annotated[dt.date, Query()],
    end_date: Annotated[dt.date, Query()],
) -> Response:
    async with runtime.database.reading_statements() as runner:
        bodies = await store.between(runner, context, "payment", start_date, end_date)
    return raw_json(array(bodies), context)


class StatementRequest(BaseModel):
    model_config = ConfigDict(extra="ignore")
    payment_id: str = Field(min_length=1, max_length=80)
    limit: int = Field(default=100, ge=1, le=5000)
    offset: int = Field(default=0, ge=0)


class StatementBatch(BaseModel):
    model_config = ConfigDict(extra="ignore")
    requests: list[StatementRequest] = Field(min_length=1, max_length=10)


@router.post("/pay-statement")
async def pay_statements(body: StatementBatch, context: PayStatementScope, runtime: RuntimeDep) -> Response:
    parts = []
    # Lines carry the metadata of the application's pay-statement-item rules.
    rules = await active_rules(runtime, RuleScope.of(context))
    async with runtime.database.reading_statements() as runner:
        known = await store.by_ids(runner, context, "payment", [r.payment_id for r in body.requests])
        unfinished = await store.unfinished_payments(runner, context)
        for request in body.requests:
            if request.payment_id not in known:
                parts.append(missing("payment_id", request.payment_id, "payment_not_found", "payment"))
                continue
            bodies, total = await store.children(
                runner, context, "pay_statement", request.payment_id, request.limit, request.offset
            )
            if not total and request.payment_id in unfinished:
                # Its statements failed to fetch and are being fetched again (reference §8).
                parts.append(in_progress("payment_id", request.payment_id))
                continue
            pay_date = _pay_date(known[request.payment_id])
            statements = array(with_rule_metadata(statement, rules, pay_date) for statement in bodies)
            page = f'{{"paging":{{"count":{total},"offset":{request.offset}}},"pay_statements":{statements}}}'
            parts.append(f'{{"payment_id":{json.dumps(request.payment_id)},"code":200,"body":{page}}}')
    return raw_json(f'{{"responses":{array(parts)}}}', context)


def _pay_date(payment: str) -> dt.date | None:
    pay_date = json.loads(payment).get("pay_date")
    return dt.date.fromisoformat(pay_date) if pay_date else None


@router.get("/pay-groups")
async def pay_groups(
    request: Request,
    context: PaymentScope,
    runtime: RuntimeDep,
    individual_id: Annotated[str | None, Query(max_length=80)] = None,
) -> Response:
    frequencies = set(query_list(request, "pay_frequencies"))
    async with runtime.database.reading_statements() as runner:
        groups = [json.loads(body) for body in await store.every(runner, context, "pay_group")]
    listed = [
        {"id": g["id"], "name": g["name"], "pay_frequencies": g["pay_frequencies"]}
        for g in groups
        if (individual_id is None or individual_id in g.get("individual_ids", []))
        and (not frequencies or frequencies & set(g["pay_frequencies"]))
    ]
    return json_response(listed, context)


@router.get("/pay-groups/{pay_group_id}")
async def pay_group(pay_group_id: str, context: PaymentScope, runtime: RuntimeDep) -> Response:
    async with runtime.database.reading_statements() as runner:
        found = await store.by_ids(runner, context, "pay_group", [pay_group_id])
    if pay_group_id not in found:
        raise not_found(f"No pay group {pay_group_id!r}")
    return raw_json(found[pay_group_id], context)
