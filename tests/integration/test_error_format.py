"""Every framework-level failure answers in Finch's error format."""

from __future__ import annotations

import httpx
import pytest

from tests.conftest import Credentials

FINCH_KEYS = {"statusCode", "status", "code", "name", "message"}


def assert_finch_error(response: httpx.Response, status: int, name: str) -> dict[str, object]:
    assert response.status_code == status, response.text
    body: dict[str, object] = response.json()
    assert set(body) >= FINCH_KEYS
    assert body["statusCode"] == body["status"] == body["code"] == status
    assert body["name"] == name
    assert "detail" not in body
    assert response.headers["finch-request-id"]
    return body


async def test_unknown_route_is_a_finch_not_found(client: httpx.AsyncClient) -> None:
    assert_finch_error(await client.get("/no/such/route"), 404, "not_found_error")


async def test_wrong_method_is_a_finch_method_not_allowed(client: httpx.AsyncClient) -> None:
    assert_finch_error(await client.put("/connect/sessions", json={}), 405, "method_not_allowed_error")


async def test_malformed_json_is_a_bad_request(
    client: httpx.AsyncClient, app_credentials: Credentials
) -> None:
    response = await client.post(
        "/connect/sessions",
        content=b'{"customer_id": ',
        headers={**app_credentials.basic, "Content-Type": "application/json"},
    )
    body = assert_finch_error(response, 400, "bad_request")
    assert body["finch_code"] == "invalid_request"
    assert "JSON" in str(body["message"])


async def test_a_json_array_where_an_object_is_expected_is_a_bad_request(
    client: httpx.AsyncClient, app_credentials: Credentials
) -> None:
    response = await client.post("/connect/sessions", json=[1, 2], headers=app_credentials.basic)
    assert_finch_error(response, 400, "bad_request")


async def test_non_json_body_is_an_unsupported_media_type(
    client: httpx.AsyncClient, app_credentials: Credentials
) -> None:
    response = await client.post(
        "/connect/sessions",
        content=b"customer_id=acme",
        headers={**app_credentials.basic, "Content-Type": "application/x-www-form-urlencoded"},
    )
    assert_finch_error(response, 415, "unsupported_media_type_error")


@pytest.mark.parametrize("chunked", [False, True])
async def test_an_oversized_body_is_refused(
    client: httpx.AsyncClient, app_credentials: Credentials, chunked: bool
) -> None:
    payload = b'{"customer_id": "' + b"x" * 2_000_000 + b'"}'

    async def stream() -> object:
        for start in range(0, len(payload), 65536):
            yield payload[start : start + 65536]

    content: object = stream() if chunked else payload
    response = await client.post(
        "/connect/sessions",
        content=content,  # type: ignore[arg-type]
        headers={**app_credentials.basic, "Content-Type": "application/json"},
    )
    assert_finch_error(response, 413, "payload_too_large_error")


async def test_every_success_carries_a_request_id(client: httpx.AsyncClient) -> None:
    first = await client.get("/providers")
    second = await client.get("/providers")
    assert first.headers["finch-request-id"] != second.headers["finch-request-id"]
