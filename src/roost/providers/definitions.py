"""Building provider definitions, and the providers only the Finch-mode sandbox serves.

``GET /providers`` is generated from the adapter registry (:mod:`roost.providers.registry`):
each real adapter package declares its own definition with :func:`provider_definition`
(``roost/providers/<name>/definition.py``), listing only what its reader implements — the
conformance kit holds it to that. The providers below have no real adapter yet: they are
registered with no factory, so the Finch-mode sandbox stands in for them, and they are
reachable only with ``sandbox: "finch"``.

Ids are Finch's own (reference/finch-api.md §7), so an application written against Finch
can pass the same ``integration.provider`` to Roost. Each auth method carries Finch's
``supported_fields`` boolean tree and, where the provider offers the ``benefits`` product,
``benefits_support``; both use the field names of the official SDK's
``finch.types.provider_list_response.AuthenticationMethod`` model.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from typing import Any, TypeAlias

from roost.providers.catalogue import (
    PRODUCTS,
    AuthMethodDefinition,
    AuthMethodType,
    ProviderDefinition,
)

__all__ = ["SANDBOX_ONLY_DEFINITIONS", "provider_definition"]

# A node of `supported_fields`: a field name maps to whether it is supported, or to a subtree.
FieldTree: TypeAlias = dict[str, "bool | FieldTree"]


def _group(*leaves: str, **groups: FieldTree) -> FieldTree:
    """A tree node whose ``leaves`` are all supported, plus the nested ``groups``."""
    node: FieldTree = {leaf: True for leaf in leaves}
    node.update(groups)
    return node


_ADDRESS = ("line1", "line2", "city", "state", "postal_code", "country")
_MONEY = ("amount", "currency")

# Every field Finch reports on, one section per product schema (finch-api.md §8), all supported.
_SCHEMA: FieldTree = _group(
    company=_group(
        "id",
        "legal_name",
        "ein",
        "primary_email",
        "primary_phone_number",
        entity=_group("type", "subtype"),
        departments=_group("name", parent=_group("name")),
        locations=_group(*_ADDRESS),
        accounts=_group(
            "account_name",
            "account_number",
            "account_type",
            "institution_name",
            "routing_number",
        ),
    ),
    directory=_group(
        individuals=_group(
            "id",
            "first_name",
            "middle_name",
            "last_name",
            "department",
            "is_active",
            manager=_group("id"),
        ),
        paging=_group("count", "offset"),
    ),
    individual=_group(
        "id",
        "first_name",
        "middle_name",
        "last_name",
        "preferred_name",
        "dob",
        "gender",
        "ethnicity",
        "ssn",
        "encrypted_ssn",
        emails=_group("data", "type"),
        phone_numbers=_group("data", "type"),
        residence=_group(*_ADDRESS),
    ),
    employment=_group(
        "id",
        "first_name",
        "middle_name",
        "last_name",
        "title",
        "start_date",
        "end_date",
        "is_active",
        "employment_status",
        "class_code",
        "custom_fields",
        "income_history",
        department=_group("name"),
        employment=_group("type", "subtype"),
        income=_group(*_MONEY, "unit"),
        location=_group(*_ADDRESS),
        manager=_group("id"),
    ),
    payment=_group(
        "id",
        "pay_date",
        "debit_date",
        "company_debit",
        "gross_pay",
        "net_pay",
        "employer_taxes",
        "employee_taxes",
        "individual_ids",
        "pay_group_ids",
        "pay_frequencies",
        pay_period=_group("start_date", "end_date"),
    ),
    pay_statement=_group(
        paging=_group("count", "offset"),
        pay_statements=_group(
            "individual_id",
            "type",
            "payment_method",
            "total_hours",
            "gross_pay",
            "net_pay",
            earnings=_group(*_MONEY, "name", "type"),
            taxes=_group(*_MONEY, "name", "type", "employer"),
            employee_deductions=_group(*_MONEY, "name", "type", "pre_tax"),
            employer_contributions=_group(*_MONEY, "name"),
        ),
    ),
    pay_group=_group("id", "name", "pay_frequencies", "individual_ids"),
)

# §6: `payment` also unlocks /employer/pay-groups, so it brings the pay_group section along.
_SECTIONS_BY_PRODUCT: dict[str, tuple[str, ...]] = {
    "company": ("company",),
    "directory": ("directory",),
    "individual": ("individual",),
    "employment": ("employment",),
    "payment": ("payment", "pay_group"),
    "pay_statement": ("pay_statement",),
}


def _node(tree: FieldTree, path: str) -> bool | FieldTree | None:
    """The value at dotted ``path`` in ``tree``, or None when the path does not exist."""
    node: bool | FieldTree | None = tree
    for name in path.split("."):
        node = node.get(name) if isinstance(node, dict) else None
    return node


def _unsupported(node: bool | FieldTree) -> bool | FieldTree:
    """``node`` with every field in it marked unsupported."""
    if isinstance(node, dict):
        return {name: _unsupported(child) for name, child in node.items()}
    return False


def _fields(products: Iterable[str], *, unsupported: Iterable[str] = ()) -> FieldTree:
    """The ``supported_fields`` tree for ``products``, with the dotted paths in ``unsupported``
    (a field or a whole group, e.g. ``"company.accounts"``) marked False."""
    tree: FieldTree = {
        section: copy.deepcopy(_SCHEMA[section])
        for product in products
        for section in _SECTIONS_BY_PRODUCT.get(product, ())
    }
    for path in unsupported:
        parent_path, _, name = path.rpartition(".")
        parent = _node(tree, parent_path) if parent_path else tree
        # A path into a product this method does not offer has nothing to switch off.
        if isinstance(parent, dict) and name in parent:
            parent[name] = _unsupported(parent[name])
    return tree


_RETIREMENT_BENEFITS = ("401k", "401k_roth", "403b", "403b_roth", "457", "457_roth", "simple", "simple_ira")
# 401k_loan is left out: a loan repayment is set up by the plan's recordkeeper, not as a
# company benefit an application can create or enrol people in.
_ALL_BENEFITS = (
    *_RETIREMENT_BENEFITS,
    "s125_medical",
    "s125_dental",
    "s125_vision",
    "hsa_pre",
    "hsa_post",
    "fsa_medical",
    "fsa_dependent_care",
    "commuter",
    "custom_pre_tax",
    "custom_post_tax",
)
_SMALL_BUSINESS_BENEFITS = (
    "401k",
    "401k_roth",
    "simple_ira",
    "s125_medical",
    "s125_dental",
    "s125_vision",
    "hsa_pre",
    "custom_pre_tax",
    "custom_post_tax",
)


def _supported_features(benefit_type: str) -> dict[str, Any]:
    """Finch's ``SupportedBenefit`` for ``benefit_type`` as US payroll systems model it."""
    retirement = benefit_type in _RETIREMENT_BENEFITS
    hsa = benefit_type.startswith("hsa_")
    custom = benefit_type.startswith("custom_")
    if retirement:
        company_contribution = ["fixed", "percent", "tiered"]
    elif hsa or benefit_type.startswith("s125_"):
        company_contribution = ["fixed"]
    else:
        company_contribution = []
    return {
        # Only custom deductions can be one-off (a clawback, a loan); the rest recur.
        "frequencies": ["every_paycheck", "one_time"] if custom else ["every_paycheck"],
        "employee_deduction": ["fixed", "percent"] if retirement or custom else ["fixed"],
        "company_contribution": company_contribution,
        # IRS limits exist for retirement, HSA and FSA elections, so payroll tracks a maximum.
        "annual_maximum": retirement or hsa or benefit_type.startswith("fsa_"),
        "catch_up": retirement,
        "hsa_contribution_limit": ["individual", "family"] if hsa else [],
    }


def _benefits_support(benefit_types: Iterable[str], *, writable: bool) -> dict[str, Any]:
    """Finch's ``benefits_support`` map: each benefit type to its features and operations."""
    write = "supported" if writable else "not_supported_by_provider"
    operations = {
        # The Finch API has no endpoint that deletes a company benefit, only unenrolment.
        "company_benefits": {
            "create": write,
            "read": "supported",
            "update": write,
            "delete": "not_supported_by_finch",
        },
        "individual_benefits": {"create": write, "read": "supported", "update": write, "delete": write},
    }
    return {
        benefit_type: {
            "supported_features": _supported_features(benefit_type),
            "supported_operations": copy.deepcopy(operations),
        }
        for benefit_type in benefit_types
    }


_HRIS = ("company", "directory", "individual", "employment")
_PAYROLL = (*_HRIS, "payment", "pay_statement")
_PAYROLL_AND_BENEFITS = (*_PAYROLL, "benefits")
# Without US tax ids or bank accounts: providers built for Europe or for HR only.
_NO_US_TAX_DATA = ("individual.ssn", "individual.encrypted_ssn", "company.ein", "company.accounts")
# Small-business payroll without an org chart.
_NO_ORG_CHART = (
    "company.departments",
    "directory.individuals.department",
    "directory.individuals.manager",
    "employment.department",
    "employment.manager",
)
# Finch's own encryption of the SSN: Roost serves ``ssn`` itself (with the ``ssn`` product) and
# always sends ``encrypted_ssn`` as null, whatever the provider.
_NEVER_FILLED_BY_ROOST = ("individual.encrypted_ssn",)
_KEY_METHODS: frozenset[AuthMethodType] = frozenset({"api_token", "api_credential"})
_ASSISTED_INSTRUCTIONS = (
    "Invite Roost's service account as an admin user with payroll and HR access in {provider}."
)


def provider_definition(
    provider_id: str,
    display_name: str,
    primary_color: str,
    products: tuple[str, ...],
    methods: tuple[AuthMethodType, ...],
    *,
    key_instructions: str | None = None,
    unsupported: tuple[str, ...] = (),
    benefit_types: tuple[str, ...] = _ALL_BENEFITS,
    read_only_benefits: bool = False,
    aliases: tuple[str, ...] = (),
    mfa_required: bool = False,
    beta: bool = False,
) -> ProviderDefinition:
    """One provider's catalogue entry: ``supported_fields`` covers exactly ``products`` minus the
    dotted field paths in ``unsupported``; ``key_instructions`` say where an admin creates its
    API key or token."""
    invalid = [p for p in products if p not in PRODUCTS or p in ("deduction", "ssn")]
    unknown = [path for path in unsupported if _node(_SCHEMA, path) is None]
    if invalid or unknown:
        raise ValueError(f"{provider_id}: bad products {invalid} or field paths {unknown}")
    if _KEY_METHODS.intersection(methods) and not key_instructions:
        raise ValueError(f"{provider_id}: a key-based method needs key_instructions")

    def method(method_type: AuthMethodType) -> AuthMethodDefinition:
        assisted = method_type == "assisted"
        benefits = None
        if "benefits" in products:
            # Assisted setup is a person in the provider's own admin screens: they can
            # make any change an admin can, and read any field.
            benefits = _benefits_support(benefit_types, writable=assisted or not read_only_benefits)
        instructions = key_instructions if method_type in _KEY_METHODS else None
        if assisted:
            instructions = _ASSISTED_INSTRUCTIONS.format(provider=display_name)
        return AuthMethodDefinition(
            type=method_type,
            supported_fields=_fields(
                products, unsupported=(*(() if assisted else unsupported), *_NEVER_FILLED_BY_ROOST)
            ),
            benefits_support=benefits,
            instructions=instructions,
        )

    return ProviderDefinition(
        id=provider_id,
        display_name=display_name,
        products=products,
        authentication_methods=tuple(method(method_type) for method_type in methods),
        primary_color=primary_color,
        mfa_required=mfa_required,
        beta=beta,
        aliases=aliases,
    )


# Finch's Documents product (W-4s) is offered for ADP RUN, ADP Workforce Now and QuickBooks
# (Finch changelog, "W4 data now supported for Paychex"); Roost's Paychex Flex adapter does
# not read documents, so it does not claim them.
_WITH_DOCUMENTS = (*_PAYROLL_AND_BENEFITS, "documents")

SANDBOX_ONLY_DEFINITIONS: tuple[ProviderDefinition, ...] = (
    provider_definition(
        "adp_run",
        "ADP RUN",
        "#d0271d",
        _WITH_DOCUMENTS,
        ("credential", "assisted"),
        unsupported=("company.accounts", "employment.custom_fields", "individual.ethnicity"),
        aliases=("ADP", "RUN Powered by ADP"),
        mfa_required=True,
    ),
    provider_definition(
        "adp_workforce_now",
        "ADP Workforce Now",
        "#d0271d",
        _WITH_DOCUMENTS,
        ("assisted",),
        aliases=("ADP", "WFN"),
    ),
    provider_definition(
        "bamboo_hr",
        "BambooHR",
        "#73c41d",
        _HRIS,
        ("credential",),
        unsupported=(*_NO_US_TAX_DATA, "employment.class_code"),
        aliases=("Bamboo",),
    ),
    provider_definition(
        "paychex_flex_api",
        "Paychex Flex (API)",
        "#004b8d",
        _PAYROLL,
        ("api_token",),
        key_instructions="In Paychex Flex, open Company Settings > Integrated Apps and "
        "approve Roost; Paychex then issues the API key to paste here.",
        unsupported=("company.accounts", "employment.income_history"),
        aliases=("Paychex",),
    ),
    provider_definition(
        "rippling",
        "Rippling",
        "#502d3c",
        _PAYROLL_AND_BENEFITS,
        ("oauth",),
        unsupported=("company.accounts", "individual.ssn", "individual.encrypted_ssn"),
    ),
    provider_definition(
        "justworks",
        "Justworks",
        "#1763e8",
        _PAYROLL,
        ("credential",),
        unsupported=(
            "company.departments.parent",
            "employment.class_code",
            "pay_statement.pay_statements.total_hours",
        ),
        aliases=("Justworks PEO",),
    ),
    provider_definition(
        "workday", "Workday", "#0875e1", _PAYROLL_AND_BENEFITS, ("assisted",), aliases=("Workday HCM",)
    ),
    provider_definition(
        "paylocity",
        "Paylocity",
        "#f36f21",
        _PAYROLL_AND_BENEFITS,
        ("credential", "assisted"),
        unsupported=("individual.ethnicity",),
    ),
    provider_definition(
        "paylocity_api",
        "Paylocity (API)",
        "#f36f21",
        _PAYROLL,
        ("api_token",),
        key_instructions="In the Paylocity Marketplace, request API access for your "
        "company ID; Paylocity Web Services emails the key.",
        unsupported=("company.accounts", "company.departments.parent"),
    ),
    provider_definition(
        "paycom",
        "Paycom",
        "#00a651",
        _PAYROLL_AND_BENEFITS,
        ("credential", "assisted"),
        unsupported=("employment.income_history",),
    ),
    provider_definition(
        "paycom_api",
        "Paycom (API)",
        "#00a651",
        _PAYROLL,
        ("api_token",),
        key_instructions="In Paycom, a client admin opens Client Setup > API Settings "
        "and generates an API SID and token.",
        unsupported=("company.accounts", "employment.custom_fields"),
    ),
    provider_definition(
        "trinet",
        "TriNet",
        "#ea5b0c",
        _PAYROLL,
        ("credential",),
        unsupported=("company.accounts", "employment.class_code"),
        aliases=("TriNet PEO",),
    ),
    provider_definition(
        "trinet_api",
        "TriNet (API)",
        "#ea5b0c",
        _PAYROLL,
        ("api_token",),
        key_instructions="In the TriNet Developer Portal, register an application for "
        "your company and copy its API key.",
        unsupported=("company.accounts", "individual.ssn", "individual.encrypted_ssn"),
    ),
    provider_definition(
        "namely",
        "Namely",
        "#f15b57",
        _PAYROLL,
        ("credential", "api_token"),
        key_instructions="In Namely, open the API page from the company menu and create "
        "a personal access token.",
        unsupported=("company.accounts", "pay_statement.pay_statements.employer_contributions"),
    ),
    provider_definition(
        "personio",
        "Personio",
        "#1f1f1f",
        _HRIS,
        ("api_credential",),
        key_instructions="In Personio, go to Settings > Integrations > API credentials "
        "and generate new credentials with read access to employees.",
        unsupported=(*_NO_US_TAX_DATA, "individual.ethnicity"),
    ),
    provider_definition(
        "bob",
        "HiBob",
        "#e5176d",
        _HRIS,
        ("api_credential",),
        key_instructions="In Bob, go to Settings > Integrations > Service Users, create a "
        "service user with People data access, and copy its ID and token.",
        unsupported=_NO_US_TAX_DATA,
        aliases=("Bob",),
    ),
    provider_definition(
        "zenefits",
        "Zenefits",
        "#2a7de1",
        _PAYROLL_AND_BENEFITS,
        ("oauth", "credential"),
        unsupported=("company.accounts",),
        aliases=("TriNet Zenefits",),
    ),
    provider_definition(
        "insperity",
        "Insperity",
        "#c8102e",
        _PAYROLL,
        ("credential",),
        unsupported=("company.departments.parent", "employment.custom_fields"),
        aliases=("Insperity PEO",),
    ),
    provider_definition(
        "quickbooks",
        "QuickBooks Payroll",
        "#2ca01c",
        _WITH_DOCUMENTS,
        ("oauth",),
        unsupported=(*_NO_ORG_CHART, "individual.ethnicity"),
        benefit_types=_SMALL_BUSINESS_BENEFITS,
        read_only_benefits=True,
        aliases=("QuickBooks", "Intuit", "QuickBooks Online"),
    ),
    provider_definition(
        "square_payroll",
        "Square Payroll",
        "#006aff",
        _PAYROLL,
        ("oauth",),
        unsupported=(*_NO_ORG_CHART, "employment.class_code", "individual.ethnicity"),
        aliases=("Square",),
    ),
    provider_definition(
        "wave",
        "Wave",
        "#236cff",
        _PAYROLL,
        ("oauth",),
        unsupported=(
            *_NO_ORG_CHART,
            "individual.ethnicity",
            "pay_statement.pay_statements.employer_contributions",
        ),
        aliases=("Wave Payroll",),
    ),
    provider_definition(
        "sage_hr",
        "Sage HR",
        "#00d639",
        _HRIS,
        ("api_token",),
        key_instructions="In Sage HR, go to Settings > Integrations > API, enable API "
        "access and copy the key.",
        unsupported=(*_NO_US_TAX_DATA, "employment.income"),
        aliases=("Sage", "CakeHR"),
    ),
    provider_definition(
        "humaans",
        "Humaans",
        "#0f0f0f",
        _HRIS,
        ("api_token",),
        key_instructions="In Humaans, go to Settings > API access tokens and generate a "
        "token with read access to people and compensation.",
        unsupported=_NO_US_TAX_DATA,
        beta=True,
    ),
    provider_definition(
        "sapling",
        "Sapling",
        "#3f51b5",
        _HRIS,
        ("api_token",),
        key_instructions="In Sapling, go to Settings > Integrations > API and generate an API key.",
        unsupported=_NO_US_TAX_DATA,
        aliases=("Kallidus Sapling",),
    ),
    provider_definition(
        "sequoia_one",
        "Sequoia One",
        "#1b4d3e",
        _PAYROLL,
        ("credential",),
        unsupported=("company.accounts",),
        aliases=("Sequoia", "Sequoia One PEO"),
    ),
    provider_definition(
        "ulti_pro",
        "UKG Pro",
        "#005151",
        _PAYROLL_AND_BENEFITS,
        ("assisted",),
        aliases=("UltiPro", "UKG", "Ultimate Software"),
    ),
    provider_definition(
        "deel",
        "Deel",
        "#15357a",
        _PAYROLL,
        ("oauth",),
        unsupported=("individual.ssn", "individual.encrypted_ssn", "employment.class_code"),
        beta=True,
    ),
)
