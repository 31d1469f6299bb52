"""The Connect flow as a state machine on the session row (the UI's service layer).

Each step the employer takes is one function that loads the session, checks it may take
that step, changes ``progress`` and records the step as a session event, in one
transaction. Steps:

    provider -> method -> login -> [mfa] -> [entities] -> consent -> done
                       -> assisted ----------------------> consent -> done
    (oauth: method -> provider's page -> callback -> [entities] -> consent)

Secrets that live between steps (an adapter's pending MFA ticket, the authenticated
account before consent) are sealed with AES-GCM, bound to the session id.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from roost.applications.models import Application
from roost.connect.models import ConnectSession, SessionEvent
from roost.core.runtime import Runtime
from roost.providers.catalogue import ProviderDefinition
from roost.providers.contract import (
    AuthFailed,
    AuthStep,
    AuthSucceeded,
    EntitySelectionRequired,
    MfaRequired,
    ProviderAccount,
)
from roost.providers.records import Entity

# After this many failures with one method, the employer is offered another one.
FAILURES_BEFORE_ALTERNATIVES = 3


class FlowError(Exception):
    """The session cannot continue; ``kind`` picks the page and the SDK error type."""

    def __init__(self, message: str, *, kind: str = "validation_error", close: bool = True) -> None:
        super().__init__(message)
        self.message = message
        self.kind = kind
        self.close = close


@dataclass
class Flow:
    """A session with what the UI needs to render it."""

    session: ConnectSession
    application: Application
    provider: ProviderDefinition | None

    @property
    def progress(self) -> dict[str, Any]:
        return self.session.progress

    @property
    def step(self) -> str:
        return str(self.progress.get("step", "provider"))

    @property
    def method(self) -> str | None:
        method = self.progress.get("method")
        return str(method) if method else None

    @property
    def embedded(self) -> bool:
        return bool(self.progress.get("embed", {}).get("app_type") == "spa")


def _initial_step(session: ConnectSession, provider: ProviderDefinition | None) -> dict[str, Any]:
    if provider is None:
        return {"step": "provider"}
    if session.auth_method and provider.method(session.auth_method):
        return _method_chosen(session.auth_method)
    methods = _offered_methods(provider, session)
    if len(methods) == 1:
        return _method_chosen(methods[0])
    return {"step": "method"}


def _method_chosen(method: str) -> dict[str, Any]:
    return {"step": "assisted" if method == "assisted" else "login", "method": method}


def _offered_methods(provider: ProviderDefinition, session: ConnectSession) -> list[str]:
    """Automated methods always; assisted ones only with ``manual=true`` (the Connect guide)."""
    methods: list[str] = [
        m.type for m in provider.authentication_methods if m.type != "assisted" or session.manual
    ]
    return methods or [m.type for m in provider.authentication_methods]


def offered_methods(flow: Flow) -> list[str]:
    return _offered_methods(flow.provider, flow.session) if flow.provider else []


async def _load(runtime: Runtime, db: Any, session_id: str, *, lock: bool = False) -> Flow:
    connect_session = await db.get(ConnectSession, session_id, with_for_update=lock)
    if connect_session is None:
        raise FlowError("This Connect link is not valid. Ask the application for a new one.")
    application = await db.get(Application, connect_session.application_id)
    now = runtime.clock.now()
    if connect_session.completed_at is not None:
        raise FlowError("This Connect session is already complete.")
    if connect_session.expires_at <= now:
        raise FlowError("This Connect session has expired. Ask the application for a new link.")
    provider = runtime.catalogue.get(connect_session.provider_id) if connect_session.provider_id else None
    return Flow(connect_session, application, provider)


async def load(runtime: Runtime, session_id: str) -> Flow:
    async with runtime.database.reading() as db:
        return await _load(runtime, db, session_id)


def _record(db: Any, flow: Flow, kind: str, at: dt.datetime, **detail: Any) -> None:
    db.add(
        SessionEvent(
            session_id=flow.session.id,
            staged_connection_id=flow.session.staged_connection_id,
            kind=kind,
            at=at,
            detail=detail,
        )
    )


def _set(flow: Flow, **changes: Any) -> None:
    # Assign a new dict so SQLAlchemy sees the JSON column change.
    flow.session.progress = {**flow.session.progress, **changes}


async def open_session(runtime: Runtime, session_id: str, embed: dict[str, str | None]) -> Flow:
    """The employer opened ``connect_url`` (or the SDK's iframe)."""
    now = runtime.clock.now()
    async with runtime.database.writing() as db:
        flow = await _load(runtime, db, session_id, lock=True)
        if "step" not in flow.progress:
            # integration.provider (and reauthentication) fix the provider for good.
            _set(flow, **_initial_step(flow.session, flow.provider), provider_fixed=flow.provider is not None)
        _set(flow, embed=embed)
        _record(
            db,
            flow,
            "opened",
            now,
            mode="embedded" if embed.get("app_type") == "spa" else "redirect",
            sdk_version=embed.get("sdk_version"),
        )
    return flow


async def transition(runtime: Runtime, session_id: str, kind: str, **detail: Any) -> Flow:
    """Apply one simple step (choose provider, choose method, back) and record it."""
    now = runtime.clock.now()
    async with runtime.database.writing() as db:
        flow = await _load(runtime, db, session_id, lock=True)
        _apply(runtime, flow, kind, detail)
        _record(db, flow, kind, now, **{k: v for k, v in detail.items() if k in ("provider_id", "method")})
    return flow


def _apply(runtime: Runtime, flow: Flow, kind: str, detail: dict[str, Any]) -> None:
    if kind == "provider_selected":
        if _provider_fixed(flow):
            raise FlowError(
                "The provider cannot be changed for this session.",
                kind="employer_connection_error",
                close=False,
            )
        provider = runtime.catalogue.get(str(detail["provider_id"]))
        if provider is None or not provider.supports_products(flow.session.products):
            raise FlowError("Choose a provider from the list.", kind="employer_connection_error", close=False)
        flow.session.provider_id = provider.id
        flow.provider = provider
        _set(flow, **_initial_step(flow.session, provider), message=None)
    elif kind == "method_selected":
        method = str(detail["method"])
        if flow.provider is None or method not in offered_methods(flow):
            raise FlowError(
                "Choose one of the sign-in options.", kind="employer_connection_error", close=False
            )
        _set(flow, **_method_chosen(method), message=None)
    elif kind == "back":
        _back(flow)


def _provider_fixed(flow: Flow) -> bool:
    return flow.session.kind == "reauthenticate" or bool(flow.progress.get("provider_fixed"))


def can_go_back(flow: Flow) -> bool:
    if flow.step in ("provider", "locked"):
        return False
    method_choice = (
        flow.provider is not None and len(offered_methods(flow)) > 1 and not flow.session.auth_method
    )
    return (flow.step != "method" and method_choice) or not _provider_fixed(flow)


def _back(flow: Flow) -> None:
    """One screen back: to the method choice when there is one, else to the provider list."""
    cleared = {"pending": None, "account": None, "message": None}
    method_choice = (
        flow.provider is not None and len(offered_methods(flow)) > 1 and not flow.session.auth_method
    )
    if flow.step != "method" and method_choice:
        _set(flow, step="method", method=None, **cleared)
    elif not _provider_fixed(flow):
        flow.session.provider_id = None
        flow.provider = None
        _set(flow, step="provider", method=None, **cleared)


def adapter_for(runtime: Runtime, flow: Flow) -> Any:
    if flow.provider is None:
        raise FlowError("Choose a provider first.", kind="employer_connection_error", close=False)
    adapter = runtime.adapters.adapter(flow.provider.id, flow.session.sandbox)
    if adapter is None:
        raise FlowError(
            f"{flow.provider.display_name} is not available on this Roost server yet.",
            kind="employer_connection_error",
            close=False,
        )
    return adapter


async def apply_auth_step(runtime: Runtime, session_id: str, step: AuthStep, *, event: str) -> Flow:
    """Store the outcome of an adapter call on the session and move the flow on."""
    now = runtime.clock.now()
    async with runtime.database.writing() as db:
        flow = await _load(runtime, db, session_id, lock=True)
        sealed = session_id
        if isinstance(step, AuthSucceeded):
            _set(
                flow,
                step="consent",
                message=None,
                pending=None,
                account=runtime.keyring.encrypt(_account_to_json(step.account), sealed),
            )
        elif isinstance(step, MfaRequired):
            _set(
                flow,
                step="mfa",
                message=None,
                mfa_message=step.message,
                pending=runtime.keyring.encrypt(dict(step.pending), sealed),
            )
        elif isinstance(step, EntitySelectionRequired):
            _set(
                flow,
                step="entities",
                message=None,
                entities=[{"source_id": e.source_id, "name": e.name} for e in step.entities],
                pending=runtime.keyring.encrypt(dict(step.pending), sealed),
            )
        else:
            _fail(runtime, flow, step)
        outcome = type(step).__name__
        _record(db, flow, event, now, method=flow.method, outcome=outcome)
    return flow


def _fail(runtime: Runtime, flow: Flow, step: AuthFailed) -> None:
    failures = dict(flow.progress.get("failures", {}))
    method = flow.method or "unknown"
    failures[method] = int(failures.get(method, 0)) + 1
    total = sum(int(v) for v in failures.values())
    _set(flow, failures=failures, message=step.message)
    if flow.step in ("mfa", "entities") and not step.retryable:
        _set(flow, step="login", pending=None)
    if total >= runtime.settings.max_failed_logins:
        _set(flow, step="locked", pending=None)


def failures_for(flow: Flow, method: str | None) -> int:
    return int(flow.progress.get("failures", {}).get(method or "", 0))


def pending_of(runtime: Runtime, flow: Flow) -> dict[str, Any]:
    sealed = flow.progress.get("pending")
    if not sealed:
        raise FlowError(
            "That step has expired; start signing in again.", kind="employer_connection_error", close=False
        )
    value = runtime.keyring.decrypt(str(sealed), flow.session.id)
    return dict(value)


def account_of(runtime: Runtime, flow: Flow) -> ProviderAccount:
    sealed = flow.progress.get("account")
    if not sealed:
        raise FlowError("Sign in before granting access.", kind="employer_connection_error", close=False)
    return _account_from_json(runtime.keyring.decrypt(str(sealed), flow.session.id))


def _account_to_json(account: ProviderAccount) -> dict[str, Any]:
    return {
        "credentials": dict(account.credentials),
        "entities": [{"source_id": e.source_id, "name": e.name} for e in account.entities],
        "external_id": account.external_id,
        "username": account.username,
    }


def _account_from_json(data: dict[str, Any]) -> ProviderAccount:
    return ProviderAccount(
        credentials=data["credentials"],
        entities=tuple(Entity(source_id=e["source_id"], name=e["name"]) for e in data["entities"]),
        external_id=data.get("external_id"),
        username=data.get("username"),
    )


async def record(runtime: Runtime, session_id: str, kind: str, **detail: Any) -> None:
    """Record a step that changes nothing else (closed, error shown...)."""
    now = runtime.clock.now()
    async with runtime.database.writing() as db:
        connect_session = await db.get(ConnectSession, session_id)
        if connect_session is None:
            return
        db.add(
            SessionEvent(
                session_id=session_id,
                staged_connection_id=connect_session.staged_connection_id,
                kind=kind,
                at=now,
                detail=detail,
            )
        )


async def application_origins(runtime: Runtime, session_id: str) -> tuple[list[str], str | None]:
    """Embedding origins of the session's application, and its redirect URI, for headers."""
    async with runtime.database.reading() as db:
        row = (
            await db.execute(
                select(Application.origins, ConnectSession.redirect_uri)
                .join(ConnectSession, ConnectSession.application_id == Application.id)
                .where(ConnectSession.id == session_id)
            )
        ).first()
    if row is None:
        return [], None
    return list(row[0]), row[1]


async def store_oauth_verifier(runtime: Runtime, session_id: str, verifier: str) -> None:
    """Keep the PKCE verifier (RFC 7636) sealed on the session until the callback."""
    async with runtime.database.writing() as db:
        flow = await _load(runtime, db, session_id, lock=True)
        _set(flow, oauth_verifier=runtime.keyring.encrypt(verifier, session_id))
        _record(db, flow, "oauth_started", runtime.clock.now(), provider_id=flow.session.provider_id)


def oauth_verifier(runtime: Runtime, flow: Flow) -> str:
    sealed = flow.progress.get("oauth_verifier")
    if not sealed:
        raise FlowError(
            "This sign-in was not started here. Start again.", kind="employer_connection_error", close=False
        )
    return str(runtime.keyring.decrypt(str(sealed), flow.session.id))
