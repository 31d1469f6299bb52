"""Workers: claim due jobs, run their handlers, keep leases alive, shut down gracefully.

``roost serve`` runs one inside the server's event loop (embedded mode); ``roost worker``
runs them alone (production). Many workers may share one database.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import traceback
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from roost.core.logging import get_logger
from roost.core.runtime import Runtime
from roost.jobs import queue
from roost.jobs.queue import ClaimedJob

log = get_logger(__name__)

Handler = Callable[[Runtime, ClaimedJob], Awaitable[dict[str, Any] | None]]


class RetryLater(Exception):
    """A handler's way to ask for a retry at a given time (e.g. a provider's Retry-After)."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class GiveUp(Exception):
    """A failure retrying cannot fix; ``result`` is stored on the failed job."""

    def __init__(self, message: str, result: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.result = result


class Worker:
    def __init__(
        self,
        runtime: Runtime,
        handlers: Mapping[str, Handler],
        *,
        concurrency: int = 4,
        poll_interval: float = 0.5,
        lease_seconds: float = 60.0,
        worker_id: str | None = None,
        periodic: Callable[[Runtime], Awaitable[object]] | None = None,
        periodic_every: float = 60.0,
        application_ids: tuple[str, ...] | None = None,
    ) -> None:
        self.runtime = runtime
        self.handlers = dict(handlers)
        self.concurrency = concurrency
        self.poll_interval = poll_interval
        self.lease_seconds = lease_seconds
        self.worker_id = worker_id or f"{socket.gethostname()}:{os.getpid()}:{id(self):x}"
        self.application_ids = application_ids
        self._periodic = periodic
        self._periodic_every = periodic_every
        self._wake = asyncio.Event()
        self._running: dict[str, asyncio.Task[None]] = {}

    def notify(self) -> None:
        """Work was enqueued in this process: look now instead of at the next poll."""
        self._wake.set()

    async def run(self, stop: asyncio.Event, *, shutdown_grace: float = 10.0) -> None:
        log.info("worker_started", worker_id=self.worker_id, concurrency=self.concurrency)
        next_periodic = 0.0
        loop = asyncio.get_running_loop()
        try:
            while not stop.is_set():
                if self._periodic is not None and loop.time() >= next_periodic:
                    next_periodic = loop.time() + self._periodic_every
                    await self._run_periodic()
                await self.run_once()
                self._wake.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(_first(stop.wait(), self._wake.wait()), self.poll_interval)
        finally:
            await self._shutdown(shutdown_grace)
            log.info("worker_stopped", worker_id=self.worker_id)

    async def _run_periodic(self) -> None:
        assert self._periodic is not None
        try:
            await self._periodic(self.runtime)
        except Exception as exc:  # a scheduler hiccup must not stop the worker
            log.warning("periodic_task_failed", error_type=type(exc).__name__)

    async def run_once(self) -> int:
        """Claim what fits in the free slots and start it; the number of jobs started."""
        free = self.concurrency - len(self._running)
        if free <= 0:
            return 0
        jobs = await queue.claim(
            self.runtime, self.worker_id, free, self.lease_seconds, tuple(self.handlers), self.application_ids
        )
        for job in jobs:
            self._running[job.id] = asyncio.create_task(self._execute(job))
        return len(jobs)

    async def drain(self) -> None:
        """Run until no job is due (tests and one-shot commands)."""
        while await self.run_once() or self._running:
            if self._running:
                await asyncio.wait(list(self._running.values()), return_when=asyncio.FIRST_COMPLETED)

    async def _execute(self, job: ClaimedJob) -> None:
        heartbeat = asyncio.create_task(self._heartbeat(job))
        try:
            result = await self.handlers[job.kind](self.runtime, job)
            await queue.finish(self.runtime, job, self.worker_id, result)
        except RetryLater as exc:
            await queue.fail(self.runtime, job, self.worker_id, str(exc), retry_after=exc.retry_after)
        except GiveUp as exc:
            await queue.fail(self.runtime, job, self.worker_id, str(exc), final=True, result=exc.result)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # a bug or an outage: retried with backoff, then failed
            log.warning(
                "job_failed",
                job_id=job.id,
                kind=job.kind,
                attempt=job.attempts,
                error_type=type(exc).__name__,
            )
            await queue.fail(self.runtime, job, self.worker_id, "".join(traceback.format_exception_only(exc)))
        finally:
            heartbeat.cancel()
            self._running.pop(job.id, None)
            self._wake.set()

    async def _heartbeat(self, job: ClaimedJob) -> None:
        while True:
            await asyncio.sleep(self.lease_seconds / 3)
            if not await queue.extend_lease(self.runtime, job.id, self.worker_id, self.lease_seconds):
                return

    async def _shutdown(self, grace: float) -> None:
        if not self._running:
            return
        tasks = list(self._running.values())
        _done, pending = await asyncio.wait(tasks, timeout=grace)
        unfinished = [job_id for job_id, task in self._running.items() if task in pending]
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
        # Unfinished jobs go back to the queue at once instead of waiting for their lease.
        await queue.release(self.runtime, unfinished, self.worker_id)


async def _first(*awaitables: Awaitable[Any]) -> None:
    tasks = [asyncio.ensure_future(a) for a in awaitables]
    try:
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in tasks:
            task.cancel()
