"""Fewer garbage collections while a bulk job runs.

A sync allocates millions of short-lived containers (records, bodies, rows) that reference
counting frees at once, and almost no reference cycles. CPython's collector still counts
every allocation and, every 700 of them, scans the young objects, and now and then every
object in the process: with a sandbox company's caches alive that full scan is the biggest
single cost after SQLite (1.5-2 s of a 10,000-employee initial sync, ``bench/sync.py``).
While at least one bulk job runs, collections are made rarer; the thresholds come back when
the last one ends. Cyclic garbage is still collected, only in larger batches.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator

# A young collection every 50,000 allocations instead of 700; a full one after 100 older
# collections instead of 10.
BULK_THRESHOLDS = (50_000, 20, 100)

_running = 0
_saved: tuple[int, int, int] | None = None


@contextlib.contextmanager
def bulk_allocations() -> Iterator[None]:
    """Raise the collector's thresholds for the duration (nested and concurrent uses count)."""
    global _running, _saved
    if _running == 0:
        _saved = gc.get_threshold()
        gc.set_threshold(*BULK_THRESHOLDS)
    _running += 1
    try:
        yield
    finally:
        _running -= 1
        if _running == 0 and _saved is not None:
            gc.set_threshold(*_saved)
            _saved = None
