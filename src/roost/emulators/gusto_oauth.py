"""Gusto's OAuth 2 authorization server, as the emulator plays it (reference/providers.md §1.2).

Behaviour reproduced on purpose:
- ``GET /oauth/authorize`` shows a consent page; one grant covers exactly one company ("strict
  access", Gusto changelog v2023-05-01). ``redirect_uri`` must be registered: an unregistered
  one gets an error page, never a redirect (RFC 6749 §4.1.2.1).
- Codes are single-use and live 10 minutes; replaying one revokes every token issued from it
  (RFC 6749 §4.1.2).
- ``POST /oauth/token`` takes JSON or form bodies and rejects ``client_secret`` in the query.
- Every refresh returns a new refresh token; the old one is revoked the first time the new
  access token is used (docs.gusto.com "refresh-access-token").
PKCE is not documented by Gusto, so it is neither required nor checked.
"""

from __future__ import annotations

import html
import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode, urlsplit

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

__all__ = ["AccessGrant", "GustoAuthorizationServer", "GustoClient"]

CODE_SECONDS = 600


@dataclass(frozen=True)
class GustoClient:
    client_id: str
    client_secret: str
    # Exact redirect URIs registered in the developer portal; empty accepts any loopback URI.
    redirect_uris: tuple[str, ...] = ()


@dataclass
class _Code:
    company: int
    redirect_uri: str
    expires_at: float
    used: bool = False
    issued: list[str] = field(default_factory=list)


@dataclass
class AccessGrant:
    company: int
    expires_at: float
    # The refresh token this access token's refresh replaced; revoked on first use.
    replaces: str | None = None


class GustoAuthorizationServer:
    def __init__(self, client: GustoClient, company_names: list[str], access_token_seconds: float) -> None:
        self.client = client
        self.company_names = company_names
        self.access_token_seconds = access_token_seconds
        self._codes: dict[str, _Code] = {}
        self._access: dict[str, AccessGrant] = {}
        self._refresh: dict[str, int] = {}
        self._lock = threading.Lock()
        self.stats = {"authorization_code": 0, "refresh_token": 0}

    # -- authorization endpoint -------------------------------------------------------------
    def _redirect_allowed(self, redirect_uri: str) -> bool:
        if self.client.redirect_uris:
            return redirect_uri in self.client.redirect_uris
        parts = urlsplit(redirect_uri)
        return parts.scheme in ("http", "https") and parts.hostname in ("127.0.0.1", "localhost", "::1")

    def _check_authorize(self, params: Any) -> str | None:
        if params.get("client_id") != self.client.client_id:
            return "Unknown client_id."
        if not self._redirect_allowed(str(params.get("redirect_uri", ""))):
            return "The redirect_uri is not registered for this application."
        if params.get("response_type") != "code":
            return "response_type must be code."
        return None

    async def authorize_page(self, request: Request) -> Response:
        problem = self._check_authorize(request.query_params)
        if problem is not None:
            return HTMLResponse(f"<h1>Authorization error</h1><p>{html.escape(problem)}</p>", 400)
        hidden = "".join(
            f'<input type="hidden" name="{name}" value="{html.escape(request.query_params.get(name, ""))}">'
            for name in ("client_id", "redirect_uri", "response_type", "state")
        )
        options = "".join(
            f'<option value="{index}">{html.escape(name)}</option>'
            for index, name in enumerate(self.company_names)
        )
        page = (
            "<!doctype html><title>Gusto (emulator): authorize</title>"
            "<h1>Allow access to your Gusto company?</h1>"
            f'<form method="post" action="/oauth/authorize">{hidden}'
            f'<label>Company <select name="company">{options}</select></label>'
            '<button type="submit" name="decision" value="allow">Authorize</button>'
            '<button type="submit" name="decision" value="deny">Deny</button></form>'
        )
        return HTMLResponse(page)

    async def authorize_decision(self, request: Request) -> Response:
        form = await request.form()
        problem = self._check_authorize(form)
        if problem is not None:
            return HTMLResponse(f"<h1>Authorization error</h1><p>{html.escape(problem)}</p>", 400)
        redirect_uri, state = str(form["redirect_uri"]), str(form.get("state", ""))
        if form.get("decision") != "allow":
            return RedirectResponse(
                f"{redirect_uri}?{urlencode({'error': 'access_denied', 'state': state})}", 302
            )
        company = int(str(form.get("company", "0")))
        if not 0 <= company < len(self.company_names):
            return HTMLResponse("<h1>Authorization error</h1><p>Unknown company.</p>", 400)
        code = secrets.token_urlsafe(24)
        with self._lock:
            self._codes[code] = _Code(company, redirect_uri, time.monotonic() + CODE_SECONDS)
        return RedirectResponse(f"{redirect_uri}?{urlencode({'code': code, 'state': state})}", 302)

    # -- token endpoint -----------------------------------------------------------------------
    async def token(self, request: Request) -> Response:
        if "client_secret" in request.query_params:
            return _oauth_error("invalid_request", "client_secret must not be sent in the query string.")
        body = await _body(request)
        if (
            body.get("client_id") != self.client.client_id
            or body.get("client_secret") != self.client.client_secret
        ):
            return _oauth_error("invalid_client", "Client authentication failed.", 401)
        grant_type = body.get("grant_type")
        if grant_type == "authorization_code":
            return self._exchange(str(body.get("code", "")), str(body.get("redirect_uri", "")))
        if grant_type == "refresh_token":
            return self._refresh_grant(str(body.get("refresh_token", "")))
        return _oauth_error("unsupported_grant_type", f"Unsupported grant_type {grant_type!r}.")

    def _exchange(self, code: str, redirect_uri: str) -> Response:
        with self._lock:
            stored = self._codes.get(code)
            if stored is None or stored.expires_at < time.monotonic():
                return _oauth_error("invalid_grant", "The authorization code is invalid or expired.")
            if stored.used:
                for token in stored.issued:
                    self._access.pop(token, None)
                    self._refresh.pop(token, None)
                return _oauth_error("invalid_grant", "The authorization code was already used.")
            if stored.redirect_uri != redirect_uri:  # RFC 6749 §4.1.3
                return _oauth_error("invalid_grant", "redirect_uri does not match the authorization request.")
            stored.used = True
            self.stats["authorization_code"] += 1
            payload = self._issue(stored.company, replaces=None)
            stored.issued += [payload["access_token"], payload["refresh_token"]]
        return JSONResponse(payload)

    def _refresh_grant(self, refresh_token: str) -> Response:
        with self._lock:
            company = self._refresh.get(refresh_token)
            if company is None:
                return _oauth_error("invalid_grant", "The refresh token is invalid.")
            self.stats["refresh_token"] += 1
            return JSONResponse(self._issue(company, replaces=refresh_token))

    def _issue(self, company: int, replaces: str | None) -> dict[str, Any]:
        access, refresh = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        self._access[access] = AccessGrant(company, time.monotonic() + self.access_token_seconds, replaces)
        self._refresh[refresh] = company
        return {
            "access_token": access,
            "token_type": "Bearer",
            "expires_in": int(self.access_token_seconds),
            "refresh_token": refresh,
            "scope": "companies:read employees:read jobs:read compensations:read payrolls:read",
            "created_at": int(time.time()),
        }

    async def revoke(self, request: Request) -> Response:
        body = await _body(request)
        token = str(body.get("token", ""))
        with self._lock:
            self._access.pop(token, None)
            self._refresh.pop(token, None)
        return JSONResponse({})

    # -- resource-server side -----------------------------------------------------------------
    def grant_for(self, access_token: str) -> AccessGrant | None:
        with self._lock:
            grant = self._access.get(access_token)
            if grant is None or grant.expires_at < time.monotonic():
                return None
            if grant.replaces is not None:
                self._refresh.pop(grant.replaces, None)
                grant.replaces = None
            return grant

    def expire_access_tokens(self) -> None:
        with self._lock:
            for grant in self._access.values():
                grant.expires_at = 0.0

    def revoke_everything(self) -> None:
        with self._lock:
            self._access.clear()
            self._refresh.clear()


async def _body(request: Request) -> dict[str, Any]:
    if request.headers.get("content-type", "").startswith("application/json"):
        parsed = await request.json()
        return dict(parsed) if isinstance(parsed, dict) else {}
    return {key: str(value) for key, value in (await request.form()).items()}


def _oauth_error(error: str, description: str, status: int = 400) -> Response:
    # RFC 6749 §5.2 error response.
    return JSONResponse({"error": error, "error_description": description}, status_code=status)
