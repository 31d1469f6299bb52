"""Shapes several records share: an address, an amount of money and an income.

Field names and enums are Finch's "Shared objects" (reference/finch-api.md §8;
``finch.types.location``, ``finch.types.money``, ``finch.types.income``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal, TypeAlias

__all__ = ["Income", "IncomeUnit", "Location", "Money"]

IncomeUnit: TypeAlias = Literal[
    "yearly", "quarterly", "monthly", "semi_monthly", "bi_weekly", "weekly", "daily", "hourly", "fixed"
]


@dataclass(frozen=True, slots=True, kw_only=True)
class Location:
    """A postal address; ``country`` is the 2-letter ISO 3166 code."""

    line1: str | None = None
    line2: str | None = None
    city: str | None = None
    state: str | None = None
    postal_code: str | None = None
    country: str | None = None
    name: str | None = None
    source_id: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Money:
    """An amount in integer cents of ``currency`` (lower-case ISO 4217, as Finch sends it)."""

    amount: int | None
    currency: str = "usd"


@dataclass(frozen=True, slots=True, kw_only=True)
class Income:
    """Pay as the provider states it: ``amount`` cents per ``unit``, from ``effective_date``."""

    amount: int | None
    unit: IncomeUnit | None
    effective_date: date | None = None
    currency: str = "usd"
