"""Errors in Finch's wire format (reference/finch-api.md §12).

Every error a client can see, from a service rule to a framework failure, leaves as::

    {"statusCode": 400, "status": 400, "code": 400, "name": "bad_request",
     "finch_code": "invalid_request", "message": "...", "context": {...}}

``finch_code`` and ``context`` appear only when they carry something.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from roost.core.logging import get_logger

log = get_logger(__name__)


class FinchError(Exception):
    """An error that is part of the API contract."""

    def __init__(
        self,
        status: int,
        name: str,
        message: str,
        *,
        finch_code: str | None = None,
        context: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.name = name
        self.message = message
        self.finch_code = finch_code
        self.context = context
        self.headers = headers

    def body(self) -> dict[str, Any]:
        return error_body(self.status, self.name, self.message, self.finch_code, self.context)


def error_body(
    status: int,
    name: str,
    message: str,
    finch_code: str | None = None,
    context: dict[str, Any] | None = None,
) -> dict[str, Any]:
    body: dict[str, Any] = {"statusCode": status, "status": status, "code": status, "name": name}
    if finch_code is not None:
        body["finch_code"] = finch_code
    body["message"] = message
    if context:
        body["context"] = context
    return body


def bad_request(message: str, *, context: dict[str, Any] | None = None) -> FinchError:
    return FinchError(400, "bad_request", message, finch_code="invalid_request", context=context)


def not_found(message: str, *, finch_code: str | None = "item_not_found") -> FinchError:
    return FinchError(404, "not_found_error", message, finch_code=finch_code)


def unauthorized(message: str = "Unauthorized request: no authentication given") -> FinchError:
    return FinchError(401, "unauthorized_request_error", message)


def invalid_client() -> FinchError:
    return FinchError(401, "invalid_client_error", "Invalid client_id or client_secret")


def invalid_token(message: str = "Invalid access token") -> FinchError:
    return FinchError(401, "invalid_token_error", message)


def forbidden(message: str, *, name: str = "forbidden_error") -> FinchError:
    return FinchError(403, name, message)


_STATUS_NAMES: dict[int, tuple[str, str | None, str]] = {
    400: ("bad_request", "invalid_request", "Bad request"),
    401: ("unauthorized_request_error", None, "Unauthorized request: no authentication given"),
    403: ("forbidden_error", None, "Forbidden"),
    404: ("not_found_error", "route_not_found", "No route matches this path"),
    405: ("method_not_allowed_error", None, "Method not allowed for this route"),
    413: ("payload_too_large_error", None, "Request body too large"),
    415: ("unsupported_media_type_error", None, "Request body must be application/json"),
    429: ("rate_limit_exceeded_error", None, "Too many requests"),
}


def _describe_validation_error(error: dict[str, Any]) -> str:
    location = [str(part) for part in error.get("loc", ()) if part not in ("body", "query", "path")]
    field = ".".join(location) if location else "body"
    kind = error.get("type", "")
    if kind == "missing":
        return f"{field} is required"
    if kind == "json_invalid":
        return "Request body is not valid JSON"
    message = str(error.get("msg", "is invalid"))
    return f"{field}: {message}"


def finch_error_response(exc: FinchError) -> JSONResponse:
    return JSONResponse(exc.body(), status_code=exc.status, headers=exc.headers)


def validation_error_response(exc: RequestValidationError) -> JSONResponse:
    """FastAPI's 422 in Finch's shape: ``400 bad_request`` naming the fields."""
    errors = list(exc.errors())
    messages = [_describe_validation_error(error) for error in errors[:5]]
    fields = sorted({".".join(str(p) for p in e.get("loc", ())[1:]) for e in errors})
    body = error_body(
        400, "bad_request", "; ".join(messages), "invalid_request", {"fields": fields} if fields else None
    )
    return JSONResponse(body, status_code=400)


def internal_error_response() -> JSONResponse:
    return JSONResponse(error_body(500, "server_error", "Internal server error"), status_code=500)


def install_error_handlers(app: FastAPI) -> None:
    """Make every framework-level failure speak the Finch error format."""

    @app.exception_handler(FinchError)
    async def _finch_error(_request: Request, exc: FinchError) -> JSONResponse:
        return finch_error_response(exc)

    @app.exception_handler(RequestValidationError)
    async def _validation_error(_request: Request, exc: RequestValidationError) -> JSONResponse:
        return validation_error_response(exc)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        name, finch_code, default_message = _STATUS_NAMES.get(
            exc.status_code, ("server_error", None, "Request failed")
        )
        message = (
            default_message if exc.detail in (None, "", _default_detail(exc.status_code)) else str(exc.detail)
        )
        headers = dict(exc.headers) if exc.headers else None
        return JSONResponse(
            error_body(exc.status_code, name, message, finch_code),
            status_code=exc.status_code,
            headers=headers,
        )

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        # The traceback goes to our log, never to the client.
        log.exception("unhandled_error", path=request.url.path, error_type=type(exc).__name__)
        return internal_error_response()


def _default_detail(status: int) -> str:
    from http import HTTPStatus

    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""
