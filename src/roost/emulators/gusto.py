"""A Gusto API emulator on loopback: OAuth, ``/v1`` reads, paging, versioning, rate limits.

Reproduces reference/providers.md §3.1 ("minimum faithful subset") over sandbox companies, one
company per OAuth grant. Control routes (``/_emulator/...``): ``faults`` (see
:mod:`roost.emulators.faults`), ``expire_tokens`` (every access token expires now),
``revoke`` (every grant is revoked: the next call or refresh fails) and ``stats``.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from roost.emulators import gusto_payroll_shapes as payroll_shapes
from roost.emulators import gusto_shapes as shapes
from roost.emulators.company_data import EmulatedCompany
from roost.emulators.faults import CONTROL_PREFIX, Fault, FaultInjector, FaultMiddleware
from roost.emulators.gusto_oauth import GustoAuthorizationServer, GustoClient
from roost.providers.records import Payment
from roost.providers.sandbox.generator import CompanySpec

__all__ = ["GustoEmulator", "GustoEmulatorConfig"]

LATEST_VERSION = "2026-06-15"
# The emulator's registered application; not a secret, anyone may connect to a loopback emulator.
CLIENT_ID = "roost-gusto-emulator"
CLIENT_SECRET = "roost-gusto-emulator-secret"  # noqa: S105
Handler = Callable[[Request, EmulatedCompany], Response]


def _default_companies() -> tuple[CompanySpec, ...]:
    return (CompanySpec(seed=4101, employee_size=40, today=date.today()),)


@dataclass(frozen=True)
class GustoEmulatorConfig:
    client: GustoClient = field(default_factory=lambda: GustoClient(CLIENT_ID, CLIENT_SECRET))
    companies: tuple[CompanySpec, ...] = field(default_factory=_default_companies)
    access_token_seconds: float = 7200.0
    minimum_version: str = "2025-06-15"
    requests_per_minute: int = 200


def gusto_error(status: int, category: str, message: str, key: str = "base") -> JSONResponse:
    """Gusto's error body (providers.md §1.4)."""
    body = {"errors": [{"error_key": key, "category": category, "message": message}]}
    return JSONResponse(body, status_code=status)


def _render_fault(fault: Fault) -> Response:
    response = gusto_error(fault.status, "injected_fault", f"Injected fault {fault.status}.")
    if fault.retry_after is not None:
        response.headers["Retry-After"] = str(int(fault.retry_after))
    return response


def _window(request: Request, rows: Sequence[Any]) -> tuple[Sequence[Any], dict[str, str]]:
    """``page``/``per`` paging and its ``X-*`` headers; everything when ``page`` is absent."""
    if "page" not in request.query_params:
        return rows, {}
    page = max(1, int(request.query_params["page"]))
    per = max(1, int(request.query_params.get("per", "25")))
    headers = {
        "X-Page": str(page),
        "X-Per-Page": str(per),
        "X-Total-Pages": str(max(1, -(-len(rows) // per))),
        "X-Total-Count": str(len(rows)),
    }
    return rows[(page - 1) * per : page * per], headers


def _page(request: Request, rows: Sequence[Any], render: Callable[[Any], Any]) -> Response:
    window, headers = _window(request, rows)
    return JSONResponse([render(row) for row in window], headers=headers)


def _includes(request: Request) -> frozenset[str]:
    return frozenset(filter(None, request.query_params.get("include", "").split(",")))


class GustoEmulator:
    def __init__(self, config: GustoEmulatorConfig | None = None) -> None:
        self.config = config or GustoEmulatorConfig()
        self.companies = [EmulatedCompany(spec) for spec in self.config.companies]
        names = [company.sandbox.company().legal_name or "Company" for company in self.companies]
        self.oauth = GustoAuthorizationServer(self.config.client, names, self.config.access_token_seconds)
        self.faults = FaultInjector()
        self._calls: dict[str, deque[float]] = {}
        self._calls_lock = threading.Lock()

    def company_uuid(self, index: int) -> str:
        company = self.companies[index]
        return shapes.gusto_uuid(company.spec.seed, company.sandbox.company().source_id)

    # -- request guard: version, bearer token, rate limit, company access ---------------------
    def _guard(self, request: Request, company_id: str | None) -> tuple[int, Response | None]:
        version = request.headers.get("x-gusto-api-version")
        if version is not None and not self.config.minimum_version <= version <= LATEST_VERSION:
            return -1, JSONResponse(
                {
                    "name": "Invalid X-Gusto-API-Version Header",
                    "message": f"Invalid API Version {version}. Version must be >= your application's "
                    f"minimum API version ({self.config.minimum_version}) and not in the future.",
                },
                status_code=406,
            )
        token = request.headers.get("authorization", "").removeprefix("Bearer ").strip()
        grant = self.oauth.grant_for(token) if token else None
        if grant is None:
            response = gusto_error(401, "invalid_token", "The access token is invalid or has expired.")
            # RFC 6750 §3: the challenge names the failure.
            response.headers["WWW-Authenticate"] = 'Bearer error="invalid_token"'
            return -1, response
        limited = self._rate_limited(token)
        if limited is not None:
            return -1, limited
        if company_id is not None and company_id != self.company_uuid(grant.company):
            return -1, gusto_error(403, "forbidden", "This token does not grant access to that company.")
        return grant.company, None

    def _rate_limited(self, token: str) -> Response | None:
        # providers.md §1.4: N requests per rolling 60 s per access token, then 429.
        now, limit = time.monotonic(), self.config.requests_per_minute
        with self._calls_lock:
            calls = self._calls.setdefault(token, deque())
            while calls and calls[0] <= now - 60:
                calls.popleft()
            if len(calls) >= limit:
                retry_after = max(1, int(calls[0] + 60 - now) + 1)
                response = gusto_error(429, "rate_limit_exceeded", "Too many requests.")
                response.headers.update(
                    {
                        "Retry-After": str(retry_after),
                        "X-RateLimit-Limit": str(limit),
                        "X-RateLimit-Remaining": "0",
                    }
                )
                return response
            calls.append(now)
        return None

    def _company_route(self, handler: Handler) -> Callable[[Request], Any]:
        async def endpoint(request: Request) -> Response:
            index, problem = self._guard(request, request.path_params.get("company_id"))
            if problem is not None:
                return problem
            response = handler(request, self.companies[index])
            response.headers["X-Gusto-API-Version"] = request.headers.get(
                "x-gusto-api-version", self.config.minimum_version
            )
            return response

        return endpoint

    # -- resources ------------------------------------------------------------------------------
    def _token_info(self, request: Request, company: EmulatedCompany) -> Response:
        return JSONResponse(
            {
                "scope": "companies:read employees:read payrolls:read",
                "resource": {
                    "type": "Company",
                    "uuid": self._uuid(company, company.sandbox.company().source_id),
                },
                "resource_owner": {"type": "CompanyAdmin", "uuid": self._uuid(company, "admin")},
            }
        )

    @staticmethod
    def _uuid(company: EmulatedCompany, source_id: str) -> str:
        return shapes.gusto_uuid(company.spec.seed, source_id)

    def _company(self, request: Request, company: EmulatedCompany) -> Response:
        return JSONResponse(shapes.company(company.spec.seed, company.sandbox.company()))

    def _locations(self, request: Request, company: EmulatedCompany) -> Response:
        seed = company.spec.seed
        return _page(request, company.sandbox.company().locations, lambda row: shapes.location(seed, row))

    def _departments(self, request: Request, company: EmulatedCompany) -> Response:
        return JSONResponse(shapes.departments(company.spec.seed, company.sandbox.company()))

    def _employees(self, request: Request, company: EmulatedCompany) -> Response:
        include, seed = _includes(request), company.spec.seed
        indices: Sequence[int] = company.employee_indices
        terminated = request.query_params.get("terminated")
        if terminated is not None:
            wanted = terminated == "true"
            indices = [
                i for i in indices if (company.person(i)[1].employment_status == "terminated") == wanted
            ]
        return _page(request, indices, lambda i: shapes.employee(seed, *company.person(i), include))

    def _employee(self, request: Request, company: EmulatedCompany) -> Response:
        wanted = request.path_params["employee_id"]
        for index in company.employee_indices:
            individual, employment = company.person(index)
            if self._uuid(company, individual.source_id) == wanted:
                return JSONResponse(
                    shapes.employee(company.spec.seed, individual, employment, _includes(request))
                )
        return gusto_error(404, "not_found", "The requested resource was not found.", key="request")

    def _contractors(self, request: Request, company: EmulatedCompany) -> Response:
        seed = company.spec.seed
        return _page(
            request, company.contractor_indices, lambda i: shapes.contractor(seed, *company.person(i))
        )

    def _pay_schedules(self, request: Request, company: EmulatedCompany) -> Response:
        seed = company.spec.seed
        return _page(
            request, company.sandbox.pay_groups(), lambda group: payroll_shapes.pay_schedule(seed, group)
        )

    def _assignments(self, request: Request, company: EmulatedCompany) -> Response:
        rows = [
            {
                "employee_uuid": self._uuid(company, person),
                "pay_schedule_uuid": self._uuid(company, group.source_id),
            }
            for group in company.sandbox.pay_groups()
            for person in group.individual_source_ids
        ]
        return JSONResponse({"type": "by_employee", "employees": rows})

    def _payrolls(self, request: Request, company: EmulatedCompany) -> Response:
        params = request.query_params
        if "processed" not in params.get("processing_statuses", "processed"):
            return JSONResponse([])  # every sandbox payroll is processed
        today = company.spec.today
        start = date.fromisoformat(params.get("start_date", date(today.year, 1, 1).isoformat()))
        end = date.fromisoformat(params.get("end_date", today.isoformat()))
        if (end - start).days > 366:
            return gusto_error(
                422, "invalid_parameter", "The date range must not exceed one year.", "end_date"
            )
        seed, include = company.spec.seed, _includes(request)
        company_uuid = self._uuid(company, company.sandbox.company().source_id)
        payments = company.payments_between(start, end)
        return _page(request, payments, lambda p: payroll_shapes.payroll(seed, company_uuid, p, include))

    def _payroll(self, request: Request, company: EmulatedCompany) -> Response:
        wanted, include = request.path_params["payroll_id"], _includes(request)
        for payment in company.payments:
            if self._uuid(company, payment.source_id) == wanted:
                return self._payroll_detail(request, company, payment, include)
        return gusto_error(404, "not_found", "The requested resource was not found.", key="request")

    def _payroll_detail(
        self, request: Request, company: EmulatedCompany, payment: Payment, include: frozenset[str]
    ) -> Response:
        seed = company.spec.seed
        company_uuid = self._uuid(company, company.sandbox.company().source_id)
        # Contractors are paid through contractor payments, not payrolls, in Gusto.
        contractors = {company.person(i)[0].source_id for i in company.contractor_indices}
        statements = [
            s
            for s in company.sandbox.pay_statements(payment.source_id)
            if s.individual_source_id not in contractors
        ]
        # The show call pages its employee_compensations (max 100) and keeps the payroll object.
        window, headers = _window(request, statements)
        body = payroll_shapes.payroll(seed, company_uuid, payment, include)
        body["employee_compensations"] = [
            payroll_shapes.employee_compensation(seed, s, include) for s in window
        ]
        return JSONResponse(body, headers=headers)

    # -- control ------------------------------------------------------------------------------
    async def _expire(self, request: Request) -> Response:
        self.oauth.expire_access_tokens()
        return Response(status_code=204)

    async def _revoke_all(self, request: Request) -> Response:
        self.oauth.revoke_everything()
        return Response(status_code=204)

    async def _stats(self, request: Request) -> Response:
        return JSONResponse(dict(self.oauth.stats))

    def routes(self) -> list[Route]:
        api: list[tuple[str, Handler]] = [
            ("/v1/token_info", self._token_info),
            ("/v1/companies/{company_id}", self._company),
            ("/v1/companies/{company_id}/locations", self._locations),
            ("/v1/companies/{company_id}/departments", self._departments),
            ("/v1/companies/{company_id}/employees", self._employees),
            ("/v1/employees/{employee_id}", self._employee),
            ("/v1/companies/{company_id}/contractors", self._contractors),
            ("/v1/companies/{company_id}/pay_schedules", self._pay_schedules),
            ("/v1/companies/{company_id}/pay_schedules/assignments", self._assignments),
            ("/v1/companies/{company_id}/payrolls", self._payrolls),
            ("/v1/companies/{company_id}/payrolls/{payroll_id}", self._payroll),
        ]
        return [
            Route("/oauth/authorize", self.oauth.authorize_page, methods=["GET"]),
            Route("/oauth/authorize", self.oauth.authorize_decision, methods=["POST"]),
            Route("/oauth/token", self.oauth.token, methods=["POST"]),
            Route("/oauth/revoke", self.oauth.revoke, methods=["POST"]),
            *(Route(path, self._company_route(handler), methods=["GET"]) for path, handler in api),
            Route(f"{CONTROL_PREFIX}expire_tokens", self._expire, methods=["POST"]),
            Route(f"{CONTROL_PREFIX}revoke", self._revoke_all, methods=["POST"]),
            Route(f"{CONTROL_PREFIX}stats", self._stats, methods=["GET"]),
            *self.faults.routes(),
        ]

    def app(self) -> Starlette:
        application = Starlette(routes=self.routes())
        application.add_middleware(FaultMiddleware, injector=self.faults, render=_render_fault)
        return application
