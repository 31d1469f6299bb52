"""Rendering Connect pages: the template context, headers, and error endings."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from roost.connect import flow as flows
from roost.connect.security import csrf_token, page_headers
from roost.core.runtime import Runtime

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).resolve().parent.parent / "templates"))
MESSAGE_NAME = "finch-auth-message-v2"

# reference §6, in plain language for the consent screen.
PRODUCT_LABELS: dict[str, tuple[str, str]] = {
    "company": ("Company", "Legal name, EIN, locations, departments and bank accounts"),
    "directory": ("Directory", "Names, departments, managers and whether each person is active"),
    "individual": ("Personal details", "Dates of birth, contact details and home addresses"),
    "employment": ("Employment", "Titles, start and end dates, pay rates and work locations"),
    "payment": ("Payroll runs", "Pay dates, pay periods and payroll totals"),
    "pay_statement": ("Pay statements", "Earnings, taxes, deductions and contributions per person"),
    "benefits": ("Benefits", "Company benefits and deductions, and enrolling employees in them"),
    "documents": ("Tax documents", "Employee W-4 forms"),
    "ssn": ("Social Security numbers", "Full SSNs of every employee — sensitive"),
    "plans": ("Benefit plans", "Retirement and benefit plan details"),
    "plans_dependents": ("Plan dependents", "Dependents covered by benefit plans"),
    "plans_enrollments": ("Plan enrollments", "Who is enrolled in which benefit plan"),
    "recordkeeping": ("Recordkeeping", "Retirement plan recordkeeper data"),
}
METHOD_LABELS = {
    "credential": ("Username and password", "Sign in with your admin login"),
    "api_token": ("API token", "Paste an API key generated in the provider"),
    "api_credential": ("API credentials", "Use a client ID and secret from the provider"),
    "oauth": ("Sign in with the provider", "Authorize securely on the provider's site"),
    "assisted": ("Assisted setup", "Invite us as an admin and we connect for you"),
}


def state_of(flow: flows.Flow) -> str | None:
    embed_state = flow.progress.get("embed", {}).get("state")
    return str(embed_state) if embed_state else flow.session.state


def context(runtime: Runtime, flow: flows.Flow, **extra: Any) -> dict[str, Any]:
    session = flow.session
    embed = flow.progress.get("embed", {})
    failures = flows.failures_for(flow, flow.method)
    return {
        "session_id": session.id,
        "csrf": csrf_token(runtime.server_key, session.id),
        "application_name": flow.application.name,
        "customer_name": session.customer_name,
        "embedded": flow.embedded,
        "sdk_host_url": embed.get("sdk_host_url"),
        "step": flow.step,
        "provider": flow.provider,
        "method": flow.method,
        "message": flow.progress.get("message"),
        "mfa_message": flow.progress.get("mfa_message"),
        "entities": flow.progress.get("entities", []),
        "products": [(p, *PRODUCT_LABELS.get(p, (p, p))) for p in session.products],
        "sandbox": session.sandbox,
        "reauthenticate": session.kind == "reauthenticate",
        "methods": [(m, *METHOD_LABELS[m]) for m in flows.offered_methods(flow)],
        "method_labels": METHOD_LABELS,
        "show_alternatives": failures >= flows.FAILURES_BEFORE_ALTERNATIVES
        and len(flows.offered_methods(flow)) > 1,
        "can_go_back": flows.can_go_back(flow),
        "instructions": _instructions(flow),
        **extra,
    }


def _instructions(flow: flows.Flow) -> str | None:
    if flow.provider is None or flow.method is None:
        return None
    method = flow.provider.method(flow.method)
    return method.instructions if method else None


async def page(runtime: Runtime, request: Request, flow: flows.Flow, template: str, **extra: Any) -> Response:
    origins, redirect_uri = list(flow.application.origins), flow.session.redirect_uri
    return TEMPLATES.TemplateResponse(
        request, template, context(runtime, flow, **extra), headers=page_headers(origins, redirect_uri)
    )


def sdk_message(kind: str, **fields: Any) -> str:
    return json.dumps({"name": MESSAGE_NAME, "kind": kind, **fields})


def error_page(
    request: Request,
    message: str,
    *,
    kind: str = "validation_error",
    close: bool = True,
    target_origin: str | None = None,
    frame_origins: list[str] | None = None,
    status: int = 400,
) -> Response:
    """An ending the employer cannot fix here; tells the embedding SDK when there is one."""
    post = None
    if target_origin:
        post = sdk_message("error", error={"message": message, "type": kind, "shouldClose": close})
    return TEMPLATES.TemplateResponse(
        request,
        "error.html",
        {
            "message": message,
            "sdk_message": post,
            "target_origin": target_origin,
            "embedded": bool(target_origin),
        },
        status_code=status,
        headers=page_headers(frame_origins, None),
    )


def redirect_with(redirect_uri: str, params: dict[str, str | None]) -> RedirectResponse:
    query = urlencode({k: v for k, v in params.items() if v is not None})
    separator = "&" if "?" in redirect_uri else "?"
    return RedirectResponse(f"{redirect_uri}{separator}{query}", status_code=303)


def html(body: str) -> HTMLResponse:
    return HTMLResponse(body)
