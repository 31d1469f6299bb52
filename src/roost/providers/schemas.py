"""Wire shape of ``GET /providers`` (reference/finch-api.md §7)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel


class AuthenticationMethodOut(BaseModel):
    type: str
    benefits_support: dict[str, Any] | None
    supported_fields: dict[str, Any] | None


class ProviderOut(BaseModel):
    id: str
    display_name: str
    products: list[str]
    authentication_methods: list[AuthenticationMethodOut]
    beta: bool
    icon: str
    logo: str
    mfa_required: bool
    primary_color: str | None
    manual: bool
