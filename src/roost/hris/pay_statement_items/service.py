"""Pay statement item rules: keeping them per connection, and applying them to items.

A rule belongs to the application and connection of the token that created it, and on a
multi-entity connection to the entity chosen with ``entity_ids``: no other token can see or
change it. Rules are numbered in creation order (``priority`` 1, 2, …); when several rules
match one item their metadata is merged and, for a key set by more than one, the rule with
the lowest ``priority`` number wins.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from roost.connections.models import Connection
from roost.core import identifiers
from roost.core.errors import bad_request, not_found
from roost.core.runtime import Runtime
from roost.hris.access import EmployerContext
from roost.hris.pay_statement_items.models import PayStatementItemRule as Rule
from roost.hris.pay_statement_items.schemas import (
    AttributesOut,
    ConditionIn,
    ConditionOut,
    DeletedRuleOut,
    RuleCreate,
    RuleOut,
    RuleUpdate,
)

# Metadata is the caller's free-form JSON; bound what one rule may store.
MAX_METADATA_BYTES = 16_384


@dataclass(frozen=True)
class RuleScope:
    """Whose rules: the token's application and connection, and the chosen entity."""

    application_id: str
    connection_id: str
    entity_id: str | None

    @classmethod
    def of(cls, context: EmployerContext) -> RuleScope:
        return cls(context.token.application_id, context.connection_id, context.entity_id)


def _visible(scope: RuleScope) -> ColumnElement[bool]:
    clauses = [
        Rule.application_id == scope.application_id,
        Rule.connection_id == scope.connection_id,
        Rule.deleted_at.is_(None),
    ]
    if scope.entity_id is not None:
        clauses.append(or_(Rule.entity_id.is_(None), Rule.entity_id == scope.entity_id))
    return and_(*clauses)


def rule_out(rule: Rule) -> RuleOut:
    return RuleOut(**_fields(rule))


def _fields(rule: Rule) -> dict[str, Any]:
    return {
        "id": rule.id,
        "attributes": AttributesOut(metadata=rule.metadata_),
        "conditions": [ConditionOut(**condition) for condition in rule.conditions],
        "effective_start_date": _date(rule.effective_start_date),
        "effective_end_date": _date(rule.effective_end_date),
        "entity_type": rule.entity_type,
        "priority": rule.priority,
        "created_at": rule.created_at,
        "updated_at": rule.updated_at,
    }


def _date(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def _check(metadata: Mapping[str, Any], start: dt.date | None, end: dt.date | None) -> None:
    if len(json.dumps(metadata, separators=(",", ":"))) > MAX_METADATA_BYTES:
        raise bad_request(
            f"attributes.metadata is larger than {MAX_METADATA_BYTES} bytes",
            context={"fields": ["attributes.metadata"]},
        )
    if start is not None and end is not None and end < start:
        raise bad_request(
            "effective_end_date must not be before effective_start_date",
            context={"fields": ["effective_end_date"]},
        )


def _conditions(conditions: list[ConditionIn]) -> list[dict[str, str]]:
    return [condition.model_dump() for condition in conditions]


async def list_rules(runtime: Runtime, scope: RuleScope) -> list[RuleOut]:
    async with runtime.database.reading() as session:
        rules = await session.scalars(select(Rule).where(_visible(scope)).order_by(Rule.priority))
        return [rule_out(rule) for rule in rules]


async def create_rule(runtime: Runtime, scope: RuleScope, body: RuleCreate) -> RuleOut:
    _check(body.attributes.metadata, body.effective_start_date, body.effective_end_date)
    now = runtime.clock.now()
    async with runtime.database.writing() as session:
        # Locking the connection serialises rule creation on it, so priorities stay distinct.
        await session.get(Connection, scope.connection_id, with_for_update=True)
        highest = await session.scalar(
            select(func.max(Rule.priority)).where(
                Rule.connection_id == scope.connection_id, Rule.application_id == scope.application_id
            )
        )
        rule = Rule(
            id=identifiers.new_uuid(),
            application_id=scope.application_id,
            connection_id=scope.connection_id,
            entity_id=scope.entity_id,
            priority=int(highest or 0) + 1,
            metadata_=dict(body.attributes.metadata),
            conditions=_conditions(body.conditions),
            effective_start_date=body.effective_start_date,
            effective_end_date=body.effective_end_date,
            entity_type=body.entity_type,
            created_at=now,
            updated_at=now,
        )
        session.add(rule)
    return rule_out(rule)


async def _rule(session: AsyncSession, scope: RuleScope, rule_id: str) -> Rule:
    rule = await session.scalar(select(Rule).where(Rule.id == rule_id, _visible(scope)).with_for_update())
    if rule is None:
        raise not_found(f"No pay statement item rule {rule_id!r}")
    return rule


async def update_rule(runtime: Runtime, scope: RuleScope, rule_id: str, body: RuleUpdate) -> RuleOut:
    """Change the fields the body names; a field given as null clears an effective date."""
    given = body.model_fields_set
    for required in ("attributes", "conditions", "entity_type"):
        if required in given and getattr(body, required) is None:
            raise bad_request(f"{required} may not be null", context={"fields": [required]})
    async with runtime.database.writing() as session:
        rule = await _rule(session, scope, rule_id)
        before = _fields(rule)
        if body.attributes is not None:
            rule.metadata_ = dict(body.attributes.metadata)
        if body.conditions is not None:
            rule.conditions = _conditions(body.conditions)
        if "effective_start_date" in given:
            rule.effective_start_date = body.effective_start_date
        if "effective_end_date" in given:
            rule.effective_end_date = body.effective_end_date
        _check(rule.metadata_, rule.effective_start_date, rule.effective_end_date)
        if _fields(rule) != before:
            rule.updated_at = runtime.clock.now()
    return rule_out(rule)


async def delete_rule(runtime: Runtime, scope: RuleScope, rule_id: str) -> DeletedRuleOut:
    now = runtime.clock.now()
    async with runtime.database.writing() as session:
        rule = await _rule(session, scope, rule_id)
        rule.deleted_at = now
    return DeletedRuleOut(**_fields(rule), deleted_at=now)


@dataclass(frozen=True)
class ActiveRule:
    """A rule as applied to items: all conditions must hold within the effective dates."""

    priority: int
    metadata: Mapping[str, Any]
    conditions: tuple[tuple[str, str], ...]
    start: dt.date | None
    end: dt.date | None

    def applies(self, item: Mapping[str, str | None], seen_on: dt.date) -> bool:
        if self.start is not None and seen_on < self.start:
            return False
        if self.end is not None and seen_on > self.end:
            return False
        return all(item.get(field) == value for field, value in self.conditions)


async def active_rules(runtime: Runtime, scope: RuleScope) -> list[ActiveRule]:
    """The scope's rules, lowest ``priority`` number (strongest) first."""
    async with runtime.database.reading() as session:
        rules = await session.scalars(select(Rule).where(_visible(scope)).order_by(Rule.priority))
        return [
            ActiveRule(
                priority=rule.priority,
                metadata=rule.metadata_,
                conditions=tuple((c["field"], c["value"]) for c in rule.conditions),
                start=rule.effective_start_date,
                end=rule.effective_end_date,
            )
            for rule in rules
        ]


def metadata_for(
    rules: list[ActiveRule], item: Mapping[str, str | None], seen_on: dt.date
) -> dict[str, Any] | None:
    """The merged metadata of every rule matching ``item``; None when no rule matches."""
    merged: dict[str, Any] | None = None
    for rule in reversed(rules):  # the strongest rule is applied last, so its keys win
        if rule.applies(item, seen_on):
            merged = {**(merged or {}), **rule.metadata}
    return merged
