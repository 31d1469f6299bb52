"""The distinct pay statement items of a connection, from its synced pay statements.

An item is one distinct line of a pay statement: its category, name and type (and, for
taxes, whether the employer pays it; for employee deductions, whether it is pre-tax). Its
*last seen pay date* is the latest ``pay_date`` of a payment in the requested window whose
statements carry it (Finch filters items by that date); rules are applied at that date.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

import orjson

from roost.core.runtime import Runtime
from roost.hris import store
from roost.hris.access import EmployerContext
from roost.hris.pay_statement_items.schemas import CATEGORIES, Category
from roost.hris.pay_statement_items.service import ActiveRule, RuleScope, active_rules, metadata_for


@dataclass(frozen=True)
class ItemQuery:
    categories: tuple[Category, ...]
    start_date: dt.date | None
    end_date: dt.date | None
    name: str | None  # case-insensitive substring
    type: str | None  # case-insensitive exact match


@dataclass(frozen=True)
class ItemKey:
    category_order: int
    name: str
    type: str | None
    employer: bool | None
    pre_tax: bool | None

    @property
    def category(self) -> Category:
        return CATEGORIES[self.category_order]

    def sort_key(self) -> tuple[int, str, str, str, str]:
        # None sorts as "" so items differing only in a missing type still compare.
        return (
            self.category_order,
            self.name.casefold(),
            self.type or "",
            str(self.employer),
            str(self.pre_tax),
        )

    def fields(self) -> dict[str, str | None]:
        """What rule conditions test (``field`` ∈ name, category, type)."""
        return {"name": self.name, "category": self.category, "type": self.type}


def _keys(statement: dict[str, Any], categories: tuple[Category, ...]) -> list[ItemKey]:
    keys = []
    for category in categories:
        order = CATEGORIES.index(category)
        for line in statement.get(category) or ():
            name = line.get("name")
            if not name:  # an unnamed line cannot be listed, searched or matched by a rule
                continue
            keys.append(
                ItemKey(
                    order,
                    name,
                    line.get("type"),
                    line.get("employer") if category == "taxes" else None,
                    line.get("pre_tax") if category == "employee_deductions" else None,
                )
            )
    return keys


async def _last_seen(runtime: Runtime, context: EmployerContext, query: ItemQuery) -> dict[ItemKey, dt.date]:
    """Each distinct item of the window and the latest pay date it appears on.

    Payments are read first and their statements one payment at a time, so memory follows
    the size of one payroll run, not of the whole history.
    """
    start = query.start_date or dt.date.min
    end = query.end_date or dt.date.max
    seen: dict[ItemKey, dt.date] = {}
    async with runtime.database.reading_statements() as runner:
        for payment_body in await store.between(runner, context, "payment", start, end):
            payment = json.loads(payment_body)
            pay_date = dt.date.fromisoformat(payment["pay_date"])
            statements, _ = await store.children(runner, context, "pay_statement", payment["id"])
            for statement in statements:
                for key in _keys(json.loads(statement), query.categories):
                    if key not in seen or seen[key] < pay_date:
                        seen[key] = pay_date
    return seen


def _wanted(key: ItemKey, query: ItemQuery) -> bool:
    if query.name is not None and query.name.casefold() not in key.name.casefold():
        return False
    return query.type is None or (key.type or "").casefold() == query.type.casefold()


async def pay_statement_items(
    runtime: Runtime, context: EmployerContext, query: ItemQuery
) -> list[dict[str, Any]]:
    """Finch ``PayStatementItemListResponse`` objects, by category then name."""
    seen = await _last_seen(runtime, context, query)
    rules = await active_rules(runtime, RuleScope.of(context))
    items = []
    for key in sorted((k for k in seen if _wanted(k, query)), key=ItemKey.sort_key):
        items.append(
            {
                "name": key.name,
                "category": key.category,
                "attributes": {
                    "employer": key.employer,
                    "metadata": metadata_for(rules, key.fields(), seen[key]),
                    "pre_tax": key.pre_tax,
                    "type": key.type,
                },
            }
        )
    return items


def with_rule_metadata(statement: str, rules: list[ActiveRule], pay_date: dt.date | None) -> str:
    """A stored pay statement with ``attributes.metadata`` on each of its lines (reference §8):
    the merged metadata of the rules matching the line on the payment's pay date, ``{}``
    when none does (or the line has no name to match)."""
    body = orjson.loads(statement)
    for category in CATEGORIES:
        for line in body.get(category) or ():
            name = line.get("name")
            matched = None
            if rules and name and pay_date is not None:
                fields = {"name": name, "category": category, "type": line.get("type")}
                matched = metadata_for(rules, fields, pay_date)
            line["attributes"] = {"metadata": matched or {}}
    return orjson.dumps(body).decode()
