"""A BambooHR API emulator on loopback: API-key Basic auth, directory, fields, reports, tables.

Reproduces reference/providers.md §3.3 for API keys (documentation.bamboohr.com
"getting-started", "api-details"): both base paths (``/api/gateway.php/{companyDomain}/v1/…``
and ``/api/v1/…`` with the tenant as the host's first label), JSON only when
``Accept: application/json`` (other Accept values get 406 here), errors as a status plus the
``X-BambooHR-Error-Message`` header with an empty body, and ``id=0`` meaning the key's owner.
Control routes: ``/_emulator/faults`` and ``/_emulator/revoke`` (POST disables every API key,
DELETE enables them again).
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from roost.emulators import bamboohr_shapes as shapes
from roost.emulators.company_data import EmulatedCompany
from roost.emulators.faults import CONTROL_PREFIX, Fault, FaultInjector, FaultMiddleware
from roost.providers.sandbox.generator import CompanySpec

__all__ = ["DEMO_API_KEY", "DEMO_DOMAIN", "BambooHrEmulator", "BambooTenant"]

DEMO_DOMAIN = "acme"
# A well-known key for the loopback emulator only (BambooHR keys are 40 hex characters).
DEMO_API_KEY = "0123456789abcdef0123456789abcdef01234567"
Handler = Callable[[Request, "_Tenant"], Awaitable[Response]]


@dataclass(frozen=True)
class BambooTenant:
    domain: str
    api_key: str
    spec: CompanySpec


def _default_tenants() -> tuple[BambooTenant, ...]:
    return (
        BambooTenant(DEMO_DOMAIN, DEMO_API_KEY, CompanySpec(seed=4202, employee_size=40, today=date.today())),
    )


@dataclass
class _Tenant:
    config: BambooTenant
    company: EmulatedCompany
    revoked: bool = False
    ids: dict[str, str] = field(default_factory=dict)

    def employee_id(self, source_id: str | None) -> str | None:
        """BambooHR ids are small integers, sent as strings: position in the roster plus one."""
        if source_id is None:
            return None
        return str(self.company.index_by_source_id[source_id] + 1)

    def fields(self, index: int) -> dict[str, Any]:
        individual, employment = self.company.person(index)
        supervisor = self.employee_id(employment.manager_source_id)
        return shapes.employee_fields(str(index + 1), individual, employment, supervisor)


def bamboo_error(status: int, message: str) -> Response:
    return Response(status_code=status, headers={"X-BambooHR-Error-Message": message})


def _render_fault(fault: Fault) -> Response:
    response = bamboo_error(fault.status, f"Injected fault {fault.status}.")
    if fault.retry_after is not None:
        response.headers["Retry-After"] = str(int(fault.retry_after))
    return response


class BambooHrEmulator:
    def __init__(self, tenants: tuple[BambooTenant, ...] | None = None) -> None:
        configured = tenants or _default_tenants()
        self.tenants = {t.domain: _Tenant(t, EmulatedCompany(t.spec)) for t in configured}
        self.faults = FaultInjector()

    def _guard(self, request: Request) -> _Tenant | Response:
        domain = request.path_params.get("domain") or (request.url.hostname or "").split(".")[0]
        tenant = self.tenants.get(domain or "")
        if tenant is None:
            return bamboo_error(404, "Unknown company domain.")
        key = _basic_username(request.headers.get("authorization", ""))
        if key is None or key != tenant.config.api_key or tenant.revoked:
            return bamboo_error(401, "Invalid or missing API key.")
        wants_json = "application/json" in request.headers.get("accept", "")
        if not wants_json and request.query_params.get("format", "").upper() != "JSON":
            return bamboo_error(406, "This emulator only answers JSON: send Accept: application/json.")
        return tenant

    def _route(self, handler: Handler) -> Callable[[Request], Awaitable[Response]]:
        async def endpoint(request: Request) -> Response:
            tenant = self._guard(request)
            return tenant if isinstance(tenant, Response) else await handler(request, tenant)

        return endpoint

    async def _company_information(self, request: Request, tenant: _Tenant) -> Response:
        return JSONResponse(shapes.company_information(tenant.company.sandbox.company()))

    async def _directory(self, request: Request, tenant: _Tenant) -> Response:
        keys = ["id", "displayName", "firstName", "lastName", "preferredName", "jobTitle", "workPhone"]
        keys += ["mobilePhone", "workEmail", "department", "location", "supervisorEId"]
        rows = [tenant.fields(i) for i in range(tenant.company.spec.employee_size)]
        # The directory lists Active employees only (providers.md §2.3).
        employees = [{k: row.get(k) for k in keys} for row in rows if row["status"] == "Active"]
        return JSONResponse(
            {"fields": [{"id": k, "type": "text", "name": k} for k in keys[1:]], "employees": employees}
        )

    async def _employee(self, request: Request, tenant: _Tenant) -> Response:
        employee_id = request.path_params["employee_id"]
        index = 0 if employee_id == "0" else int(employee_id) - 1 if employee_id.isdigit() else -1
        if not 0 <= index < tenant.company.spec.employee_size:
            return bamboo_error(404, "Employee not found.")
        wanted = request.query_params.get("fields", "firstName,lastName").split(",")
        row = tenant.fields(index)
        return JSONResponse({"id": row["id"], **{name: row.get(name) for name in wanted if name in row}})

    async def _custom_report(self, request: Request, tenant: _Tenant) -> Response:
        body = await request.json()
        wanted = [str(name) for name in body.get("fields", [])]
        ids = {str(i) for i in (body.get("filters") or {}).get("employeeIds", [])}
        rows = [tenant.fields(i) for i in range(tenant.company.spec.employee_size)]
        # Unknown or forbidden fields are silently dropped (providers.md §2.3).
        known = [name for name in wanted if name in rows[0]] if rows else []
        employees = [
            {"id": row["id"], **{name: row[name] for name in known}}
            for row in rows
            if not ids or row["id"] in ids
        ]
        fields = [{"id": name, "type": "text", "name": name} for name in known]
        return JSONResponse({"title": body.get("title", "Report"), "fields": fields, "employees": employees})

    async def _table(self, request: Request, tenant: _Tenant) -> Response:
        if request.path_params["table"] != "compensation":
            return bamboo_error(404, "Unknown table.")
        employee_id = request.path_params["employee_id"]
        size = tenant.company.spec.employee_size
        indices = range(size) if employee_id == "all" else [int(employee_id) - 1]
        rows: list[dict[str, Any]] = []
        for index in indices:
            if 0 <= index < size:
                rows += shapes.compensation_rows(str(index + 1), tenant.company.person(index)[1])
        return JSONResponse(rows)

    async def _lists(self, request: Request, tenant: _Tenant) -> Response:
        company = tenant.company.sandbox.company()
        departments = [d.name for d in company.departments]
        offices = [loc.name for loc in company.locations if loc.name]
        return JSONResponse(
            [
                _list_field(4, "department", "Department", departments),
                _list_field(5, "location", "Location", offices),
            ]
        )

    async def _revoke(self, request: Request) -> Response:
        # POST disables every key (as BambooHR does after a key is deleted); DELETE restores them.
        for tenant in self.tenants.values():
            tenant.revoked = request.method == "POST"
        return Response(status_code=204)

    def routes(self) -> list[Route]:
        api: list[tuple[str, Handler, str]] = [
            ("/company_information", self._company_information, "GET"),
            ("/employees/directory", self._directory, "GET"),
            ("/employees/{employee_id}", self._employee, "GET"),
            ("/employees/{employee_id}/tables/{table}", self._table, "GET"),
            ("/reports/custom", self._custom_report, "POST"),
            ("/meta/lists", self._lists, "GET"),
        ]
        routes = [
            Route(f"{prefix}{path}", self._route(handler), methods=[method])
            for prefix in ("/api/gateway.php/{domain}/v1", "/api/v1")
            for path, handler, method in api
        ]
        return [
            *routes,
            Route(f"{CONTROL_PREFIX}revoke", self._revoke, methods=["POST", "DELETE"]),
            *self.faults.routes(),
        ]

    def app(self) -> Starlette:
        application = Starlette(routes=self.routes())
        application.add_middleware(FaultMiddleware, injector=self.faults, render=_render_fault)
        return application


def _list_field(field_id: int, alias: str, name: str, options: list[str]) -> dict[str, Any]:
    return {
        "fieldId": field_id,
        "alias": alias,
        "name": name,
        "manageable": "yes",
        "multiple": "no",
        "options": [
            {"id": index + 1, "archived": "no", "name": option} for index, option in enumerate(options)
        ],
    }


def _basic_username(header: str) -> str | None:
    """The API key: BambooHR reads it as the Basic-auth username, ignoring the password."""
    scheme, _, encoded = header.partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        return base64.b64decode(encoded).decode().partition(":")[0]
    except (binascii.Error, UnicodeDecodeError):
        return None
