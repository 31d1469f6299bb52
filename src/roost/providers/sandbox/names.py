"""Pools of names and streets, built with Faker once per company seed.

Calling Faker for every employee is far too slow for 100,000 of them, so each company
draws small pools once and employees pick from them with their own ``random.Random``.
"""

from __future__ import annotations

import functools
import random
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

from faker import Faker

from roost.providers.records import Gender
from roost.providers.sandbox.randomness import Weighted, pick

__all__ = ["NICKNAMES", "NamePools", "Names", "ascii_letters", "build_pools", "draw_names"]

_FIRST_NAMES = 220
_LAST_NAMES = 400
_STREETS = 160

NICKNAMES: dict[str, str] = {
    "Alexander": "Alex",
    "Andrew": "Drew",
    "Anthony": "Tony",
    "Benjamin": "Ben",
    "Christopher": "Chris",
    "Daniel": "Dan",
    "Elizabeth": "Liz",
    "Jennifer": "Jen",
    "Jonathan": "Jon",
    "Joseph": "Joe",
    "Katherine": "Kate",
    "Kimberly": "Kim",
    "Matthew": "Matt",
    "Michael": "Mike",
    "Nicholas": "Nick",
    "Patricia": "Trish",
    "Rebecca": "Becky",
    "Richard": "Rick",
    "Robert": "Bob",
    "Samantha": "Sam",
    "Stephanie": "Steph",
    "Thomas": "Tom",
    "Victoria": "Tori",
    "William": "Will",
}


@dataclass(frozen=True, slots=True)
class NamePools:
    female_first_names: tuple[str, ...]
    male_first_names: tuple[str, ...]
    last_names: tuple[str, ...]
    streets: tuple[str, ...]
    brand: str


_GENDERS: Weighted[Gender] = Weighted([("female", 48), ("male", 48), ("other", 1), ("decline_to_specify", 3)])


class Names(NamedTuple):
    gender: Gender
    first: str
    middle: str | None
    last: str
    preferred: str | None


@functools.lru_cache(maxsize=32)
def build_pools(seed: int) -> NamePools:
    """The pools of the company seeded by ``seed``; the same seed always gives the same pools."""
    faker = Faker("en_US")
    faker.seed_instance(seed)
    return NamePools(
        female_first_names=_distinct(faker.first_name_female, _FIRST_NAMES),
        male_first_names=_distinct(faker.first_name_male, _FIRST_NAMES),
        last_names=_distinct(faker.last_name, _LAST_NAMES),
        streets=_distinct(faker.street_name, _STREETS),
        brand=faker.last_name(),
    )


def draw_names(rng: random.Random, pools: NamePools) -> Names:
    gender = _GENDERS.draw(rng)
    if gender == "female" or (gender != "male" and rng.random() < 0.5):
        pool = pools.female_first_names
    else:
        pool = pools.male_first_names
    first_at = int(rng.random() * len(pool))
    # A middle name is any name of the pool but the first name.
    middle_at = (first_at + 1 + int(rng.random() * (len(pool) - 1))) % len(pool)
    middle = pool[middle_at] if rng.random() < 0.55 else None
    first = pool[first_at]
    nickname = NICKNAMES.get(first)
    preferred = nickname if nickname is not None and rng.random() < 0.4 else None
    return Names(gender, first, middle, pick(rng, pools.last_names), preferred)


def ascii_letters(text: str) -> str:
    """``text`` lower-cased with everything but a-z dropped, for e-mail addresses and domains."""
    return re.sub(r"[^a-z]", "", text.lower())


def _distinct(draw: Callable[[], str], count: int) -> tuple[str, ...]:
    # Faker's weighted draws repeat common names; keep first-seen order so pools are stable.
    seen: dict[str, None] = {}
    for _ in range(count * 20):
        seen.setdefault(draw(), None)
        if len(seen) == count:
            break
    return tuple(seen)
