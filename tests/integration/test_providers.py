"""GET /providers: the catalogue on the wire."""

from __future__ import annotations

import httpx

from roost.core.runtime import Runtime


async def test_providers_are_listed_without_authentication(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    response = await client.get("/providers")
    assert response.status_code == 200
    providers = response.json()
    assert [p["id"] for p in providers] == [p.id for p in runtime.catalogue]
    gusto = next(p for p in providers if p["id"] == "gusto")
    assert set(gusto) == {
        "id",
        "display_name",
        "products",
        "authentication_methods",
        "beta",
        "icon",
        "logo",
        "mfa_required",
        "primary_color",
        "manual",
    }
    assert gusto["authentication_methods"][0]["type"] == "oauth"
    assert gusto["logo"].endswith("/static/providers/gusto.svg")


async def test_provider_logos_are_served_as_svg(client: httpx.AsyncClient) -> None:
    response = await client.get("/static/providers/adp_run.svg")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("image/svg+xml")
    assert response.text.startswith("<svg") and "<script" not in response.text
    assert (await client.get("/static/providers/nope.svg")).status_code == 404
