"""``GET /providers``: the catalogue, no authentication (reference §7)."""

from __future__ import annotations

from fastapi import APIRouter, Response

from roost.core.dependencies import RuntimeDep
from roost.core.errors import not_found
from roost.providers.catalogue import ProviderDefinition
from roost.providers.logos import logo_svg
from roost.providers.schemas import AuthenticationMethodOut, ProviderOut

router = APIRouter(tags=["providers"])


def provider_out(provider: ProviderDefinition, public_url: str) -> ProviderOut:
    logo = provider.logo or f"{public_url}/static/providers/{provider.id}.svg"
    return ProviderOut(
        id=provider.id,
        display_name=provider.display_name,
        products=list(provider.products),
        authentication_methods=[
            AuthenticationMethodOut(
                type=method.type,
                benefits_support=dict(method.benefits_support) if method.benefits_support else None,
                supported_fields=dict(method.supported_fields) if method.supported_fields else None,
            )
            for method in provider.authentication_methods
        ],
        beta=provider.beta,
        icon=provider.icon or logo,
        logo=logo,
        mfa_required=provider.mfa_required,
        primary_color=provider.primary_color,
        manual=provider.manual,
    )


@router.get("/providers", response_model=list[ProviderOut])
async def list_providers(runtime: RuntimeDep) -> list[ProviderOut]:
    public_url = runtime.settings.public_url.rstrip("/")
    return [provider_out(provider, public_url) for provider in runtime.catalogue]


@router.get("/static/providers/{provider_id}.svg", include_in_schema=False)
async def provider_logo(provider_id: str, runtime: RuntimeDep) -> Response:
    provider = runtime.catalogue.get(provider_id)
    if provider is None:
        raise not_found(f"No provider {provider_id!r}")
    return Response(
        logo_svg(provider),
        media_type="image/svg+xml",
        headers={"Cache-Control": "public, max-age=86400", "X-Content-Type-Options": "nosniff"},
    )
