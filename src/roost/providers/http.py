"""Outbound HTTP to provider APIs: one pooled ``httpx.AsyncClient`` per provider.

Every adapter sends through a :class:`ProviderHttpClient`, which adds what each of them would
otherwise reimplement: timeouts and connection limits, a per-provider token-bucket rate limit
(so one busy sync cannot exhaust a provider's quota for every other connection), bounded
retries with jittered exponential backoff (``stamina``) for the two errors worth retrying —
:class:`TemporarilyUnavailable` and :class:`RateLimited` — and the translation of transport
failures into :class:`TemporarilyUnavailable`.

What a status code *means* differs per provider (Gusto puts errors in a JSON body, BambooHR
in a header), so each adapter passes its own ``classify`` callback; :func:`classify_status`
is the common default they build on.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import httpx
import stamina

from roost.providers.contract import (
    AuthenticationRevoked,
    InsufficientPermissions,
    ProviderError,
    RateLimited,
    TemporarilyUnavailable,
)

__all__ = [
    "ErrorClassifier",
    "OutboundPolicy",
    "ProviderHttpClient",
    "ProviderHttpClients",
    "TokenBucket",
    "classify_status",
    "retry_after_seconds",
]

ErrorClassifier = Callable[[httpx.Response], ProviderError | None]


@dataclass(frozen=True)
class OutboundPolicy:
    """Limits for one provider's outbound traffic."""

    timeout_seconds: float = 30.0
    connect_timeout_seconds: float = 10.0
    max_connections: int = 20
    max_keepalive_connections: int = 10
    # Retries of TemporarilyUnavailable / RateLimited: attempts in all, and the longest wait.
    attempts: int = 4
    retry_timeout_seconds: float = 90.0
    wait_initial_seconds: float = 0.5
    wait_max_seconds: float = 30.0
    # Token bucket: sustained requests per second and the burst allowed above it.
    requests_per_second: float = 5.0
    burst: int = 20


class TokenBucket:
    """A token bucket (refilled continuously) shared by every request to one provider."""

    def __init__(self, rate: float, capacity: int, monotonic: Callable[[], float] = time.monotonic) -> None:
        if rate <= 0 or capacity < 1:
            raise ValueError("rate must be positive and capacity at least 1")
        self._rate = rate
        self._capacity = float(capacity)
        self._tokens = float(capacity)
        self._monotonic = monotonic
        self._updated = monotonic()
        self._lock = asyncio.Lock()

    async def acquire(self) -> None:
        # The lock queues waiters in arrival order, so a burst drains fairly.
        async with self._lock:
            while True:
                now = self._monotonic()
                self._tokens = min(self._capacity, self._tokens + (now - self._updated) * self._rate)
                self._updated = now
                if self._tokens >= 1:
                    self._tokens -= 1
                    return
                await asyncio.sleep((1 - self._tokens) / self._rate)


def retry_after_seconds(response: httpx.Response) -> float | None:
    """``Retry-After`` in seconds (RFC 9110 §10.2.3); the HTTP-date form is read as unknown."""
    value = response.headers.get("retry-after")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return None


def classify_status(response: httpx.Response, message: str | None = None) -> ProviderError | None:
    """The typed error most providers mean by this status, or None for a success."""
    status = response.status_code
    if status < 400:
        return None
    text = message or f"{response.request.method} {response.request.url.path} returned {status}"
    if status == 401:
        return AuthenticationRevoked(text)
    if status == 403:
        return InsufficientPermissions(text)
    if status == 429:
        return RateLimited(text, retry_after_seconds(response))
    if status >= 500:
        return TemporarilyUnavailable(text)
    return ProviderError(text)


class ProviderHttpClient:
    """One provider's pooled client; safe to share across concurrent requests of one event loop."""

    def __init__(
        self,
        provider_id: str,
        policy: OutboundPolicy | None = None,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.provider_id = provider_id
        self.policy = policy or OutboundPolicy()
        self._bucket = TokenBucket(self.policy.requests_per_second, self.policy.burst)
        self._client = httpx.AsyncClient(
            timeout=httpx.Timeout(self.policy.timeout_seconds, connect=self.policy.connect_timeout_seconds),
            limits=httpx.Limits(
                max_connections=self.policy.max_connections,
                max_keepalive_connections=self.policy.max_keepalive_connections,
            ),
            transport=transport,
            follow_redirects=False,
        )

    async def send(
        self,
        method: str,
        url: str,
        *,
        classify: ErrorClassifier = classify_status,
        headers: Mapping[str, str] | None = None,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        data: Mapping[str, str] | None = None,
        auth: tuple[str, str] | None = None,
    ) -> httpx.Response:
        """Send with retries; a response ``classify`` rejects raises its typed error."""
        policy = self.policy
        async for attempt in stamina.retry_context(
            on=self._backoff,
            attempts=policy.attempts,
            timeout=policy.retry_timeout_seconds,
            wait_initial=policy.wait_initial_seconds,
            wait_max=policy.wait_max_seconds,
        ):
            with attempt:
                return await self._send_once(
                    method, url, classify, headers=headers, params=params, json=json, data=data, auth=auth
                )
        raise AssertionError("stamina.retry_context always yields an attempt")  # pragma: no cover

    async def _send_once(
        self, method: str, url: str, classify: ErrorClassifier, **options: Any
    ) -> httpx.Response:
        await self._bucket.acquire()
        try:
            response = await self._client.request(method, url, **options)
        except httpx.TransportError as error:  # timeouts, refused and dropped connections
            raise TemporarilyUnavailable(f"{self.provider_id} unreachable: {error!r}") from error
        rejected = classify(response)
        if rejected is not None:
            raise rejected
        return response

    def _backoff(self, error: Exception) -> bool | float:
        if isinstance(error, RateLimited):
            # Honour the provider's Retry-After, but never wait longer than the policy allows.
            if error.retry_after is None:
                return True
            return min(error.retry_after, self.policy.wait_max_seconds)
        return isinstance(error, TemporarilyUnavailable)

    async def aclose(self) -> None:
        await self._client.aclose()


class ProviderHttpClients:
    """The factory: one client per provider id, created on first use, closed together."""

    def __init__(
        self,
        default: OutboundPolicy | None = None,
        policies: Mapping[str, OutboundPolicy] | None = None,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._default = default or OutboundPolicy()
        self._policies = dict(policies or {})
        self._transport = transport
        self._clients: dict[str, ProviderHttpClient] = {}

    def for_provider(self, provider_id: str) -> ProviderHttpClient:
        client = self._clients.get(provider_id)
        if client is None:
            policy = self._policies.get(provider_id, self._default)
            client = ProviderHttpClient(provider_id, policy, transport=self._transport)
            self._clients[provider_id] = client
        return client

    async def aclose(self) -> None:
        clients, self._clients = list(self._clients.values()), {}
        for client in clients:
            await client.aclose()
