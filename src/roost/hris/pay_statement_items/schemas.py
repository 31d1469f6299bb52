"""Wire shapes of /employer/pay-statement-item[/rule] (``finch.types.hris.pay_statement_item``)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

# The item fields a condition may test; each is a string on the item (reference §8).
ConditionField = Literal["name", "category", "type"]
Category = Literal["earnings", "taxes", "employee_deductions", "employer_contributions"]
CATEGORIES: tuple[Category, ...] = ("earnings", "taxes", "employee_deductions", "employer_contributions")


class ConditionIn(BaseModel):
    model_config = ConfigDict(extra="ignore")

    field: ConditionField
    operator: Literal["equals"]
    value: str = Field(max_length=255)


class AttributesIn(BaseModel):
    model_config = ConfigDict(extra="ignore")

    metadata: dict[str, Any]


class RuleCreate(BaseModel):
    """``POST /employer/pay-statement-item/rule`` (``RuleCreateParams``)."""

    model_config = ConfigDict(extra="ignore")

    attributes: AttributesIn
    conditions: list[ConditionIn] = Field(min_length=1, max_length=20)
    effective_start_date: dt.date | None = None
    effective_end_date: dt.date | None = None
    entity_type: Literal["pay_statement_item"] = "pay_statement_item"


class RuleUpdate(BaseModel):
    """``PUT /employer/pay-statement-item/rule/{id}``: any create field; the rest are kept.

    Finch's spec shows only a placeholder body (``optionalProperty``), which is ignored.
    """

    model_config = ConfigDict(extra="ignore")

    attributes: AttributesIn | None = None
    conditions: list[ConditionIn] | None = Field(default=None, min_length=1, max_length=20)
    effective_start_date: dt.date | None = None
    effective_end_date: dt.date | None = None
    entity_type: Literal["pay_statement_item"] | None = None


class ConditionOut(BaseModel):
    field: str
    operator: str
    value: str


class AttributesOut(BaseModel):
    metadata: dict[str, Any]


class RuleOut(BaseModel):
    """``RuleCreateResponse`` / ``RuleListResponse`` / ``RuleUpdateResponse``."""

    id: str
    attributes: AttributesOut
    conditions: list[ConditionOut]
    effective_start_date: str | None
    effective_end_date: str | None
    entity_type: str
    priority: int
    created_at: dt.datetime
    updated_at: dt.datetime


class DeletedRuleOut(RuleOut):
    """``RuleDeleteResponse``: the rule as it was, and when it was deleted."""

    deleted_at: dt.datetime


class RuleList(BaseModel):
    responses: list[RuleOut]
