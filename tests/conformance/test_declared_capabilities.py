"""Each adapter does exactly what its catalogue entry (the definition it declares) advertises.

``GET /providers`` is generated from the adapters' own definitions, so these tests are what
keeps it honest, over real HTTP against the emulators:

- every declared product reads and yields records; every other product raises ``NotSupported``;
- every field ``supported_fields`` marks true arrives filled in on some record wherever the
  emulated provider holds a value for it, and every field it marks false never does;
- the declared sign-in method connects, every other one is refused;
- ``mfa_required`` says whether signing in asks for a code;
- the kit covers every real adapter the server registers, under the definition it registers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Mapping
from typing import Any

import pytest

from roost.core.clock import FakeClock
from roost.providers.catalogue import READABLE_PRODUCTS, AuthMethodDefinition, ProviderDefinition
from roost.providers.contract import (
    AuthFailed,
    MfaRequired,
    NotSupported,
    ProviderAccount,
    ProviderReader,
)
from roost.providers.records import to_wire
from roost.providers.sandbox.adapter import SandboxReader
from roost.providers.sandbox.generator import SandboxCompany
from roost.providers.wiring import RealAdapters
from roost.settings import Settings
from tests.conformance.harnesses import (
    DEFINITIONS,
    EMULATED,
    HARNESSES,
    REDIRECT_URI,
    SOURCE_COMPANIES,
    TODAY,
    Harness,
)
from tests.unit.test_records_wire import finch_ids

AUTOMATED_METHODS = ("credential", "api_token", "api_credential", "oauth")
WINDOW = (TODAY - dt.timedelta(days=30), TODAY)
Wire = dict[str, Any]


async def _all(pages: AsyncIterator[list[Any]]) -> list[Wire]:
    return [finch_ids(to_wire(record)) async for page in pages for record in page]


async def read_product(reader: ProviderReader, product: str) -> dict[str, list[Wire]]:
    """Every record ``product`` unlocks, keyed by its ``supported_fields`` section."""
    if product == "company":
        return {"company": [finch_ids(to_wire(await reader.company()))]}
    if product == "directory":
        return {"directory.individuals": await _all(reader.directory())}
    if product == "individual":
        return {"individual": await _all(reader.individuals())}
    if product == "employment":
        return {"employment": await _all(reader.employments())}
    if product == "payment":
        groups = [finch_ids(to_wire(group)) for group in await reader.pay_groups()]
        return {"payment": await _all(reader.payments(*WINDOW)), "pay_group": groups}
    if product == "pay_statement":
        # Pay statements hang off a payment; an adapter that reads no payments has none to
        # look up, so it is asked about one that does not exist and must say NotSupported.
        payments = [p async for page in _payments_or_none(reader) for p in page]
        payment_id = payments[-1].source_id if payments else "no-such-payment"
        return {"pay_statement.pay_statements": await _all(reader.pay_statements(payment_id))}
    if product == "benefits":
        benefits = await reader.benefits()
        benefit_id = benefits[0].source_id if benefits else "no-such-benefit"
        enrollments = await _all(reader.enrollments(benefit_id))
        return {"benefits": [finch_ids(to_wire(b)) for b in benefits], "enrollments": enrollments}
    assert product == "documents", product
    return {"documents": await _all(reader.documents())}


async def _payments_or_none(reader: ProviderReader) -> AsyncIterator[list[Any]]:
    try:
        async for page in reader.payments(*WINDOW):
            yield page
    except NotSupported:
        return


@pytest.mark.parametrize("product", READABLE_PRODUCTS)
@pytest.mark.parametrize("harness", HARNESSES, indirect=True)
async def test_declared_products_read_and_the_others_are_not_supported(
    harness: Harness, product: str
) -> None:
    reader = harness.adapter.reader(await harness.connect(), None)
    if product in harness.adapter.definition.products:
        sections = await read_product(reader, product)
        assert all(records for records in sections.values()), {k: len(v) for k, v in sections.items()}
    else:
        with pytest.raises(NotSupported):
            await read_product(reader, product)


def automated_method(definition: ProviderDefinition) -> AuthMethodDefinition:
    methods = [m for m in definition.authentication_methods if m.type != "assisted"]
    assert len(methods) == 1, "one automated method per real adapter"
    return methods[0]


def _filled(records: list[Any], name: str) -> list[Any]:
    """The non-empty values of field ``name`` across ``records`` (list values flattened)."""
    values: list[Any] = []
    for record in records:
        value = record.get(name) if isinstance(record, dict) else None
        values.extend(value if isinstance(value, list) else [value])
    return [value for value in values if value not in (None, "", [])]


def field_disagreements(
    tree: Mapping[str, Any],
    records: list[Any],
    source: list[Any],
    path: str = "",
    partly_exposed: tuple[str, ...] = (),
) -> list[str]:
    """Paths where ``tree`` (Finch's boolean ``supported_fields``) and the records disagree.

    ``source`` is the same data as the provider holds it (the emulator's company, read straight
    from the generator): a supported field is only expected where the provider has a value.
    """
    problems: list[str] = []
    for name, node in tree.items():
        filled, held = _filled(records, name), _filled(source, name)
        if isinstance(node, Mapping):
            problems += field_disagreements(node, filled, held, f"{path}{name}.", partly_exposed)
        elif node and held and not filled and f"{path}{name}" not in partly_exposed:
            problems.append(f"{path}{name}: advertised as supported, never filled")
        elif not node and filled:
            problems.append(f"{path}{name}: advertised as unsupported, yet filled")
    return problems


def section(tree: Mapping[str, Any], dotted: str) -> Mapping[str, Any]:
    for name in dotted.split("."):
        tree = tree[name]
    return tree


@pytest.mark.parametrize("harness", EMULATED, indirect=True)
async def test_supported_fields_are_exactly_the_fields_the_adapter_fills(harness: Harness) -> None:
    definition = harness.adapter.definition
    tree = automated_method(definition).supported_fields
    assert tree is not None
    reader = harness.adapter.reader(await harness.connect(), None)
    provider_data = SandboxReader(SandboxCompany(SOURCE_COMPANIES[harness.name]), None)
    problems: list[str] = []
    for product in definition.products:
        held = await read_product(provider_data, product)
        for name, records in (await read_product(reader, product)).items():
            if name in ("benefits", "enrollments", "documents"):
                continue  # described by benefits_support, not supported_fields
            problems += field_disagreements(
                section(tree, name), records, held[name], f"{name}.", harness.partly_exposed
            )
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("harness", EMULATED, indirect=True)
async def test_the_declared_sign_in_method_connects_and_the_others_are_refused(
    harness: Harness,
) -> None:
    declared = {m.type for m in harness.adapter.definition.authentication_methods} - {"assisted"}
    assert declared == {harness.method}
    assert (await harness.connect()).entities
    for method in set(AUTOMATED_METHODS) - declared:
        if method == "oauth":
            step = await harness.adapter.exchange_code(code="c", redirect_uri=REDIRECT_URI, code_verifier="")
        else:
            fields = {
                "username": "u",
                "password": "p",
                "api_token": "t",
                "client_id": "i",
                "client_secret": "s",
            }
            step = await harness.adapter.login(method, fields)
        assert isinstance(step, AuthFailed) and not step.retryable, method


@pytest.mark.parametrize("harness", EMULATED, indirect=True)
async def test_mfa_required_says_whether_signing_in_asks_for_a_code(harness: Harness) -> None:
    if harness.adapter.definition.mfa_required:
        step, _code = await harness.start_mfa()  # type: ignore[attr-defined]
        assert isinstance(step, MfaRequired)
    else:
        # These harnesses' connect() takes the adapter's first answer, which must be success.
        assert isinstance(await harness.connect(), ProviderAccount)


async def _no_save(connection_id: str, account: ProviderAccount) -> None:
    raise AssertionError("nothing is persisted here")


async def test_the_kit_covers_every_registered_real_adapter_under_its_registered_definition() -> None:
    real = RealAdapters(Settings(_env_file=None), FakeClock(), _no_save)  # type: ignore[call-arg]
    try:
        registrations = real.registrations()
        assert {registration.provider_id for registration in registrations} == set(EMULATED)
        for registration in registrations:
            assert registration.factory is not None
            adapter = registration.factory(None)
            assert adapter.definition is registration.definition is DEFINITIONS[registration.provider_id]
    finally:
        await real.aclose()


def test_every_product_an_adapter_can_declare_has_a_read_here() -> None:
    for definition in DEFINITIONS.values():
        assert set(definition.products) <= set(READABLE_PRODUCTS), definition.id
    # A declared pay_statement needs its payments to be read too.
    assert all("payment" in d.products for d in DEFINITIONS.values() if "pay_statement" in d.products)
