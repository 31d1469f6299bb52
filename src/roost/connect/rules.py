"""Validation rules for session parameters that need more than a field type."""

from __future__ import annotations

from collections.abc import Iterable

from roost.applications.principal import ApplicationPrincipal
from roost.connect.schemas import Integration, Recordkeeping
from roost.core.errors import bad_request
from roost.providers.catalogue import ProviderCatalogue, ProviderDefinition


def normalise_products(products: Iterable[str]) -> list[str]:
    """Deduplicated products in request order, with ``deduction`` read as ``benefits``.

    reference §3: ``deduction`` is a deprecated alias of ``benefits``.
    """
    result: list[str] = []
    for product in products:
        name = "benefits" if product == "deduction" else product
        if name not in result:
            result.append(name)
    return result


def check_redirect_uri(application: ApplicationPrincipal, redirect_uri: str | None) -> None:
    # Exact string match only: no prefix, no normalisation (RFC 6749 §3.1.2.2, OAuth 2.1).
    if redirect_uri is not None and redirect_uri not in application.redirect_uris:
        raise bad_request(
            "redirect_uri does not match any redirect URI registered for this application",
            context={"redirect_uri": redirect_uri},
        )


def check_integration(
    catalogue: ProviderCatalogue, integration: Integration | None, products: list[str]
) -> ProviderDefinition | None:
    if integration is None:
        return None
    provider = catalogue.get(integration.provider)
    if provider is None:
        raise bad_request(
            f"integration.provider {integration.provider!r} is not a known provider; "
            "see GET /providers for valid ids"
        )
    if integration.auth_method is not None and provider.method(integration.auth_method) is None:
        offered = ", ".join(m.type for m in provider.authentication_methods)
        raise bad_request(
            f"integration.auth_method {integration.auth_method!r} is not offered by "
            f"{provider.id}; it offers: {offered}"
        )
    check_provider_products(provider, products)
    return provider


def check_provider_products(provider: ProviderDefinition, products: list[str]) -> None:
    if not provider.supports_products(products):
        missing = sorted(set(products) - set(provider.products) - {"ssn"})
        raise bad_request(
            f"provider {provider.id} does not support the requested products: {', '.join(missing)}"
        )


def check_recordkeeping(recordkeeping: Recordkeeping | None, products: list[str]) -> None:
    if recordkeeping is not None and "recordkeeping" not in products:
        raise bad_request("recordkeeping can only be given with the recordkeeping product")
