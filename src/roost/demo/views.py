"""The demo application's pages (``/demo``, demo mode only).

A stand-in for a developer's own app: it creates Connect sessions for the demo application,
opens Connect both ways, and exchanges the code — calling the same service functions the
public API uses, so what it shows is what an integration gets.
"""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from pydantic import BaseModel
from sqlalchemy import select

from roost.applications.models import Application
from roost.applications.principal import ApplicationPrincipal
from roost.auth.service import redeem_code
from roost.connect.schemas import Product, SessionCreate
from roost.connect.security import page_headers
from roost.connect.service import create_session
from roost.core.dependencies import RuntimeDep
from roost.core.errors import FinchError, not_found
from roost.core.runtime import Runtime

router = APIRouter(prefix="/demo", include_in_schema=False)
TEMPLATES = Jinja2Templates(directory=str(Path(__file__).resolve().parent / "templates"))
DEMO_APPLICATION_NAME = "Roost Demo"
DEMO_PRODUCTS: list[Product] = [
    "company",
    "directory",
    "individual",
    "employment",
    "payment",
    "pay_statement",
]


async def _demo_application(runtime: Runtime) -> ApplicationPrincipal:
    if runtime.settings.mode != "demo":
        raise not_found("The demo application only runs in demo mode")
    async with runtime.database.reading() as session:
        row = await session.scalar(
            select(Application).where(Application.name == DEMO_APPLICATION_NAME).limit(1)
        )
    if row is None:
        raise not_found("No demo application: start Roost with `roost demo`")
    return ApplicationPrincipal(
        id=row.id,
        client_id=row.client_id,
        name=row.name,
        type=row.type,
        redirect_uris=tuple(row.redirect_uris),
        origins=tuple(row.origins),
    )


def _render(request: Request, template: str, **context: object) -> Response:
    return TEMPLATES.TemplateResponse(request, template, context, headers=page_headers([], None))


@router.get("")
async def home(request: Request, runtime: RuntimeDep) -> Response:
    application = await _demo_application(runtime)
    return _render(request, "demo.html", application=application, products=DEMO_PRODUCTS)


@router.post("/sessions")
async def start(
    request: Request,
    runtime: RuntimeDep,
    customer_name: Annotated[str, Form(max_length=255)],
    flow: Annotated[str, Form(max_length=16)] = "redirect",
) -> Response:
    application = await _demo_application(runtime)
    embedded = flow == "embedded"
    body = SessionCreate(
        customer_id=f"demo-{secrets.token_hex(4)}",
        customer_name=customer_name or "Demo Employer",
        products=DEMO_PRODUCTS,
        redirect_uri=None if embedded else application.redirect_uris[0],
        sandbox="finch",
    )
    created = await create_session(runtime, application, body)
    if embedded:
        return _render(
            request,
            "embedded.html",
            session_id=created.session_id,
            connect_origin=runtime.settings.connect_origin,
        )
    return RedirectResponse(f"{created.connect_url}&state=demo-{secrets.token_hex(4)}", status_code=303)


class Exchange(BaseModel):
    code: str


async def _result(request: Request, runtime: Runtime, code: str, redirect_uri: str | None) -> Response:
    application = await _demo_application(runtime)
    try:
        token = await redeem_code(runtime, application, code, redirect_uri)
    except FinchError as exc:
        return _render(request, "result.html", error=exc.message, token=None)
    masked = token.model_copy(update={"access_token": token.access_token[:14] + "…"})
    return _render(request, "result.html", error=None, token=masked.model_dump_json(indent=2))


@router.get("/callback")
async def callback(
    request: Request,
    runtime: RuntimeDep,
    code: Annotated[str, Query(max_length=255)] = "",
    error: Annotated[str, Query(max_length=64)] = "",
    error_description: Annotated[str, Query(max_length=512)] = "",
) -> Response:
    if error or not code:
        return _render(request, "result.html", error=error_description or error or "No code", token=None)
    application = await _demo_application(runtime)
    return await _result(request, runtime, code, application.redirect_uris[0])


@router.get("/embedded/result")
async def embedded_result(
    request: Request, runtime: RuntimeDep, code: Annotated[str, Query(max_length=255)]
) -> Response:
    return await _result(request, runtime, code, None)
