"""Scripted authentication of the Finch-mode sandbox (reference/finch-api.md §11).

| method         | input                                            | result                      |
|----------------|--------------------------------------------------|-----------------------------|
| credential     | good_user / good_pass                            | success                     |
| credential     | good_user / mfa                                  | MFA code (123456 passes)    |
| credential     | good_user / account_selection or multi_entity   | entity selection            |
| credential     | good_user / mfa_account_selection                | MFA, then entity selection  |
| api_token      | good_token                                       | success                     |
| api_credential | good_user / good_pass                            | success                     |
| oauth          | (none)                                           | success straight away       |
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Mapping
from typing import Any

from roost.providers.contract import (
    AuthFailed,
    AuthStep,
    AuthSucceeded,
    EntitySelectionRequired,
    MfaRequired,
    ProviderAccount,
)
from roost.providers.records import Entity
from roost.providers.sandbox.generator import CompanySpec, SandboxCompany

GOOD_USER = "good_user"
GOOD_PASSWORD = "good_pass"
GOOD_TOKEN = "good_token"
GOOD_MFA_CODE = "123456"
MULTI_ENTITY_PASSWORDS = frozenset({"account_selection", "multi_entity"})
DEFAULT_EMPLOYEE_SIZE = 20

_HINT = "In the sandbox, sign in with good_user / good_pass."


def company_spec(credentials: Mapping[str, Any], today: dt.date) -> CompanySpec:
    """The sandbox company a stored sandbox account stands for."""
    return CompanySpec(
        seed=int(credentials["seed"]),
        employee_size=int(credentials.get("employee_size", DEFAULT_EMPLOYEE_SIZE)),
        entity_count=int(credentials.get("entity_count", 1)),
        today=today,
    )


def _offered(seed: int, entity_count: int) -> tuple[Entity, ...]:
    spec = {"seed": seed, "entity_count": entity_count}
    return tuple(SandboxCompany(company_spec(spec, dt.date(2000, 1, 1))).entities())


def sandbox_account(
    username: str | None,
    *,
    seed: int | None = None,
    entity_count: int = 1,
    chosen: list[str] | None = None,
    employee_size: int = DEFAULT_EMPLOYEE_SIZE,
) -> ProviderAccount:
    """A sandbox account. A random seed makes each connection its own company."""
    seed = secrets.randbits(31) if seed is None else seed
    offered = _offered(seed, entity_count) if employee_size >= entity_count else ()
    entities = tuple(e for e in offered if chosen is None or e.source_id in chosen)
    return ProviderAccount(
        credentials={
            "sandbox": "finch",
            "seed": seed,
            "employee_size": employee_size,
            "entity_count": entity_count,
        },
        entities=entities,
        external_id=f"sandbox-{seed}",
        username=username,
    )


def _selection(username: str) -> EntitySelectionRequired:
    seed = secrets.randbits(31)
    return EntitySelectionRequired(_offered(seed, 3), pending={"username": username, "seed": seed})


def _after_password(password: str, username: str) -> AuthStep:
    if password == GOOD_PASSWORD:
        return AuthSucceeded(sandbox_account(username))
    if password == "mfa":
        return MfaRequired(
            "Enter the 6-digit code sent to your phone (sandbox: 123456).",
            pending={"username": username, "then": "success"},
        )
    if password in MULTI_ENTITY_PASSWORDS:
        return _selection(username)
    if password == "mfa_account_selection":
        return MfaRequired(
            "Enter the 6-digit code sent to your phone (sandbox: 123456).",
            pending={"username": username, "then": "select"},
        )
    return AuthFailed(f"Incorrect username or password. {_HINT}")


def login(method: str, fields: Mapping[str, str]) -> AuthStep:
    if method == "credential":
        username = fields.get("username", "").strip()
        if username != GOOD_USER:
            return AuthFailed(f"Incorrect username or password. {_HINT}")
        return _after_password(fields.get("password", ""), username)
    if method == "api_token":
        if fields.get("api_token", "").strip() == GOOD_TOKEN:
            return AuthSucceeded(sandbox_account(None))
        return AuthFailed("That API token was not accepted. In the sandbox, use good_token.")
    if method == "api_credential":
        if fields.get("client_id", "").strip() == GOOD_USER and fields.get("client_secret") == GOOD_PASSWORD:
            return AuthSucceeded(sandbox_account(None))
        return AuthFailed(
            "Those API credentials were not accepted. In the sandbox, use good_user / good_pass."
        )
    return AuthFailed(f"The {method} method is not available here.", retryable=False)


def submit_mfa(pending: Mapping[str, Any], code: str) -> AuthStep:
    if code.strip() != GOOD_MFA_CODE:
        return AuthFailed("That code did not work. In the sandbox, the code is 123456.")
    username = str(pending.get("username", GOOD_USER))
    if pending.get("then") == "select":
        return _selection(username)
    return AuthSucceeded(sandbox_account(username))


def select_entities(pending: Mapping[str, Any], entity_ids: list[str]) -> AuthStep:
    seed = int(pending["seed"])
    offered = {entity.source_id for entity in _offered(seed, 3)}
    chosen = [entity_id for entity_id in entity_ids if entity_id in offered]
    if not chosen:
        return AuthFailed("Choose at least one company to connect.")
    username = str(pending.get("username", GOOD_USER))
    return AuthSucceeded(sandbox_account(username, seed=seed, entity_count=3, chosen=chosen))
