"""The registered provider definitions: Finch ids, valid products and auth methods, and
``supported_fields`` / ``benefits_support`` trees the official SDK can read.

The definitions are taken from the adapter registry, as ``GET /providers`` takes them: the real
adapters' own declarations plus the providers the Finch-mode sandbox stands in for.
"""

from __future__ import annotations

import re
import typing
from collections.abc import Mapping

import pytest
from finch.types.hris.benefit_features_and_operations import BenefitFeaturesAndOperations
from finch.types.hris.benefit_type import BenefitType
from finch.types.hris.benefits_support import BenefitsSupport
from finch.types.provider_list_response import AuthenticationMethodSupportedFields
from pydantic import BaseModel

from roost.core.clock import FakeClock
from roost.providers.catalogue import (
    AUTH_METHOD_TYPES,
    PRODUCTS,
    AuthMethodDefinition,
    ProviderDefinition,
)
from roost.providers.contract import ProviderAccount
from roost.providers.registry import AdapterRegistry
from roost.providers.sandbox.adapter import FinchSandboxAdapter
from roost.providers.wiring import RealAdapters, provider_registrations
from roost.settings import Settings


async def _no_save(connection_id: str, account: ProviderAccount) -> None:
    raise AssertionError("nothing is persisted here")


REAL = RealAdapters(Settings(_env_file=None), FakeClock(), _no_save)  # type: ignore[call-arg]
REGISTRY = AdapterRegistry(FakeClock(), provider_registrations(REAL))
PROVIDER_DEFINITIONS: tuple[ProviderDefinition, ...] = tuple(REGISTRY.catalogue)
BY_ID = {provider.id: provider for provider in PROVIDER_DEFINITIONS}
METHODS = [
    pytest.param(provider, method, id=f"{provider.id}-{method.type}")
    for provider in PROVIDER_DEFINITIONS
    for method in provider.authentication_methods
]
BENEFIT_METHODS = [
    pytest.param(provider, method, id=f"{provider.id}-{method.type}")
    for provider in PROVIDER_DEFINITIONS
    for method in provider.authentication_methods
    if method.benefits_support is not None
]

# Auth methods each required provider must offer; "a|b" means either will do.
REQUIRED_METHODS: dict[str, tuple[str, ...]] = {
    "gusto": ("oauth",),
    "adp_run": ("credential", "assisted"),
    "adp_workforce_now": ("assisted",),
    "bamboo_hr": ("credential",),
    "bamboo_hr_api": ("api_token",),
    "paychex_flex": ("credential", "assisted"),
    "paychex_flex_api": ("api_token",),
    "rippling": ("oauth",),
    "justworks": ("credential",),
    "workday": ("assisted",),
    "paylocity": ("credential", "assisted"),
    "paylocity_api": ("api_token",),
    "paycom": ("credential",),
    "paycom_api": ("api_token",),
    "trinet": ("credential",),
    "trinet_api": ("api_token",),
    "namely": ("credential", "api_token"),
    "personio": ("api_token|api_credential",),
    "bob": ("api_token|api_credential",),
    "zenefits": ("oauth|credential",),
    "insperity": ("credential",),
    "quickbooks": ("oauth",),
    "square_payroll": ("oauth",),
    "wave": ("oauth",),
    "sage_hr": ("api_token",),
    "humaans": ("api_token",),
    "sequoia_one": ("credential",),
    "ulti_pro": ("assisted",),
    "deel": ("oauth",),
}
HRIS_ONLY = ("bamboo_hr", "bamboo_hr_api", "humaans", "personio", "bob", "sage_hr")
PAYROLL_PRODUCTS = {"payment", "pay_statement"}
SECTIONS_BY_PRODUCT = {
    "company": {"company"},
    "directory": {"directory"},
    "individual": {"individual"},
    "employment": {"employment"},
    "payment": {"payment", "pay_group"},
    "pay_statement": {"pay_statement"},
}


def nested_model(annotation: object) -> type[BaseModel] | None:
    """The pydantic model inside a field annotation such as ``Optional[Model]``."""
    for candidate in (annotation, *typing.get_args(annotation)):
        if isinstance(candidate, type) and issubclass(candidate, BaseModel):
            return candidate
    return None


def undeclared_keys(tree: Mapping[str, object], model: type[BaseModel], path: str = "") -> list[str]:
    """Paths in ``tree`` that ``model`` does not declare, or whose value has the wrong kind
    (the SDK models accept and ignore extra keys, so ``model_validate`` alone would pass)."""
    problems: list[str] = []
    for key, value in tree.items():
        field = model.model_fields.get(key)
        submodel = nested_model(field.annotation) if field is not None else None
        if field is None:
            problems.append(f"{path}{key}: not a field of {model.__name__}")
        elif isinstance(value, Mapping) and submodel is not None:
            problems.extend(undeclared_keys(value, submodel, f"{path}{key}."))
        elif isinstance(value, Mapping) or (submodel is not None and value is not None):
            problems.append(f"{path}{key}: object and model field disagree")
    return problems


def leaves(tree: Mapping[str, object]) -> list[object]:
    """Every non-object value in ``tree``."""
    found: list[object] = []
    for value in tree.values():
        found.extend(leaves(value) if isinstance(value, Mapping) else [value])
    return found


def test_there_are_at_least_24_providers() -> None:
    assert len(PROVIDER_DEFINITIONS) >= 24


def test_provider_ids_are_unique() -> None:
    ids = [provider.id for provider in PROVIDER_DEFINITIONS]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("provider", PROVIDER_DEFINITIONS, ids=lambda p: p.id)
def test_provider_id_is_lowercase_snake_case(provider: ProviderDefinition) -> None:
    assert re.fullmatch(r"[a-z][a-z0-9]*(_[a-z0-9]+)*", provider.id)


@pytest.mark.parametrize("provider", PROVIDER_DEFINITIONS, ids=lambda p: p.id)
def test_products_are_catalogue_products_without_deprecated_or_derived_ones(
    provider: ProviderDefinition,
) -> None:
    assert provider.products
    assert set(provider.products) <= set(PRODUCTS)
    assert not {"deduction", "ssn"} & set(provider.products)
    assert len(provider.products) == len(set(provider.products))


@pytest.mark.parametrize("provider", PROVIDER_DEFINITIONS, ids=lambda p: p.id)
def test_auth_methods_are_known_types_listed_once(provider: ProviderDefinition) -> None:
    types = [method.type for method in provider.authentication_methods]
    assert types
    assert set(types) <= set(AUTH_METHOD_TYPES)
    assert len(types) == len(set(types))


@pytest.mark.parametrize("provider", PROVIDER_DEFINITIONS, ids=lambda p: p.id)
def test_primary_colour_is_a_lowercase_hex_code(provider: ProviderDefinition) -> None:
    assert provider.primary_color is not None
    assert re.fullmatch(r"#[0-9a-f]{6}", provider.primary_color)


@pytest.mark.parametrize("provider", PROVIDER_DEFINITIONS, ids=lambda p: p.id)
def test_icon_and_logo_are_left_for_the_server_to_generate(provider: ProviderDefinition) -> None:
    assert provider.icon is None
    assert provider.logo is None


@pytest.mark.parametrize(("provider_id", "required"), REQUIRED_METHODS.items())
def test_required_provider_offers_its_auth_methods(provider_id: str, required: tuple[str, ...]) -> None:
    assert provider_id in BY_ID
    offered = {method.type for method in BY_ID[provider_id].authentication_methods}
    for alternatives in required:
        assert offered & set(alternatives.split("|")), alternatives


def test_adp_run_requires_mfa_and_is_found_by_searching_adp() -> None:
    adp_run = BY_ID["adp_run"]
    assert adp_run.mfa_required
    assert "ADP" in adp_run.aliases


def test_assisted_only_providers_are_manual() -> None:
    for provider_id in ("adp_workforce_now", "workday", "ulti_pro"):
        assert BY_ID[provider_id].manual
        assert not BY_ID[provider_id].automated


@pytest.mark.parametrize("provider_id", HRIS_ONLY)
def test_hris_only_provider_offers_only_organisation_products(provider_id: str) -> None:
    assert set(BY_ID[provider_id].products) <= {"company", "directory", "individual", "employment"}


def test_payroll_providers_offer_payment_and_pay_statement() -> None:
    for provider_id in ("gusto", "adp_run", "paylocity", "paycom", "rippling"):
        assert set(BY_ID[provider_id].products) >= PAYROLL_PRODUCTS


def test_the_catalogue_is_the_registrations_in_order_real_adapters_first() -> None:
    registrations = REGISTRY.registrations
    assert [r.definition for r in registrations] == list(PROVIDER_DEFINITIONS)
    assert REGISTRY.real_provider_ids == ("gusto", "bamboo_hr_api", "paychex_flex")
    assert [r.provider_id for r in registrations[:3]] == list(REGISTRY.real_provider_ids)
    assert all(r.factory is None for r in registrations[3:])


def test_a_provider_registered_twice_is_refused() -> None:
    twice = (*provider_registrations(REAL), provider_registrations(REAL)[0])
    with pytest.raises(ValueError, match="duplicate provider id 'gusto'"):
        AdapterRegistry(FakeClock(), twice)


@pytest.mark.parametrize("provider", PROVIDER_DEFINITIONS, ids=lambda p: p.id)
def test_the_finch_sandbox_stands_in_for_every_provider_under_its_own_definition(
    provider: ProviderDefinition,
) -> None:
    adapter = REGISTRY.adapter(provider.id, "finch")
    assert isinstance(adapter, FinchSandboxAdapter)
    assert adapter.definition is provider
    assert REGISTRY.available(provider.id, "finch")


def test_only_real_adapters_serve_provider_sandbox_and_live_connections() -> None:
    for provider in PROVIDER_DEFINITIONS:
        real = provider.id in REGISTRY.real_provider_ids
        for mode in ("provider", None):
            assert REGISTRY.available(provider.id, mode) is real
            if not real:
                assert REGISTRY.adapter(provider.id, mode) is None
    assert not REGISTRY.available("no_such_provider", "finch")
    assert REGISTRY.adapter("no_such_provider", "finch") is None


def test_some_providers_offer_documents() -> None:
    # Finch lists W-4 documents for ADP RUN, ADP Workforce Now and QuickBooks.
    assert {p.id for p in PROVIDER_DEFINITIONS if "documents" in p.products} >= {
        "adp_run",
        "adp_workforce_now",
        "quickbooks",
    }


def test_no_provider_claims_encrypted_ssn_which_roost_never_sends() -> None:
    for provider in PROVIDER_DEFINITIONS:
        for method in provider.authentication_methods:
            individual = (method.supported_fields or {}).get("individual")
            assert individual is None or individual["encrypted_ssn"] is False, provider.id


@pytest.mark.parametrize(("provider", "method"), METHODS)
def test_key_and_assisted_methods_explain_how_to_connect(
    provider: ProviderDefinition, method: AuthMethodDefinition
) -> None:
    if method.type in ("api_token", "api_credential", "assisted"):
        assert method.instructions
        assert method.instructions.endswith(".")
    else:
        assert method.instructions is None


@pytest.mark.parametrize(("provider", "method"), METHODS)
def test_supported_fields_validate_against_the_sdk_model(
    provider: ProviderDefinition, method: AuthMethodDefinition
) -> None:
    assert method.supported_fields is not None
    AuthenticationMethodSupportedFields.model_validate(method.supported_fields)
    assert undeclared_keys(method.supported_fields, AuthenticationMethodSupportedFields) == []
    assert all(type(leaf) is bool for leaf in leaves(method.supported_fields))


@pytest.mark.parametrize(("provider", "method"), METHODS)
def test_supported_fields_cover_exactly_the_providers_data_products(
    provider: ProviderDefinition, method: AuthMethodDefinition
) -> None:
    assert method.supported_fields is not None
    expected = set().union(*(SECTIONS_BY_PRODUCT.get(p, set()) for p in provider.products))
    assert set(method.supported_fields) == expected


def test_unknown_keys_in_a_supported_fields_tree_are_reported() -> None:
    tree = {"company": {"legal_name": True, "tax_id": True}, "individual": {"emails": True}}
    assert undeclared_keys(tree, AuthenticationMethodSupportedFields) == [
        "company.tax_id: not a field of AuthenticationMethodSupportedFieldsCompany",
        "individual.emails: object and model field disagree",
    ]


def test_providers_mark_some_fields_unsupported() -> None:
    bamboo_fields = BY_ID["bamboo_hr"].authentication_methods[0].supported_fields
    assert bamboo_fields is not None
    assert bamboo_fields["individual"]["ssn"] is False
    assert (
        sum(
            False in leaves(method.supported_fields or {})
            for provider in PROVIDER_DEFINITIONS
            for method in provider.authentication_methods
        )
        >= len(PROVIDER_DEFINITIONS) // 2
    )


@pytest.mark.parametrize(("provider", "method"), METHODS)
def test_benefits_support_is_present_exactly_when_the_provider_offers_benefits(
    provider: ProviderDefinition, method: AuthMethodDefinition
) -> None:
    assert (method.benefits_support is not None) == ("benefits" in provider.products)


@pytest.mark.parametrize(("provider", "method"), BENEFIT_METHODS)
def test_benefits_support_validates_against_the_sdk_model(
    provider: ProviderDefinition, method: AuthMethodDefinition
) -> None:
    assert method.benefits_support
    BenefitsSupport.model_validate(method.benefits_support)
    benefit_types = set(typing.get_args(typing.get_args(BenefitType)[0]))
    assert set(method.benefits_support) <= benefit_types
    for entry in method.benefits_support.values():
        BenefitFeaturesAndOperations.model_validate(entry)
        assert undeclared_keys(entry, BenefitFeaturesAndOperations) == []


def test_several_providers_describe_their_benefits_support() -> None:
    with_benefits = [p.id for p in PROVIDER_DEFINITIONS if "benefits" in p.products]
    assert len(with_benefits) >= 5
