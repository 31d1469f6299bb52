"""The ends of the flow: consent (code issued), cancel, and the OAuth round trip."""

from __future__ import annotations

import base64
import hashlib
import secrets
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from roost.connect import flow as flows
from roost.connect.security import oauth_state, session_from_oauth_state
from roost.connect.views.render import error_page, page, redirect_with, sdk_message, state_of
from roost.connect.views.steps import CsrfField, SessionField, check_csrf, continue_flow
from roost.connections.service import complete_session
from roost.core.dependencies import RuntimeDep
from roost.core.errors import FinchError
from roost.core.runtime import Runtime
from roost.providers.contract import AuthFailed, AuthStep

router = APIRouter(include_in_schema=False)


async def _finish(request: Request, runtime: Runtime, flow: flows.Flow) -> Response:
    account = flows.account_of(runtime, flow)
    embedded = flow.embedded
    redirect_uri = None if embedded else flow.session.redirect_uri
    try:
        issued = await complete_session(
            runtime,
            flow.session.id,
            account,
            auth_method=flow.method or "credential",
            redirect_uri=redirect_uri,
        )
    except FinchError as exc:
        raise flows.FlowError(exc.message) from exc
    state = state_of(flow)
    if embedded:
        message = sdk_message("success", code=issued.code, **({"state": state} if state else {}))
        return await page(
            runtime,
            request,
            flow,
            "finish.html",
            sdk_message=message,
            target_origin=flow.progress["embed"]["sdk_host_url"],
        )
    if redirect_uri:
        return redirect_with(redirect_uri, {"code": issued.code, "state": state})
    return await page(runtime, request, flow, "finish.html", sdk_message=None, target_origin=None)


@router.post("/authorize/consent")
async def consent(
    request: Request,
    runtime: RuntimeDep,
    session: SessionField,
    csrf: CsrfField,
    decision: Annotated[str, Form(max_length=16)],
) -> Response:
    try:
        check_csrf(runtime, session, csrf)
        flow = await flows.load(runtime, session)
        if decision != "grant":
            return await _cancel(request, runtime, flow)
        if flow.step != "consent":
            raise flows.FlowError(
                "Sign in before granting access.", kind="employer_connection_error", close=False
            )
        await flows.record(runtime, session, "consent_granted")
        return await _finish(request, runtime, flow)
    except flows.FlowError as exc:
        frame_origins, _ = await flows.application_origins(runtime, session)
        return error_page(
            request, exc.message, kind=exc.kind, close=exc.close, frame_origins=frame_origins or None
        )


async def _cancel(request: Request, runtime: Runtime, flow: flows.Flow) -> Response:
    await flows.record(runtime, flow.session.id, "closed")
    if flow.embedded:
        return await page(
            runtime,
            request,
            flow,
            "finish.html",
            sdk_message=sdk_message("closed"),
            target_origin=flow.progress["embed"]["sdk_host_url"],
            cancelled=True,
        )
    if flow.session.redirect_uri:
        # Not specified by Finch; RFC 6749 §4.1.2.1's error redirect is Roost's choice.
        return redirect_with(
            flow.session.redirect_uri,
            {
                "error": "access_denied",
                "error_description": "The employer cancelled the connection",
                "state": state_of(flow),
            },
        )
    return await page(
        runtime, request, flow, "finish.html", sdk_message=None, target_origin=None, cancelled=True
    )


@router.post("/authorize/cancel")
async def cancel(request: Request, runtime: RuntimeDep, session: SessionField, csrf: CsrfField) -> Response:
    try:
        check_csrf(runtime, session, csrf)
        return await _cancel(request, runtime, await flows.load(runtime, session))
    except flows.FlowError as exc:
        return error_page(request, exc.message)


def _pkce_pair() -> tuple[str, str]:
    # RFC 7636 §4.1-4.2: a high-entropy verifier and its S256 challenge.
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).decode().rstrip("=")
    return verifier, challenge


def callback_url(runtime: Runtime) -> str:
    return f"{runtime.settings.connect_origin}/authorize/oauth/callback"


@router.get("/authorize/oauth/start")
async def oauth_start(
    request: Request,
    runtime: RuntimeDep,
    session: Annotated[str, Query(max_length=64)],
    csrf: Annotated[str, Query(max_length=128)],
) -> Response:
    try:
        check_csrf(runtime, session, csrf)
        flow = await flows.load(runtime, session)
        if flow.method != "oauth" or flow.step != "login":
            raise flows.FlowError(
                "Choose to sign in with the provider first.", kind="employer_connection_error", close=False
            )
        adapter = flows.adapter_for(runtime, flow)
        verifier, challenge = _pkce_pair()
        await flows.store_oauth_verifier(runtime, session, verifier)
        url = adapter.authorization_url(
            redirect_uri=callback_url(runtime),
            state=oauth_state(runtime.server_key, session),
            code_challenge=challenge,
        )
    except flows.FlowError as exc:
        return error_page(request, exc.message, kind=exc.kind, close=exc.close)
    return RedirectResponse(url, status_code=303)


@router.get("/authorize/oauth/callback")
async def oauth_callback(
    request: Request,
    runtime: RuntimeDep,
    state: Annotated[str, Query(max_length=256)] = "",
    code: Annotated[str, Query(max_length=2048)] = "",
    error: Annotated[str, Query(max_length=256)] = "",
) -> Response:
    session = session_from_oauth_state(runtime.server_key, state)
    if session is None:
        return error_page(request, "This sign-in could not be matched to a Connect session. Start again.")
    try:
        flow = await flows.load(runtime, session)
        verifier = flows.oauth_verifier(runtime, flow)
        if error or not code:
            result: AuthStep = AuthFailed(
                "The provider did not grant access. Try again, or choose another way to connect."
            )
        else:
            result = await flows.adapter_for(runtime, flow).exchange_code(
                code=code, redirect_uri=callback_url(runtime), code_verifier=verifier
            )
        await flows.apply_auth_step(runtime, session, result, event="oauth_callback")
    except flows.FlowError as exc:
        frame_origins, _ = await flows.application_origins(runtime, session)
        return error_page(
            request, exc.message, kind=exc.kind, close=exc.close, frame_origins=frame_origins or None
        )
    return continue_flow(session)
