"""Page streams shared by provider readers.

A :class:`~roost.providers.contract.ProviderReader` hands data out as an async stream of pages.
Some providers give everything in one response (BambooHR's custom report) or generate it
(the Finch-mode sandbox); :func:`in_pages` cuts those into pages. A read a provider cannot
serve at all is a stream that fails on first use: :func:`unsupported_pages`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from typing import Any, TypeVar

from roost.providers.contract import NotSupported

T = TypeVar("T")


async def in_pages(items: Iterable[T], size: int) -> AsyncIterator[list[T]]:
    """``items`` in lists of ``size`` (the last may be shorter); nothing for no items."""
    page: list[T] = []
    for item in items:
        page.append(item)
        if len(page) >= size:
            yield page
            page = []
    if page:
        yield page


async def unsupported_pages(message: str) -> AsyncIterator[list[Any]]:
    """A page stream that raises :class:`NotSupported` with ``message`` when first read."""
    raise NotSupported(message)
    yield []  # makes this an async generator; never reached
