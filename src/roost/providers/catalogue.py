"""The provider catalogue: what each HR/payroll provider offers, as ``GET /providers`` shows it.

The catalogue is generated from the adapter registry (:mod:`roost.providers.registry`): each
real adapter declares its own definition, and the providers only the Finch-mode sandbox
serves come from :mod:`roost.providers.definitions`. It indexes them and answers the
questions the rest of Roost asks (does this provider exist, which auth methods does it have,
which products does it support).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

AuthMethodType = Literal["assisted", "credential", "api_token", "api_credential", "oauth"]
AUTH_METHOD_TYPES: tuple[AuthMethodType, ...] = (
    "assisted",
    "credential",
    "api_token",
    "api_credential",
    "oauth",
)

# reference/finch-api.md §3: the product enum of POST /connect/sessions.
PRODUCTS: tuple[str, ...] = (
    "benefits",
    "company",
    "deduction",
    "directory",
    "documents",
    "employment",
    "individual",
    "payment",
    "pay_statement",
    "plans",
    "plans_dependents",
    "plans_enrollments",
    "recordkeeping",
    "ssn",
)
# The products with a read behind them, each gating /employer endpoints (``ssn`` rides on
# ``individual``; ``deduction`` is the old name of ``benefits``; the plan products have no
# endpoints in Finch's API yet).
READABLE_PRODUCTS: tuple[str, ...] = (
    "company",
    "directory",
    "individual",
    "employment",
    "payment",
    "pay_statement",
    "benefits",
    "documents",
)


@dataclass(frozen=True)
class AuthMethodDefinition:
    type: AuthMethodType
    # Fields of each product this method can read (a boolean tree, Finch's `supported_fields`).
    supported_fields: Mapping[str, Any] | None = None
    # Benefit types and operations this method supports (Finch's `benefits_support`).
    benefits_support: Mapping[str, Any] | None = None
    # Short instructions shown on the Connect screen for this method (where to find a token,
    # whom to invite for assisted setup).
    instructions: str | None = None


@dataclass(frozen=True)
class ProviderDefinition:
    id: str
    display_name: str
    products: tuple[str, ...]
    authentication_methods: tuple[AuthMethodDefinition, ...]
    primary_color: str | None = None
    icon: str | None = None
    logo: str | None = None
    mfa_required: bool = False
    beta: bool = False
    # Words the picker's search also matches (e.g. "ADP" for "RUN Powered by ADP").
    aliases: tuple[str, ...] = field(default_factory=tuple)

    @property
    def manual(self) -> bool:
        """Deprecated Finch flag: true when the only way in is assisted setup."""
        return all(method.type == "assisted" for method in self.authentication_methods)

    @property
    def automated(self) -> bool:
        return any(method.type != "assisted" for method in self.authentication_methods)

    def method(self, method_type: str) -> AuthMethodDefinition | None:
        for method in self.authentication_methods:
            if method.type == method_type:
                return method
        return None

    def supports_products(self, products: Iterable[str]) -> bool:
        # `ssn` rides on `individual`; `deduction` is the old name of `benefits`.
        offered = set(self.products) | {"ssn"} if "individual" in self.products else set(self.products)
        wanted = {"benefits" if p == "deduction" else p for p in products}
        return wanted <= offered


class ProviderCatalogue:
    """An immutable, ordered index of provider definitions."""

    def __init__(self, definitions: Iterable[ProviderDefinition]) -> None:
        self._by_id: dict[str, ProviderDefinition] = {}
        for definition in definitions:
            if definition.id in self._by_id:
                raise ValueError(f"duplicate provider id {definition.id!r}")
            self._by_id[definition.id] = definition

    def __iter__(self) -> Iterator[ProviderDefinition]:
        return iter(self._by_id.values())

    def __len__(self) -> int:
        return len(self._by_id)

    def get(self, provider_id: str) -> ProviderDefinition | None:
        return self._by_id.get(provider_id)
