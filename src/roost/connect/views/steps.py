"""Form posts of the Connect flow: provider, method, login, MFA, entities, back.

Every post carries the session id and its CSRF token, and ends in a 303 to
``/authorize/flow`` (post/redirect/get), so a reload never resubmits a password.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from roost.connect import flow as flows
from roost.connect.security import csrf_valid
from roost.connect.views.render import error_page
from roost.core.dependencies import RuntimeDep
from roost.core.runtime import Runtime
from roost.providers.contract import AuthSucceeded, ProviderAccount

router = APIRouter(include_in_schema=False)

SessionField = Annotated[str, Form(max_length=64)]
CsrfField = Annotated[str, Form(max_length=128)]
SecretField = Annotated[str, Form(max_length=1024)]


def check_csrf(runtime: Runtime, session: str, csrf: str) -> None:
    if not csrf_valid(runtime.server_key, session, csrf):
        raise flows.FlowError(
            "This form has expired. Reload the page and try again.",
            kind="employer_connection_error",
            close=False,
        )


def continue_flow(session: str) -> RedirectResponse:
    return RedirectResponse(f"/authorize/flow?session={session}", status_code=303)


async def _guarded(
    request: Request, runtime: Runtime, session: str, csrf: str, step: Callable[[], Awaitable[object]]
) -> Response:
    """Check the CSRF token, then run ``step``; flow errors become an error page."""
    try:
        check_csrf(runtime, session, csrf)
        await step()
    except flows.FlowError as exc:
        frame_origins, _ = await flows.application_origins(runtime, session)
        return error_page(
            request, exc.message, kind=exc.kind, close=exc.close, frame_origins=frame_origins or None
        )
    return continue_flow(session)


@router.post("/authorize/provider")
async def choose_provider(
    request: Request,
    runtime: RuntimeDep,
    session: SessionField,
    csrf: CsrfField,
    provider_id: Annotated[str, Form(max_length=64)],
) -> Response:
    def step() -> Awaitable[object]:
        return flows.transition(runtime, session, "provider_selected", provider_id=provider_id)

    return await _guarded(request, runtime, session, csrf, step)


@router.post("/authorize/method")
async def choose_method(
    request: Request,
    runtime: RuntimeDep,
    session: SessionField,
    csrf: CsrfField,
    method: Annotated[str, Form(max_length=32)],
) -> Response:
    return await _guarded(
        request,
        runtime,
        session,
        csrf,
        lambda: flows.transition(runtime, session, "method_selected", method=method),
    )


@router.post("/authorize/back")
async def go_back(request: Request, runtime: RuntimeDep, session: SessionField, csrf: CsrfField) -> Response:
    return await _guarded(request, runtime, session, csrf, lambda: flows.transition(runtime, session, "back"))


async def _login(runtime: Runtime, session: str, fields: dict[str, str]) -> None:
    flow = await flows.load(runtime, session)
    if flow.step != "login" or flow.method is None:
        raise flows.FlowError("Choose how to sign in first.", kind="employer_connection_error", close=False)
    adapter = flows.adapter_for(runtime, flow)
    # Credentials go straight to the adapter; they are never logged or stored in the clear.
    result = await adapter.login(flow.method, fields)
    await flows.apply_auth_step(runtime, session, result, event="credentials_submitted")


@router.post("/authorize/login")
async def submit_login(
    request: Request,
    runtime: RuntimeDep,
    session: SessionField,
    csrf: CsrfField,
    username: SecretField = "",
    password: SecretField = "",
    api_token: SecretField = "",
    client_id: SecretField = "",
    client_secret: SecretField = "",
) -> Response:
    fields = {
        "username": username,
        "password": password,
        "api_token": api_token,
        "client_id": client_id,
        "client_secret": client_secret,
    }
    return await _guarded(request, runtime, session, csrf, lambda: _login(runtime, session, fields))


async def _mfa(runtime: Runtime, session: str, code: str) -> None:
    flow = await flows.load(runtime, session)
    if flow.step != "mfa":
        raise flows.FlowError(
            "There is no code to check right now.", kind="employer_connection_error", close=False
        )
    result = await flows.adapter_for(runtime, flow).submit_mfa(flows.pending_of(runtime, flow), code)
    await flows.apply_auth_step(runtime, session, result, event="mfa_submitted")


@router.post("/authorize/mfa")
async def submit_mfa(
    request: Request,
    runtime: RuntimeDep,
    session: SessionField,
    csrf: CsrfField,
    code: Annotated[str, Form(max_length=32)],
) -> Response:
    return await _guarded(request, runtime, session, csrf, lambda: _mfa(runtime, session, code))


async def _entities(runtime: Runtime, session: str, entity_ids: list[str]) -> None:
    flow = await flows.load(runtime, session)
    if flow.step != "entities":
        raise flows.FlowError(
            "There is nothing to choose right now.", kind="employer_connection_error", close=False
        )
    result = await flows.adapter_for(runtime, flow).select_entities(
        flows.pending_of(runtime, flow), entity_ids
    )
    await flows.apply_auth_step(runtime, session, result, event="entities_selected")


@router.post("/authorize/entities")
async def select_entities(
    request: Request,
    runtime: RuntimeDep,
    session: SessionField,
    csrf: CsrfField,
    entity_id: Annotated[list[str] | None, Form()] = None,
) -> Response:
    return await _guarded(
        request, runtime, session, csrf, lambda: _entities(runtime, session, entity_id or [])
    )


@router.post("/authorize/assisted")
async def assisted_ready(
    request: Request, runtime: RuntimeDep, session: SessionField, csrf: CsrfField
) -> Response:
    """The employer has read the assisted-setup steps; consent comes next."""

    async def _ready() -> None:
        flow = await flows.load(runtime, session)
        if flow.step != "assisted":
            raise flows.FlowError(
                "Assisted setup is not the chosen method.", kind="employer_connection_error", close=False
            )
        account = ProviderAccount(credentials={"assisted": True}, entities=())
        await flows.apply_auth_step(runtime, session, AuthSucceeded(account), event="assisted_started")

    return await _guarded(request, runtime, session, csrf, _ready)
