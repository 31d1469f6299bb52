"""When a failed delivery is tried again, and when Roost stops trying.

Retries continue for at least :data:`RETRY_WINDOW` after a delivery (or redelivery) starts;
the last attempt happens at the end of the window, then the delivery is ``failed`` and can be
redelivered by hand.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import random

RETRY_WINDOW = dt.timedelta(hours=24)
BASE_DELAY_SECONDS = 15.0
MAX_DELAY_SECONDS = 3600.0
# The job's attempt limit is only a backstop: the window decides. Delays reach half of
# MAX_DELAY_SECONDS within ten attempts, so 24 h needs well under a hundred.
MAX_ATTEMPTS = 200


def backoff_seconds(attempt: int, rng: random.Random | None = None) -> float:
    """Exponential backoff with "equal jitter" after the ``attempt``-th failure (1-based).

    Half the delay is fixed and half random (AWS Architecture Blog, "Exponential Backoff and
    Jitter"): the randomness spreads receivers' recoveries, and the fixed half keeps a
    struggling receiver from being retried almost at once, which full jitter allows.
    """
    doublings = min(max(attempt - 1, 0), 32)  # beyond this the cap applies anyway
    ceiling = min(MAX_DELAY_SECONDS, BASE_DELAY_SECONDS * 2.0**doublings)
    return ceiling / 2 + (rng or random).uniform(0, ceiling / 2)


def parse_retry_after(value: str | None, now: dt.datetime) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (RFC 9110 §10.2.3), or None.

    The header is either ``delay-seconds`` or an ``HTTP-date``; a date in the past means now.
    """
    if value is None or not value.strip():
        return None
    text = value.strip()
    if text.isdigit():
        return float(text)
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:  # RFC 9110 §5.6.7: HTTP-dates are always GMT
        when = when.replace(tzinfo=dt.UTC)
    return max((when - now).total_seconds(), 0.0)


def next_attempt_at(
    now: dt.datetime, window_started_at: dt.datetime, attempt: int, retry_after: float | None
) -> dt.datetime | None:
    """When to try again after the ``attempt``-th failure, or None once the window is over.

    A receiver's ``Retry-After`` is a floor, never a reason to retry sooner than the backoff:
    a receiver answering ``Retry-After: 1`` for a day must not get 86,400 requests.
    """
    deadline = window_started_at + RETRY_WINDOW
    if now >= deadline:
        return None
    delay = max(backoff_seconds(attempt), retry_after or 0.0)
    return min(now + dt.timedelta(seconds=delay), deadline)
