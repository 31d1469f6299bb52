"""The company-wide facts of a sandbox company, drawn once from its seed.

Everything per employee is drawn later from the employee's own stream; this module holds
what they all share: the legal identity, entities, offices, bank accounts, the departments
in use, the org chart and the pay-frequency pattern.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from roost.providers.records import (
    BankAccount,
    Company,
    Department,
    DepartmentRef,
    Entity,
    LegalEntity,
    Location,
)
from roost.providers.sandbox.departments import DEPARTMENTS, EXECUTIVE, DepartmentPlan
from roost.providers.sandbox.geography import METROS, Metro
from roost.providers.sandbox.names import NamePools, ascii_letters
from roost.providers.sandbox.org_chart import OrgChart
from roost.providers.sandbox.pay_calendar import Frequency
from roost.providers.sandbox.randomness import Stream, Weighted, mix, pick, stream

__all__ = ["PAY_SLOTS", "CompanyProfile", "build_profile", "phone_number"]

# Employees are dealt into pay frequencies by index modulo PAY_SLOTS: 12 bi-weekly,
# 5 semi-monthly and 3 weekly of every 20, the usual mix at US employers.
PAY_SLOTS = 20
_SLOT_MIX: tuple[tuple[Frequency, int], ...] = (("bi_weekly", 12), ("semi_monthly", 5), ("weekly", 3))

_INDUSTRY_WORDS = ("Analytics", "Logistics", "Health", "Robotics", "Foods", "Energy", "Software", "Freight")
_LEGAL_FORMS: Weighted[tuple[LegalEntity, str]] = Weighted(
    [
        ((LegalEntity(type="corporation", subtype="c_corporation"), ", Inc."), 30),
        ((LegalEntity(type="corporation", subtype="s_corporation"), ", Inc."), 14),
        ((LegalEntity(type="corporation", subtype="b_corporation"), ", PBC"), 4),
        ((LegalEntity(type="llc", subtype=None), " LLC"), 36),
        ((LegalEntity(type="lp", subtype=None), " LP"), 5),
        ((LegalEntity(type="partnership", subtype=None), " Partners"), 4),
        ((LegalEntity(type="non_profit", subtype=None), " Foundation"), 5),
        ((LegalEntity(type="cooperative", subtype=None), " Cooperative"), 2),
    ]
)
_ENTITY_SUFFIXES = ("Services", "Labs", "International", "Holdings", "Ventures", "Retail", "Manufacturing")
# IRS campus prefixes in current use; EINs never start with 00, 07-09, 17-19, 28, 29, 49...
_EIN_PREFIXES = (
    "10", "12", "20", "26", "27", "30", "35", "36", "41", "45", "46", "47", "52", "54", "61",
    "65", "71", "74", "77", "81", "82", "83", "84", "86", "87", "88", "91", "93", "94", "98",
)  # fmt: skip
_BANKS = (
    "JPMorgan Chase Bank",
    "Bank of America",
    "Wells Fargo Bank",
    "U.S. Bank",
    "PNC Bank",
    "Truist Bank",
)


@dataclass(frozen=True, slots=True)
class CompanyProfile:
    company: Company
    entities: tuple[Entity, ...]
    # The metro of each of company.locations, in the same order.
    location_metros: tuple[Metro, ...]
    location_weights: Weighted[int]
    # Index of the location warehouse staff work at (the distribution center when there is one).
    warehouse_location: int
    # Department plans in use: plans[k] is run by the head at index k + 1.
    plans: tuple[DepartmentPlan, ...]
    org_chart: OrgChart
    domain: str
    founded: date
    biweekly_anchor: date
    pay_slots: tuple[Frequency, ...]
    # Consecutive runs of this many indexes belong to one entity, entities taking turns.
    entity_block: int


def build_profile(seed: int, size: int, entity_count: int, today: date, pools: NamePools) -> CompanyProfile:
    rng = stream(seed, Stream.COMPANY)
    legal_form, legal_suffix = _LEGAL_FORMS.draw(rng)
    industry = pick(rng, _INDUSTRY_WORDS)
    domain = f"{ascii_letters(pools.brand)}{industry.lower()}.com"
    heads = min(len(DEPARTMENTS), size - 1, max(2, size.bit_length()))
    plans = tuple(rng.sample(DEPARTMENTS, len(DEPARTMENTS))[:heads])
    locations, metros = _locations(
        rng, pools, len(str(size)), has_warehouse=any(plan.warehouse for plan in plans)
    )
    company = Company(
        source_id=f"co-{mix(seed) % 10**10:010d}",
        legal_name=f"{pools.brand} {industry}{legal_suffix}",
        entity=legal_form,
        ein=f"{pick(rng, _EIN_PREFIXES)}-{rng.randrange(10**7):07d}",
        primary_email=f"payroll@{domain}",
        primary_phone_number=phone_number(rng, metros[0]),
        departments=_departments(plans),
        locations=locations,
        accounts=_accounts(rng),
    )
    slots = [frequency for frequency, count in _SLOT_MIX for _ in range(count)]
    rng.shuffle(slots)
    return CompanyProfile(
        company=company,
        entities=_entities(company.legal_name or pools.brand, pools.brand, entity_count),
        location_metros=metros,
        location_weights=Weighted([(0, len(locations))] + [(k, 1) for k in range(1, len(locations))]),
        warehouse_location=len(locations) - 1,
        plans=plans,
        org_chart=OrgChart(size=size, heads=heads),
        domain=domain,
        founded=today - timedelta(days=int(365.25 * (4 + rng.random() * (6 + 4 * len(str(size)))))),
        biweekly_anchor=date(2000, 1, 7) + timedelta(days=7 * rng.randrange(2)),
        pay_slots=tuple(slots),
        entity_block=max(1, min(PAY_SLOTS, size // entity_count)),
    )


def phone_number(rng: random.Random, metro: Metro) -> str:
    """An E.164 US number in the metro; exchanges never start with 0/1 nor end in 11."""
    exchange = rng.randrange(200, 1000)
    if exchange % 100 == 11:
        exchange += 1
    return f"+1{pick(rng, metro.area_codes)}{exchange}{rng.randrange(10_000):04d}"


def _locations(
    rng: random.Random, pools: NamePools, count: int, *, has_warehouse: bool
) -> tuple[tuple[Location, ...], tuple[Metro, ...]]:
    metros = tuple(rng.sample(METROS, count))
    locations = []
    for number, metro in enumerate(metros):
        city, postal_code = metro.places[0]
        if number == 0:
            name = "Headquarters"
        elif has_warehouse and number == count - 1:
            name = f"{city} Distribution Center"
        else:
            name = f"{city} Office"
        locations.append(
            Location(
                line1=f"{rng.randrange(100, 3000)} {pick(rng, pools.streets)}",
                line2=f"Suite {rng.randrange(1, 40) * 100}" if rng.random() < 0.7 else None,
                city=city,
                state=metro.state,
                postal_code=postal_code,
                country="US",
                name=name,
                source_id=f"loc-{number + 1}",
            )
        )
    return tuple(locations), metros


def _departments(plans: tuple[DepartmentPlan, ...]) -> tuple[Department, ...]:
    departments = [Department(name=EXECUTIVE)]
    for plan in plans:
        departments.append(Department(name=plan.name))
        parent = DepartmentRef(name=plan.name)
        departments.extend(Department(name=team, parent=parent) for team in plan.teams)
    return tuple(departments)


def _accounts(rng: random.Random) -> tuple[BankAccount, ...]:
    bank = pick(rng, _BANKS)
    purposes = (("Operating", "checking"), ("Payroll", "checking"), ("Reserve", "savings"))
    return tuple(
        BankAccount(
            institution_name=bank,
            account_name=f"{purpose} Account",
            account_type="checking" if kind == "checking" else "savings",
            account_number=str(rng.randrange(10**9, 10**12)),
            routing_number=_routing_number(rng),
        )
        for purpose, kind in purposes[: 2 + rng.randrange(2)]
    )


def _routing_number(rng: random.Random) -> str:
    # ABA checksum: 3*(d1+d4+d7) + 7*(d2+d5+d8) + (d3+d6+d9) is a multiple of 10.
    digits = [0, rng.randrange(1, 10)] + [rng.randrange(10) for _ in range(6)]
    weighted = sum(digit * (3, 7, 1)[position % 3] for position, digit in enumerate(digits))
    return "".join(map(str, digits)) + str(-weighted % 10)


def _entities(legal_name: str, brand: str, count: int) -> tuple[Entity, ...]:
    names = [legal_name]
    for number in range(1, count):
        suffix = _ENTITY_SUFFIXES[(number - 1) % len(_ENTITY_SUFFIXES)]
        cycle = (number - 1) // len(_ENTITY_SUFFIXES)
        names.append(f"{brand} {suffix}{f' {cycle + 1}' if cycle else ''} LLC")
    return tuple(Entity(source_id=f"ent-{number + 1}", name=name) for number, name in enumerate(names))
