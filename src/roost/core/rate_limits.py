"""Per-application, per-product request limits on the ``/employer`` API (``ROOST_RATE_LIMITS``).

Finch limits each application per product (reference §12, ``rate_limit_exceeded_error`` /
``finch_application_rl``). Roost does the same with one token bucket per (application,
product): a bucket holds ``N`` requests and refills at ``N`` per minute, so a client may burst
up to ``N`` and then sustain ``N`` a minute. Every connection of an application draws from the
same buckets.

The buckets live in this process. With several ``roost serve`` processes each keeps its own,
so the effective limit is the process count times ``N``; a shared counter in the database
would put a write on every read request, which the hot path cannot afford.

Credit is counted in integers (request-microseconds) so that the clock, which tests move by
hand, gives exact and repeatable answers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from roost.core.clock import Clock
from roost.core.errors import FinchError
from roost.providers.catalogue import READABLE_PRODUCTS

# The products that gate /employer endpoints (hris/access.py). ``default`` covers every
# product not named.
LIMITED_PRODUCTS: tuple[str, ...] = READABLE_PRODUCTS
DEFAULT_KEY = "default"
_MICROSECONDS_PER_MINUTE = 60_000_000
_MICROSECOND = dt.timedelta(microseconds=1)


def parse_rate_limits(value: object) -> dict[str, int]:
    """``"directory=600,individual=300"`` (or a mapping) as ``{product: requests per minute}``.

    ``default=N`` applies to every product not named; empty means no limits. Raises
    ``ValueError`` with a message that names the bad part, so a wrong setting stops startup.
    """
    if value is None:
        return {}
    if isinstance(value, str):
        pairs: list[tuple[str, object]] = []
        for part in (item.strip() for item in value.split(",")):
            if not part:
                continue
            name, sep, text = part.partition("=")
            if not sep:
                raise ValueError(f"ROOST_RATE_LIMITS: expected product=requests_per_minute, got {part!r}")
            pairs.append((name.strip(), text.strip()))
    elif isinstance(value, Mapping):
        pairs = [(str(key), number) for key, number in value.items()]
    else:
        raise ValueError("ROOST_RATE_LIMITS must be a string such as 'directory=600,individual=300'")
    limits: dict[str, int] = {}
    allowed = (DEFAULT_KEY, *LIMITED_PRODUCTS)
    for product, number in pairs:
        if product not in allowed:
            raise ValueError(
                f"ROOST_RATE_LIMITS: unknown product {product!r}; use one of {', '.join(allowed)}"
            )
        if product in limits:
            raise ValueError(f"ROOST_RATE_LIMITS: {product!r} is given twice")
        limits[product] = _positive_integer(product, number)
    return limits


def _positive_integer(product: str, number: object) -> int:
    try:
        parsed = int(str(number)) if not isinstance(number, bool) else -1
    except ValueError:
        parsed = -1
    if parsed < 1:
        raise ValueError(
            f"ROOST_RATE_LIMITS: {product} must be a whole number of requests per minute, at least 1; "
            f"got {number!r}"
        )
    return parsed


@dataclass(slots=True)
class _Bucket:
    credit: int  # request-microseconds: one request costs a minute's worth
    updated: dt.datetime


class RateLimiter:
    """Token buckets keyed by (application id, product), timed by the runtime's clock."""

    def __init__(self, per_minute: Mapping[str, int], clock: Clock) -> None:
        self._default = per_minute.get(DEFAULT_KEY)
        self._limits = {product: n for product, n in per_minute.items() if product != DEFAULT_KEY}
        self._clock = clock
        self._buckets: dict[tuple[str, str], _Bucket] = {}

    @classmethod
    def from_settings(cls, per_minute: Mapping[str, int], clock: Clock) -> RateLimiter | None:
        """None when no limit is configured, so the request path skips limiting entirely."""
        return cls(per_minute, clock) if per_minute else None

    def limit_for(self, product: str) -> int | None:
        return self._limits.get(product, self._default)

    def check(self, application_id: str, product: str) -> None:
        """Take one request from the bucket, or raise Finch's 429 with ``Retry-After``."""
        limit = self.limit_for(product)
        if limit is None:
            return
        now = self._clock.now()
        capacity = limit * _MICROSECONDS_PER_MINUTE
        bucket = self._buckets.get((application_id, product))
        if bucket is None:
            bucket = self._buckets[(application_id, product)] = _Bucket(capacity, now)
        else:
            # A clock that steps back refills nothing rather than draining the bucket.
            elapsed = max(0, (now - bucket.updated) // _MICROSECOND)
            bucket.credit = min(capacity, bucket.credit + elapsed * limit)
            bucket.updated = now
        if bucket.credit >= _MICROSECONDS_PER_MINUTE:
            bucket.credit -= _MICROSECONDS_PER_MINUTE
            return
        wait_microseconds = -(-(_MICROSECONDS_PER_MINUTE - bucket.credit) // limit)
        raise rate_limit_exceeded(product, limit, wait_microseconds)


def rate_limit_exceeded(product: str, limit: int, wait_microseconds: int) -> FinchError:
    seconds = max(1, -(-wait_microseconds // 1_000_000))
    return FinchError(
        429,
        "rate_limit_exceeded_error",
        f"Rate limit exceeded: {limit} requests per minute for the {product} product; "
        f"retry after {seconds} s",
        finch_code="finch_application_rl",
        # Retry-After is whole seconds (RFC 9110 §10.2.3); the official SDKs prefer the more
        # precise retry-after-ms when present.
        headers={"Retry-After": str(seconds), "retry-after-ms": str(max(1, -(-wait_microseconds // 1000)))},
    )
