"""Applications: the admin API, secret handling, redirect URIs and origins."""

from __future__ import annotations

from pathlib import Path

import httpx
from sqlalchemy import select

from roost.applications.models import Application
from roost.core.runtime import Runtime
from tests.conftest import ADMIN_TOKEN, Credentials, stored_anywhere

ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}


async def create_app(client: httpx.AsyncClient, **body: object) -> dict[str, object]:
    response = await client.post("/admin/applications", json={"name": "Payroll Co", **body}, headers=ADMIN)
    assert response.status_code == 201, response.text
    data: dict[str, object] = response.json()
    return data


async def test_admin_api_needs_the_admin_token(client: httpx.AsyncClient) -> None:
    missing = await client.get("/admin/applications")
    assert missing.status_code == 401
    assert missing.json()["name"] == "unauthorized_request_error"
    wrong = await client.get("/admin/applications", headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401
    assert wrong.json()["name"] == "invalid_token_error"


async def test_created_application_shows_its_secret_once_and_stores_only_a_digest(
    client: httpx.AsyncClient, runtime: Runtime, sqlite_path: Path | None
) -> None:
    created = await create_app(
        client,
        type="sandbox",
        redirect_uris=["https://a.example.com/cb"],
        origins=["https://A.example.com:443/"],
    )
    client_id, secret = str(created["client_id"]), str(created["client_secret"])
    assert client_id.startswith("roost_ci_")
    assert secret.startswith("roost_cs_")
    assert created["origins"] == ["https://a.example.com"]
    shown = (await client.get(f"/admin/applications/{client_id}", headers=ADMIN)).json()
    assert "client_secret" not in shown
    async with runtime.database.reading() as session:
        row = await session.scalar(select(Application).where(Application.client_id == client_id))
    assert row is not None and secret not in row.client_secret_digest
    assert len(row.client_secret_digest) == 64
    if sqlite_path is not None:
        assert stored_anywhere(sqlite_path, secret.encode()) == []


async def test_rotating_the_secret_retires_the_old_one(client: httpx.AsyncClient) -> None:
    created = await create_app(client)
    old = Credentials(str(created["client_id"]), str(created["client_secret"]))
    body = {"customer_id": "c1", "customer_name": "C1", "products": ["company"]}
    assert (await client.post("/connect/sessions", json=body, headers=old.basic)).status_code == 201
    rotated = (await client.post(f"/admin/applications/{old.client_id}/rotate-secret", headers=ADMIN)).json()
    new = Credentials(old.client_id, rotated["client_secret"])
    assert new.client_secret != old.client_secret
    assert (await client.post("/connect/sessions", json=body, headers=old.basic)).status_code == 401
    assert (await client.post("/connect/sessions", json=body, headers=new.basic)).status_code == 201


async def test_redirect_uris_and_origins_can_be_added_and_removed(client: httpx.AsyncClient) -> None:
    client_id = str((await create_app(client))["client_id"])
    base = f"/admin/applications/{client_id}"
    added = await client.post(f"{base}/redirect-uris", json={"uri": "https://x.test/cb"}, headers=ADMIN)
    assert added.json()["redirect_uris"] == ["https://x.test/cb"]
    added = await client.post(f"{base}/origins", json={"origin": "http://localhost:3000"}, headers=ADMIN)
    assert added.json()["origins"] == ["http://localhost:3000"]
    removed = await client.request(
        "DELETE", f"{base}/redirect-uris", json={"uri": "https://x.test/cb"}, headers=ADMIN
    )
    assert removed.json()["redirect_uris"] == []
    removed = await client.request(
        "DELETE", f"{base}/origins", json={"origin": "http://localhost:3000"}, headers=ADMIN
    )
    assert removed.json()["origins"] == []
    missing = await client.request(
        "DELETE", f"{base}/origins", json={"origin": "http://a.test"}, headers=ADMIN
    )
    assert missing.status_code == 404


async def test_bad_redirect_uris_and_origins_are_rejected(client: httpx.AsyncClient) -> None:
    for body in (
        {"redirect_uris": ["not a url"]},
        {"redirect_uris": ["https://a.test/cb#frag"]},
        {"origins": ["https://a.test/path"]},
        {"origins": ["ftp://a.test"]},
        {"type": "enterprise"},
        {"name": ""},
    ):
        response = await client.post("/admin/applications", json={"name": "X", **body}, headers=ADMIN)
        assert response.status_code == 400, body
        assert response.json()["finch_code"] == "invalid_request"


async def test_unknown_application_is_not_found(client: httpx.AsyncClient) -> None:
    response = await client.get("/admin/applications/roost_ci_missing", headers=ADMIN)
    assert response.status_code == 404


async def test_applications_are_listed(client: httpx.AsyncClient) -> None:
    client_id = (await create_app(client))["client_id"]
    listed = (await client.get("/admin/applications", headers=ADMIN)).json()
    assert client_id in [a["client_id"] for a in listed]
