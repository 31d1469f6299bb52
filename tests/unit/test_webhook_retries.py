"""The retry schedule of webhook deliveries: backoff, Retry-After, and the 24-hour window."""

from __future__ import annotations

import datetime as dt
import email.utils
import random

import pytest

from roost.webhooks.retries import (
    BASE_DELAY_SECONDS,
    MAX_ATTEMPTS,
    MAX_DELAY_SECONDS,
    RETRY_WINDOW,
    backoff_seconds,
    next_attempt_at,
    parse_retry_after,
)

NOW = dt.datetime(2026, 1, 1, 12, tzinfo=dt.UTC)


@pytest.mark.parametrize("attempt", [1, 2, 3, 8, 20, 500])
def test_backoff_doubles_with_jitter_in_the_upper_half_and_is_capped(attempt: int) -> None:
    ceiling = min(MAX_DELAY_SECONDS, BASE_DELAY_SECONDS * 2 ** (attempt - 1))
    delays = [backoff_seconds(attempt, random.Random(seed)) for seed in range(50)]
    assert all(ceiling / 2 <= delay <= ceiling for delay in delays)
    assert len(set(delays)) > 1


def test_retry_after_is_read_as_seconds_or_an_http_date() -> None:
    assert parse_retry_after("120", NOW) == 120.0
    later = email.utils.format_datetime(NOW + dt.timedelta(minutes=5), usegmt=True)
    assert parse_retry_after(later, NOW) == 300.0
    earlier = email.utils.format_datetime(NOW - dt.timedelta(minutes=5), usegmt=True)
    assert parse_retry_after(earlier, NOW) == 0.0
    assert parse_retry_after(None, NOW) is None
    assert parse_retry_after("soon", NOW) is None
    assert parse_retry_after("-5", NOW) is None


def test_retry_after_is_a_floor_not_a_shortcut() -> None:
    far = next_attempt_at(NOW, NOW, 1, 3600.0)
    assert far == NOW + dt.timedelta(hours=1)
    near = next_attempt_at(NOW, NOW, 10, 1.0)
    assert near is not None and near - NOW >= dt.timedelta(seconds=MAX_DELAY_SECONDS / 2)


def test_the_last_retry_lands_on_the_end_of_the_window_then_retries_stop() -> None:
    started = NOW - RETRY_WINDOW + dt.timedelta(minutes=1)
    assert next_attempt_at(NOW, started, 30, None) == started + RETRY_WINDOW
    assert next_attempt_at(started + RETRY_WINDOW, started, 31, None) is None


def test_failing_every_time_spans_the_window_within_the_attempt_limit() -> None:
    now, attempt = NOW, 1
    while (retry := next_attempt_at(now, NOW, attempt, None)) is not None:
        now, attempt = retry, attempt + 1
    assert now - NOW == RETRY_WINDOW
    assert attempt < MAX_ATTEMPTS / 2
