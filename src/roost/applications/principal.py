"""The authenticated application, as request handlers see it: a small immutable value."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ApplicationPrincipal:
    id: str
    client_id: str
    name: str
    type: str
    redirect_uris: tuple[str, ...]
    origins: tuple[str, ...]
