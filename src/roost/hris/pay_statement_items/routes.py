"""``/employer/pay-statement-item`` and its rules (reference §2; product ``pay_statement``)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Body, Query, Request
from fastapi.responses import Response

from roost.core.dependencies import RuntimeDep
from roost.core.errors import bad_request
from roost.hris.access import PayStatementScope, query_list
from roost.hris.pay_statement_items import service
from roost.hris.pay_statement_items.derivation import ItemQuery, pay_statement_items
from roost.hris.pay_statement_items.schemas import (
    CATEGORIES,
    Category,
    DeletedRuleOut,
    RuleCreate,
    RuleList,
    RuleOut,
    RuleUpdate,
)
from roost.hris.responses import json_response

router = APIRouter(prefix="/employer/pay-statement-item", tags=["payroll"])


def _categories(request: Request) -> tuple[Category, ...]:
    requested = query_list(request, "categories")
    unknown = [c for c in requested if c not in CATEGORIES]
    if unknown:
        raise bad_request(
            f"categories: unknown category {unknown[0]!r}; expected one of {', '.join(CATEGORIES)}",
            context={"fields": ["categories"]},
        )
    return tuple(c for c in CATEGORIES if c in requested) if requested else CATEGORIES


@router.get("")
async def list_items(
    request: Request,
    context: PayStatementScope,
    runtime: RuntimeDep,
    start_date: Annotated[dt.date | None, Query()] = None,
    end_date: Annotated[dt.date | None, Query()] = None,
    name: Annotated[str | None, Query(max_length=255)] = None,
    item_type: Annotated[str | None, Query(alias="type", max_length=255)] = None,
) -> Response:
    if start_date and end_date and end_date < start_date:
        raise bad_request("end_date must not be before start_date", context={"fields": ["end_date"]})
    query = ItemQuery(_categories(request), start_date, end_date, name, item_type)
    items = await pay_statement_items(runtime, context, query)
    return json_response({"responses": items}, context)


@router.get("/rule", response_model=RuleList)
async def list_rules(context: PayStatementScope, runtime: RuntimeDep) -> RuleList:
    return RuleList(responses=await service.list_rules(runtime, service.RuleScope.of(context)))


@router.post("/rule", status_code=201, response_model=RuleOut)
async def create_rule(body: RuleCreate, context: PayStatementScope, runtime: RuntimeDep) -> RuleOut:
    return await service.create_rule(runtime, service.RuleScope.of(context), body)


@router.put("/rule/{rule_id}", response_model=RuleOut)
async def update_rule(
    rule_id: str,
    context: PayStatementScope,
    runtime: RuntimeDep,
    body: Annotated[RuleUpdate | None, Body()] = None,
) -> RuleOut:
    update = body if body is not None else RuleUpdate()
    return await service.update_rule(runtime, service.RuleScope.of(context), rule_id, update)


@router.delete("/rule/{rule_id}", response_model=DeletedRuleOut)
async def delete_rule(rule_id: str, context: PayStatementScope, runtime: RuntimeDep) -> DeletedRuleOut:
    return await service.delete_rule(runtime, service.RuleScope.of(context), rule_id)
