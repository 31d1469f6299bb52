"""GET /providers: the catalogue on the wire."""

from __future__ import annotations

import httpx

from roost.core.runtime import Runtime
from roost.providers.routes import provider_out


async def test_providers_are_listed_without_authentication(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    response = await client.get("/providers")
    assert response.status_code == 200
    providers = response.json()
    assert [p["id"] for p in providers] == [p.id for p in runtime.catalogue]
    # Generated from the adapter registry, entry for entry.
    assert runtime.catalogue is runtime.adapters.catalogue
    public_url = runtime.settings.public_url.rstrip("/")
    assert providers == [
        provider_out(p.definition, public_url).model_dump() for p in runtime.adapters.registrations
    ]
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


async def test_real_providers_advertise_only_what_their_adapters_read(client: httpx.AsyncClient) -> None:
    providers = {p["id"]: p for p in (await client.get("/providers")).json()}
    assert providers["gusto"]["products"] == [
        "company",
        "directory",
        "individual",
        "employment",
        "payment",
        "pay_statement",
    ]
    gusto_method = providers["gusto"]["authentication_methods"][0]
    assert gusto_method["benefits_support"] is None
    assert gusto_method["supported_fields"]["individual"]["ssn"] is False
    paychex = providers["paychex_flex"]
    assert paychex["products"] == ["company", "directory", "individual", "employment"]
    assert paychex["mfa_required"] is True
    assert [m["type"] for m in paychex["authentication_methods"]] == ["credential", "assisted"]
    assert providers["bamboo_hr_api"]["products"] == ["company", "directory", "individual", "employment"]


async def test_provider_logos_are_served_as_svg(client: httpx.AsyncClient) -> None:
    response = await client.get("/static/providers/adp_run.svg")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("image/svg+xml")
    assert response.text.startswith("<svg") and "<script" not in response.text
    assert (await client.get("/static/providers/nope.svg")).status_code == 404
