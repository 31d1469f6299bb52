"""The adapter contract: what every provider integration implements (DESIGN.md §3).

Authentication is a small state machine driven by Roost Connect:

    login / exchange_code ──> AuthSucceeded
                         ├──> MfaRequired ──submit_mfa──> (any of these again)
                         ├──> EntitySelectionRequired ──select_entities──> AuthSucceeded
                         └──> AuthFailed

``pending`` dictionaries carry whatever an adapter needs between steps (a provider's MFA
ticket, the accounts it listed). Roost stores them encrypted on the Connect session and hands
them back unchanged, so adapters stay stateless.

Reads stream pages of :mod:`roost.providers.records`; the sync engine consumes them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from roost.providers.catalogue import ProviderDefinition
from roost.providers.records import (
    BenefitEnrollment,
    Company,
    CompanyBenefit,
    DirectoryEntry,
    Employment,
    Entity,
    Individual,
    PayGroup,
    Payment,
    PayStatement,
    W4Document,
)


@dataclass(frozen=True)
class ProviderAccount:
    """What a successful authentication yields; stored encrypted (DESIGN.md §4)."""

    credentials: Mapping[str, Any]
    entities: tuple[Entity, ...]
    # The provider-side id of the company or account, when it has one.
    external_id: str | None = None
    username: str | None = None


@dataclass(frozen=True)
class AuthSucceeded:
    account: ProviderAccount


@dataclass(frozen=True)
class MfaRequired:
    message: str
    pending: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class EntitySelectionRequired:
    entities: tuple[Entity, ...]
    pending: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class AuthFailed:
    message: str
    # False when retrying the same method cannot help (the account has no API access...).
    retryable: bool = True


AuthStep = AuthSucceeded | MfaRequired | EntitySelectionRequired | AuthFailed


# Typed provider errors (issue "Providers"): the sync engine and /forward map them to
# connection statuses and Finch error bodies.
class ProviderError(Exception):
    """Base class of every error an adapter raises on purpose."""


class AuthenticationRevoked(ProviderError):
    """The provider no longer accepts the stored credentials: connection -> ``reauth``."""


class InsufficientPermissions(ProviderError):
    """The account lacks access to this data: connection -> ``error_permissions``."""


class RateLimited(ProviderError):
    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class TemporarilyUnavailable(ProviderError):
    """A 5xx, a timeout or a dropped connection: worth retrying later."""


class NotSupported(ProviderError):
    """This provider cannot serve this data at all: ``501 not_implemented_error``."""


class ProviderReader(Protocol):
    """Streaming reads for one authenticated account (and one entity of it)."""

    async def company(self) -> Company: ...

    def directory(self) -> AsyncIterator[list[DirectoryEntry]]: ...

    def individuals(self) -> AsyncIterator[list[Individual]]: ...

    def employments(self) -> AsyncIterator[list[Employment]]: ...

    def payments(self, start: dt.date, end: dt.date) -> AsyncIterator[list[Payment]]: ...

    def pay_statements(self, payment_source_id: str) -> AsyncIterator[list[PayStatement]]: ...

    async def pay_groups(self) -> list[PayGroup]: ...

    async def benefits(self) -> list[CompanyBenefit]: ...

    def enrollments(self, benefit_source_id: str) -> AsyncIterator[list[BenefitEnrollment]]: ...

    def documents(self) -> AsyncIterator[list[W4Document]]: ...


@dataclass(frozen=True)
class WriteOutcome:
    """What the provider made of one item of a benefit write (the benefit, or one person).

    ``code`` is HTTP-like (200 done, 404 unknown individual...); Finch's manual job body
    reports it per item (reference §9 ``ManualAsyncJob``).
    """

    code: int
    message: str
    # Finch's error category and detail when ``code`` is not 200 (reference §12).
    name: str | None = None
    finch_code: str | None = None

    @property
    def ok(self) -> bool:
        return self.code == 200


class BenefitWriter(Protocol):
    """Benefit writes for one authenticated account (reference §8 "Benefits", Finch's
    async deductions API). Kept apart from :class:`ProviderReader` on purpose: reads are what
    every adapter does, writes are what few providers allow, and an adapter that cannot write
    says so by raising :class:`NotSupported` from every method (see
    :class:`UnsupportedBenefitWriter`).

    Ids are the provider's (source ids). A new benefit's ``source_id`` is proposed by Roost and
    is the benefit's identity from then on. Writes are idempotent: creating a benefit that
    exists, or enrolling someone again, sets the same state.
    """

    async def create_benefit(self, benefit: CompanyBenefit) -> WriteOutcome: ...

    async def register_benefit(self, benefit: CompanyBenefit) -> WriteOutcome:
        """Record a benefit the employer already set up in the provider (Finch's register)."""
        ...

    async def update_benefit(self, benefit_source_id: str, description: str) -> WriteOutcome: ...

    async def enroll(
        self, benefit_source_id: str, enrollments: Sequence[BenefitEnrollment]
    ) -> list[WriteOutcome]:
        """Overwrite each person's enrollment; one outcome per enrollment, in order."""
        ...

    async def unenroll(
        self, benefit_source_id: str, individual_source_ids: Sequence[str]
    ) -> list[WriteOutcome]:
        """End each person's enrollment; one outcome per individual, in order."""
        ...


class UnsupportedBenefitWriter:
    """The writer of an adapter whose provider accepts no benefit writes through Roost."""

    def __init__(self, provider: str) -> None:
        self._refusal = f"{provider} does not accept benefit writes through Roost"

    async def create_benefit(self, benefit: CompanyBenefit) -> WriteOutcome:
        raise NotSupported(self._refusal)

    async def register_benefit(self, benefit: CompanyBenefit) -> WriteOutcome:
        raise NotSupported(self._refusal)

    async def update_benefit(self, benefit_source_id: str, description: str) -> WriteOutcome:
        raise NotSupported(self._refusal)

    async def enroll(
        self, benefit_source_id: str, enrollments: Sequence[BenefitEnrollment]
    ) -> list[WriteOutcome]:
        raise NotSupported(self._refusal)

    async def unenroll(
        self, benefit_source_id: str, individual_source_ids: Sequence[str]
    ) -> list[WriteOutcome]:
        raise NotSupported(self._refusal)


class ProviderAdapter(Protocol):
    """One provider integration (or the Finch-mode sandbox standing in for one)."""

    @property
    def definition(self) -> ProviderDefinition: ...

    async def login(self, method: str, fields: Mapping[str, str]) -> AuthStep:
        """``credential`` (username, password), ``api_token`` (api_token) or
        ``api_credential`` (client_id, client_secret)."""
        ...

    async def submit_mfa(self, pending: Mapping[str, Any], code: str) -> AuthStep: ...

    async def select_entities(self, pending: Mapping[str, Any], entity_ids: list[str]) -> AuthStep: ...

    def authorization_url(self, *, redirect_uri: str, state: str, code_challenge: str) -> str:
        """Where to send the employer for OAuth (RFC 6749 §4.1.1 with PKCE, RFC 7636)."""
        ...

    async def exchange_code(self, *, code: str, redirect_uri: str, code_verifier: str) -> AuthStep: ...

    async def refresh(self, account: ProviderAccount) -> ProviderAccount:
        """A fresh account for expiring credentials (OAuth refresh tokens); else unchanged."""
        ...

    def reader(self, account: ProviderAccount, entity: Entity | None) -> ProviderReader: ...

    def benefit_writer(self, account: ProviderAccount, entity: Entity | None) -> BenefitWriter:
        """Benefit writes for this account; :class:`UnsupportedBenefitWriter` when there are none."""
        ...
