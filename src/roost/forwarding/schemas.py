"""Wire shapes of ``POST /forward`` (reference §5; ``request_forwarding_forward_params``)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

Method = Literal["GET", "POST", "PUT", "DELETE", "PATCH"]


class ForwardRequest(BaseModel):
    model_config = ConfigDict(extra="ignore")

    method: Method
    # "must begin with a forward-slash and may only contain alphanumeric characters, hyphens,
    # and underscores" (the SDK's docstring), so a route cannot climb out of the provider's API.
    route: str = Field(pattern=r"^/[A-Za-z0-9/_-]*$", max_length=2048)
    data: str | dict[str, Any] | None = None
    params: dict[str, Any] | None = None
    request_headers: dict[str, Any] | None = None

    @field_validator("method", mode="before")
    @classmethod
    def _upper(cls, value: Any) -> Any:
        return value.upper() if isinstance(value, str) else value


class ForwardedRequest(BaseModel):
    method: str
    route: str
    data: str | dict[str, Any] | None
    headers: dict[str, Any] | None
    params: dict[str, Any] | None


class ForwardResponse(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    # Finch's one camelCase key.
    status_code: int = Field(serialization_alias="statusCode")
    headers: dict[str, str] | None
    data: str | None
    request: ForwardedRequest
