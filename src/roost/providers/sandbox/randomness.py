"""Deterministic randomness keyed by integers.

Python salts ``hash()`` of ``str`` per process, so every stream here is keyed by a
SplitMix64 fold of integers instead: equal keys give equal streams in every process.
"""

from __future__ import annotations

import random
from bisect import bisect
from collections.abc import Sequence
from itertools import accumulate
from typing import Generic, TypeVar

__all__ = ["Stream", "Weighted", "mix", "pick", "stream"]

T = TypeVar("T")

_MASK64 = (1 << 64) - 1
_GOLDEN_GAMMA = 0x9E3779B97F4A7C15


class Stream:
    """Purposes of the streams one seed feeds, so no two purposes share a stream."""

    COMPANY = 1
    EMPLOYEE = 2
    OVERTIME = 3


def mix(*parts: int) -> int:
    """A 64-bit SplitMix64 fold of ``parts`` (each taken modulo 2**64)."""
    state = _GOLDEN_GAMMA
    for part in parts:
        z = ((state ^ (part & _MASK64)) + _GOLDEN_GAMMA) & _MASK64
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK64
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK64
        state = z ^ (z >> 31)
    return state


def stream(*parts: int) -> random.Random:
    """A ``random.Random`` seeded by the mix of ``parts``."""
    return random.Random(mix(*parts))


def pick(rng: random.Random, options: Sequence[T]) -> T:
    """A uniform choice; cheaper than ``Random.choice``, which this hot path calls a lot."""
    return options[int(rng.random() * len(options))]


class Weighted(Generic[T]):
    """A fixed table of options with relative weights, sampled by bisection."""

    __slots__ = ("_cumulative", "_options", "_total")

    def __init__(self, table: Sequence[tuple[T, float]]) -> None:
        self._options = tuple(option for option, _ in table)
        self._cumulative = tuple(accumulate(weight for _, weight in table))
        self._total = self._cumulative[-1]

    def draw(self, rng: random.Random) -> T:
        return self._options[bisect(self._cumulative, rng.random() * self._total)]
