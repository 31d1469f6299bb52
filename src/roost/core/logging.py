"""Structured logging (structlog). Log lines carry ids and outcomes, never secrets."""

from __future__ import annotations

import logging
import sys
from collections.abc import MutableMapping
from typing import Any

import structlog

# Keys whose values must never reach a log line, whatever the caller passes.
_SECRET_KEYS = frozenset(
    {
        "client_secret",
        "password",
        "access_token",
        "code",
        "token",
        "authorization",
        "api_token",
        "secret",
        "ssn",
        "mfa_code",
        "refresh_token",
    }
)


def _redact(_logger: Any, _method: str, event: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    for key in list(event):
        if key.lower() in _SECRET_KEYS:
            event[key] = "[redacted]"
    return event


# The configured threshold, for callers that can skip building a line nobody will see.
_threshold = logging.INFO


def enabled(level: int) -> bool:
    return level >= _threshold


def configure_logging(level: str = "INFO", *, json: bool = True) -> None:
    global _threshold
    _threshold = logging.getLevelName(level.upper())
    renderer: Any = structlog.processors.JSONRenderer() if json else structlog.dev.ConsoleRenderer()
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            _redact,
            structlog.processors.format_exc_info,
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(_threshold),
        logger_factory=structlog.PrintLoggerFactory(file=sys.stderr),
        cache_logger_on_first_use=False,
    )


def get_logger(name: str) -> Any:
    return structlog.get_logger(name)
