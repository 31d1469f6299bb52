"""Posting a signed delivery to a receiver: a Protocol and its httpx adapter.

The adapter makes exactly one request per call. Retrying is the job queue's business (it
survives restarts and spreads retries over a day), so the HTTP client never retries, never
follows redirects (a receiver that moved must be re-registered), and reads no response body.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

import httpx

from roost import __version__

DELIVERY_TIMEOUT_SECONDS = 10.0
CONNECT_TIMEOUT_SECONDS = 5.0
USER_AGENT = f"Roost-Webhooks/{__version__}"


@dataclass(frozen=True)
class ReceiverReply:
    """What one request achieved: a status code, or the error that prevented one."""

    status_code: int | None
    retry_after: str | None = None
    error: str | None = None

    @property
    def delivered(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


class WebhookTransport(Protocol):
    async def post(self, url: str, body: bytes, headers: Mapping[str, str]) -> ReceiverReply:
        """Send one request; transport failures come back as ``error``, never as exceptions."""
        ...


class HttpxTransport:
    def __init__(self, timeout_seconds: float = DELIVERY_TIMEOUT_SECONDS) -> None:
        self._timeout = httpx.Timeout(timeout_seconds, connect=CONNECT_TIMEOUT_SECONDS)

    async def post(self, url: str, body: bytes, headers: Mapping[str, str]) -> ReceiverReply:
        request_headers = {"User-Agent": USER_AGENT, **headers}
        try:
            # A client per delivery: deliveries go to many hosts, and a pool would have to
            # outlive the event loop of whichever worker created it.
            async with (
                httpx.AsyncClient(timeout=self._timeout, follow_redirects=False) as client,
                client.stream("POST", url, content=body, headers=request_headers) as response,
            ):
                return ReceiverReply(response.status_code, response.headers.get("retry-after"))
        except httpx.TimeoutException as exc:
            return ReceiverReply(None, error=f"timeout: {type(exc).__name__}")
        except (httpx.HTTPError, httpx.InvalidURL) as exc:
            return ReceiverReply(None, error=f"{type(exc).__name__}: {exc}"[:1000])
