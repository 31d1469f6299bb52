"""A Paychex Flex emulator: a credential login with MFA, then the Paychex REST reads.

Finch connects Paychex Flex with the employer's own username and password. Paychex does not
publish its portal's login API, so the login half is modelled on the usual shape of such
flows and labelled as such: ``POST /auth/login`` ``{username, password}`` answers
``{"status": "MFA_REQUIRED", "mfaToken", "deliveryMethod", "maskedDestination"}``;
``POST /auth/mfa`` ``{mfaToken, code}`` answers ``{"status": "AUTHENTICATED", "sessionToken"}``.
The read half follows the public API (developer.paychex.com): ``GET /companies`` lists the
companies the user may access (a user can have several: account selection),
``/companies/{companyId}``, ``/organizations`` and ``/workers`` with ``offset``/``limit``
paging ("Paging" resource page: no paging unless both are sent; ``next`` link while more
remain) and the ``workers_communications`` profile, and ``/workers/{workerId}/compensation/rates``.
Errors are ``{"errors": [{"code", "description", "resolution"}]}`` (unconfirmed).
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from roost.emulators import paychex_shapes as shapes
from roost.emulators.company_data import EmulatedCompany
from roost.emulators.faults import CONTROL_PREFIX, Fault, FaultInjector, FaultMiddleware
from roost.providers.sandbox.generator import CompanySpec

__all__ = ["DEMO_MFA_CODE", "DEMO_PASSWORD", "FlexUser", "PaychexFlexEmulator"]

# Published test credentials of the loopback emulator, not secrets.
DEMO_PASSWORD = "flex-pass"  # noqa: S105
DEMO_MFA_CODE = "246810"
Handler = Callable[[Request, EmulatedCompany], Awaitable[Response]]


@dataclass(frozen=True)
class FlexUser:
    username: str
    password: str
    companies: tuple[CompanySpec, ...]
    mfa_code: str = DEMO_MFA_CODE


def _default_users() -> tuple[FlexUser, ...]:
    today = date.today()
    one = CompanySpec(seed=4301, employee_size=40, today=today)
    two = CompanySpec(seed=4302, employee_size=15, today=today)
    return (
        FlexUser("flex_admin", DEMO_PASSWORD, (one,)),
        FlexUser("multi_admin", DEMO_PASSWORD, (one, two)),
    )


def flex_error(status: int, code: str, description: str) -> JSONResponse:
    body = {
        "errors": [{"code": code, "description": description, "resolution": "See developer.paychex.com."}]
    }
    return JSONResponse(body, status_code=status)


def _render_fault(fault: Fault) -> Response:
    response = flex_error(fault.status, "INJECTED_FAULT", f"Injected fault {fault.status}.")
    if fault.retry_after is not None:
        response.headers["Retry-After"] = str(int(fault.retry_after))
    return response


@dataclass
class _Sessions:
    mfa: dict[str, FlexUser] = field(default_factory=dict)
    active: dict[str, FlexUser] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)


class PaychexFlexEmulator:
    def __init__(self, users: tuple[FlexUser, ...] | None = None) -> None:
        self.users = {user.username: user for user in users or _default_users()}
        self.companies: dict[str, EmulatedCompany] = {}
        for user in self.users.values():
            for spec in user.companies:
                company = EmulatedCompany(spec)
                self.companies[self._company_id(company)] = company
        self.sessions = _Sessions()
        self._worker_index: dict[str, tuple[EmulatedCompany, int]] = {}
        self.faults = FaultInjector()

    @staticmethod
    def _company_id(company: EmulatedCompany) -> str:
        return shapes.paychex_id(company.spec.seed, company.sandbox.company().source_id)

    async def _login(self, request: Request) -> Response:
        body = await request.json()
        user = self.users.get(str(body.get("username", "")))
        if user is None or not secrets.compare_digest(user.password, str(body.get("password", ""))):
            return flex_error(401, "INVALID_CREDENTIALS", "The username or password is incorrect.")
        ticket = secrets.token_urlsafe(16)
        with self.sessions.lock:
            self.sessions.mfa[ticket] = user
        body = {"status": "MFA_REQUIRED", "mfaToken": ticket, "deliveryMethod": "SMS"}
        return JSONResponse({**body, "maskedDestination": "***-***-0142"})

    async def _mfa(self, request: Request) -> Response:
        body = await request.json()
        with self.sessions.lock:
            user = self.sessions.mfa.get(str(body.get("mfaToken", "")))
            if user is None:
                return flex_error(401, "MFA_EXPIRED", "Sign in again.")
            if str(body.get("code", "")).strip() != user.mfa_code:
                return flex_error(401, "INVALID_CODE", "The verification code is incorrect.")
            del self.sessions.mfa[str(body["mfaToken"])]
            session = secrets.token_urlsafe(32)
            self.sessions.active[session] = user
        return JSONResponse({"status": "AUTHENTICATED", "sessionToken": session})

    def _user(self, request: Request) -> FlexUser | None:
        token = request.headers.get("authorization", "").removeprefix("Bearer ").strip()
        with self.sessions.lock:
            return self.sessions.active.get(token)

    def _allowed(self, user: FlexUser) -> list[EmulatedCompany]:
        return [company for company in self.companies.values() if company.spec in user.companies]

    async def _companies(self, request: Request) -> Response:
        user = self._user(request)
        if user is None:
            return flex_error(401, "UNAUTHORIZED", "The session is invalid or has expired.")
        rows = [shapes.company(c.spec.seed, c.sandbox.company()) for c in self._allowed(user)]
        return JSONResponse(shapes.collection(rows, None, None, len(rows)))

    def _route(self, handler: Handler) -> Callable[[Request], Awaitable[Response]]:
        async def endpoint(request: Request) -> Response:
            user = self._user(request)
            if user is None:
                return flex_error(401, "UNAUTHORIZED", "The session is invalid or has expired.")
            company = self.companies.get(request.path_params["company_id"])
            if company is None or company.spec not in user.companies:
                return flex_error(403, "FORBIDDEN", "No access to this company.")
            return await handler(request, company)

        return endpoint

    async def _company(self, request: Request, company: EmulatedCompany) -> Response:
        row = shapes.company(company.spec.seed, company.sandbox.company())
        return JSONResponse(shapes.collection([row], None, None, 1))

    async def _organizations(self, request: Request, company: EmulatedCompany) -> Response:
        rows = shapes.organizations(company.spec.seed, company.sandbox.company())
        return JSONResponse(shapes.collection(rows, None, None, len(rows)))

    async def _workers(self, request: Request, company: EmulatedCompany) -> Response:
        params, size = request.query_params, company.spec.employee_size
        paged = "offset" in params and "limit" in params
        offset = int(params["offset"]) if paged else 0
        limit = min(100, int(params["limit"])) if paged else size
        with_communications = "workers_communications" in request.headers.get("accept", "")
        seed = company.spec.seed
        rows = [
            shapes.worker(seed, *company.person(i), with_communications)
            for i in range(offset, min(size, offset + limit))
        ]
        body = shapes.collection(rows, offset if paged else None, limit if paged else None, size)
        if paged and offset + limit < size:
            body["links"] = [
                {"rel": "next", "href": f"{request.url.path}?offset={offset + limit}&limit={limit}"}
            ]
        return JSONResponse(body)

    async def _rates(self, request: Request) -> Response:
        if self._user(request) is None:
            return flex_error(401, "UNAUTHORIZED", "The session is invalid or has expired.")
        found = self._workers_by_id().get(request.path_params["worker_id"])
        if found is None:
            return flex_error(404, "NOT_FOUND", "Unknown worker.")
        company, index = found
        rows = shapes.compensation_rates(company.spec.seed, company.person(index)[1])
        return JSONResponse(shapes.collection(rows, None, None, len(rows)))

    def _workers_by_id(self) -> dict[str, tuple[EmulatedCompany, int]]:
        if not self._worker_index:
            for company in self.companies.values():
                for source_id, index in company.index_by_source_id.items():
                    self._worker_index[shapes.paychex_id(company.spec.seed, source_id)] = (company, index)
        return self._worker_index

    async def _revoke(self, request: Request) -> Response:
        with self.sessions.lock:
            self.sessions.active.clear()
        return Response(status_code=204)

    def app(self) -> Starlette:
        company_routes: list[tuple[str, Handler]] = [
            ("/companies/{company_id}", self._company),
            ("/companies/{company_id}/organizations", self._organizations),
            ("/companies/{company_id}/workers", self._workers),
        ]
        routes = [
            Route("/auth/login", self._login, methods=["POST"]),
            Route("/auth/mfa", self._mfa, methods=["POST"]),
            Route("/companies", self._companies, methods=["GET"]),
            *(Route(path, self._route(handler), methods=["GET"]) for path, handler in company_routes),
            Route("/workers/{worker_id}/compensation/rates", self._rates, methods=["GET"]),
            Route(f"{CONTROL_PREFIX}revoke", self._revoke, methods=["POST"]),
            *self.faults.routes(),
        ]
        application = Starlette(routes=routes)
        application.add_middleware(FaultMiddleware, injector=self.faults, render=_render_fault)
        return application
