"""The employer: the company, its legal entity type, departments, bank accounts and entities.

Finch's ``GET /employer/company`` shape (reference/finch-api.md §8; ``finch.types.hris.company``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, TypeAlias

from roost.providers.records.common import Location

__all__ = [
    "BankAccount",
    "BankAccountType",
    "Company",
    "Department",
    "DepartmentRef",
    "Entity",
    "LegalEntity",
    "LegalEntitySubtype",
    "LegalEntityType",
]

LegalEntityType: TypeAlias = Literal[
    "llc", "lp", "corporation", "sole_proprietor", "non_profit", "partnership", "cooperative"
]
LegalEntitySubtype: TypeAlias = Literal["s_corporation", "c_corporation", "b_corporation"]
BankAccountType: TypeAlias = Literal["checking", "savings"]


@dataclass(frozen=True, slots=True, kw_only=True)
class LegalEntity:
    """The company's tax-payer type (Finch's ``company.entity`` object)."""

    type: LegalEntityType | None
    subtype: LegalEntitySubtype | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class DepartmentRef:
    """A department named from another record: ``{"name": ...}`` on the wire."""

    name: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Department:
    name: str
    parent: DepartmentRef | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class BankAccount:
    institution_name: str | None
    account_name: str | None
    account_type: BankAccountType | None
    account_number: str | None
    routing_number: str | None


@dataclass(frozen=True, slots=True, kw_only=True)
class Company:
    source_id: str
    legal_name: str | None
    entity: LegalEntity | None = None
    ein: str | None = None
    primary_email: str | None = None
    primary_phone_number: str | None = None
    departments: tuple[Department, ...] = ()
    locations: tuple[Location, ...] = ()
    accounts: tuple[BankAccount, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Entity:
    """One legal entity of a multi-entity company, the unit Finch's ``entity_ids`` selects."""

    source_id: str
    name: str
