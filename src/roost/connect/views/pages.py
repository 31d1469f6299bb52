"""``GET /authorize`` (open the flow) and ``GET /authorize/flow`` (show the current step)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from roost.applications.validation import InvalidUri, normalise_origin
from roost.connect import flow as flows
from roost.connect.models import ConnectSession
from roost.connect.views.render import error_page, page
from roost.core.dependencies import RuntimeDep
from roost.core.runtime import Runtime

router = APIRouter(include_in_schema=False)

STEP_TEMPLATES = {
    "provider": "provider.html",
    "method": "method.html",
    "login": "login.html",
    "mfa": "mfa.html",
    "entities": "entities.html",
    "assisted": "assisted.html",
    "consent": "consent.html",
    "locked": "locked.html",
}


def _embedding_origin(sdk_host_url: str | None) -> str | None:
    if not sdk_host_url:
        return None
    try:
        return normalise_origin(sdk_host_url)
    except InvalidUri:
        return None


async def render_step(runtime: Runtime, request: Request, flow: flows.Flow) -> Response:
    providers = []
    if flow.step == "provider":
        providers = [
            p
            for p in runtime.catalogue
            if p.supports_products(flow.session.products)
            and (p.automated or flow.session.manual)
            # Only providers this server can connect in this mode: with sandbox "provider"
            # or none, that is those with a real adapter.
            and runtime.adapters.available(p.id, flow.session.sandbox)
        ]
    return await page(
        runtime, request, flow, STEP_TEMPLATES.get(flow.step, "provider.html"), providers=providers
    )


async def _session_exists(runtime: Runtime, session_id: str) -> bool:
    async with runtime.database.reading() as db:
        return await db.get(ConnectSession, session_id) is not None


@router.get("/authorize")
async def authorize(
    request: Request,
    runtime: RuntimeDep,
    session: Annotated[str | None, Query(max_length=64)] = None,
    state: Annotated[str | None, Query(max_length=2048)] = None,
    app_type: Annotated[str | None, Query(max_length=16)] = None,
    sdk_host_url: Annotated[str | None, Query(max_length=2048)] = None,
    mode: Annotated[str | None, Query(max_length=32)] = None,
    sdk_version: Annotated[str | None, Query(max_length=64)] = None,
) -> Response:
    embedded = app_type == "spa"
    origin = _embedding_origin(sdk_host_url) if embedded else None
    if not session:
        return error_page(
            request,
            "This Connect link is missing its session. Ask the application for a new link.",
            target_origin=origin,
        )
    frame_origins, _redirect = await flows.application_origins(runtime, session)
    if embedded and not frame_origins and not await _session_exists(runtime, session):
        # No application stands behind an unknown session, so there is nothing private and
        # no registered origin: as for a missing session, any site may frame this page and
        # its SDK hears ``validation_error`` (reference §4.3) instead of a blocked frame.
        message = "This Connect link is not valid. Ask the application for a new one."
        return error_page(request, message, target_origin=origin)
    if embedded and (origin is None or origin not in frame_origins):
        # Never post to an origin the application did not register (DESIGN.md §4).
        return error_page(
            request,
            "This site is not allowed to embed Roost Connect. The application must register "
            f"{origin or 'its origin'} as an embedding origin.",
            frame_origins=frame_origins,
            status=403,
        )
    try:
        flow = await flows.open_session(
            runtime,
            session,
            {
                "app_type": app_type,
                "sdk_host_url": origin,
                "state": state,
                "mode": mode,
                "sdk_version": sdk_version,
            },
        )
    except flows.FlowError as exc:
        await flows.record(runtime, session, "error", reason=exc.message)
        return error_page(
            request, exc.message, target_origin=origin, frame_origins=frame_origins if frame_origins else None
        )
    return await render_step(runtime, request, flow)


@router.get("/authorize/flow")
async def current_step(
    request: Request, runtime: RuntimeDep, session: Annotated[str, Query(max_length=64)]
) -> Response:
    try:
        flow = await flows.load(runtime, session)
    except flows.FlowError as exc:
        frame_origins, _ = await flows.application_origins(runtime, session)
        return error_page(request, exc.message, frame_origins=frame_origins or None)
    return await render_step(runtime, request, flow)


_SDK = (Path(__file__).resolve().parent.parent / "static" / "sdk.js").read_bytes()


@router.get("/connect.js")
async def connect_sdk() -> Response:
    """The embeddable SDK (``RoostConnect.initialize``)."""
    return Response(
        _SDK,
        media_type="application/javascript",
        headers={"Cache-Control": "public, max-age=300", "X-Content-Type-Options": "nosniff"},
    )
