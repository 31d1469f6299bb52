"""Fault injection for sandbox connections (a Roost addition beside reference §11).

A sandbox provider that always answers is a poor rehearsal for real ones. Each sandbox
connection can be told to answer slowly, to fail a share of its requests with a 5xx, a 429
or a timeout, to have its authentication revoked or its permissions missing, and (Finch's
own ``/sandbox/jobs/configuration``) to end the next sync in a chosen way. The faults are
raised as the typed provider errors every real adapter raises, so the sync engine handles
them exactly as it would handle a real provider's: retries, partial errors, status changes.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import random
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

from roost.providers.contract import (
    AuthenticationRevoked,
    InsufficientPermissions,
    NotSupported,
    ProviderError,
    ProviderReader,
    RateLimited,
    TemporarilyUnavailable,
)
from roost.providers.records import (
    BenefitEnrollment,
    Company,
    CompanyBenefit,
    DirectoryEntry,
    Employment,
    Individual,
    PayGroup,
    Payment,
    PayStatement,
    W4Document,
)

T = TypeVar("T")
# One provider request never waits longer than this, whatever the configuration says.
MAX_LATENCY_MS = 10_000
ErrorType = Literal["server_error", "rate_limit", "timeout"]
ERROR_TYPES: tuple[ErrorType, ...] = ("server_error", "rate_limit", "timeout")


class SimulatedJobError(NotSupported):
    """``completion_status: error``. It derives from NotSupported because that is the
    provider error the sync task ends at once with job status ``error`` (no retries)."""


@dataclass(frozen=True)
class Faults:
    latency_ms: int = 0
    error_rate: float = 0.0
    error_types: tuple[str, ...] = ERROR_TYPES
    retry_after_seconds: float = 1.0
    authentication_revoked: bool = False
    missing_permissions: bool = False
    seed: int | None = None

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Faults:
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        if "error_types" in known:
            known["error_types"] = tuple(known["error_types"])
        return cls(**known)


def completion_error(completion_status: str) -> ProviderError | None:
    """The error that makes a sync end as ``/sandbox/jobs/configuration`` asks."""
    if completion_status == "reauth_error":
        return AuthenticationRevoked("sandbox job configuration: reauth_error")
    if completion_status == "permissions_error":
        return InsufficientPermissions("sandbox job configuration: permissions_error")
    if completion_status == "error":
        return SimulatedJobError("sandbox job configuration: error")
    return None


def _transient(kind: str, faults: Faults) -> ProviderError:
    if kind == "rate_limit":
        return RateLimited("sandbox fault: the provider answered 429", faults.retry_after_seconds)
    if kind == "timeout":
        return TemporarilyUnavailable("sandbox fault: the provider timed out")
    return TemporarilyUnavailable("sandbox fault: the provider answered 503")


class FaultInjectingReader:
    """Wraps a reader; every provider request (a call, or a page) may be delayed or fail."""

    def __init__(
        self,
        inner: ProviderReader,
        faults: Faults,
        completion_status: str = "complete",
        *,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._inner = inner
        self._faults = faults
        self._completion = completion_error(completion_status)
        self._random = random.Random(faults.seed)
        self._sleep = sleep

    async def _request(self) -> None:
        faults = self._faults
        if faults.latency_ms > 0:
            await self._sleep(min(faults.latency_ms, MAX_LATENCY_MS) / 1000)
        if self._completion is not None:
            raise self._completion
        if faults.authentication_revoked:
            raise AuthenticationRevoked("sandbox fault: the provider revoked this authentication")
        if faults.missing_permissions:
            raise InsufficientPermissions("sandbox fault: the account lacks the permissions needed")
        if faults.error_rate > 0 and faults.error_types and self._random.random() < faults.error_rate:
            raise _transient(self._random.choice(faults.error_types), faults)

    async def _pages(self, pages: AsyncIterator[list[T]]) -> AsyncIterator[list[T]]:
        while True:
            await self._request()
            try:
                page = await anext(pages)
            except StopAsyncIteration:
                return
            yield page

    async def company(self) -> Company:
        await self._request()
        return await self._inner.company()

    def directory(self) -> AsyncIterator[list[DirectoryEntry]]:
        return self._pages(self._inner.directory())

    def individuals(self) -> AsyncIterator[list[Individual]]:
        return self._pages(self._inner.individuals())

    def employments(self) -> AsyncIterator[list[Employment]]:
        return self._pages(self._inner.employments())

    def payments(self, start: dt.date, end: dt.date) -> AsyncIterator[list[Payment]]:
        return self._pages(self._inner.payments(start, end))

    def pay_statements(self, payment_source_id: str) -> AsyncIterator[list[PayStatement]]:
        return self._pages(self._inner.pay_statements(payment_source_id))

    async def pay_groups(self) -> list[PayGroup]:
        await self._request()
        return await self._inner.pay_groups()

    async def benefits(self) -> list[CompanyBenefit]:
        await self._request()
        return await self._inner.benefits()

    def enrollments(self, benefit_source_id: str) -> AsyncIterator[list[BenefitEnrollment]]:
        return self._pages(self._inner.enrollments(benefit_source_id))

    def documents(self) -> AsyncIterator[list[W4Document]]:
        return self._pages(self._inner.documents())
