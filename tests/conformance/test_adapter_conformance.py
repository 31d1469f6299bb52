"""The conformance kit: every provider adapter, over real HTTP against its emulator on loopback.

Each test runs once per harness in ``HARNESSES`` (the Finch-mode sandbox included where it is
meaningful); a new adapter joins by adding a harness (docs/adding-a-provider.md).
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator
from typing import TypeVar

import httpx
import pytest
from finch.types.hris import Company, EmploymentData, IndividualInDirectory, Payment, PayStatement
from finch.types.hris.individual import IndividualResponseBody
from pydantic import TypeAdapter

from roost.providers.contract import (
    AuthenticationRevoked,
    AuthFailed,
    AuthSucceeded,
    EntitySelectionRequired,
    InsufficientPermissions,
    MfaRequired,
    ProviderError,
    RateLimited,
    TemporarilyUnavailable,
)
from roost.providers.records import to_wire
from tests.conformance.harnesses import (
    EMULATED,
    HARNESSES,
    PEOPLE,
    REDIRECT_URI,
    TODAY,
    WITH_MFA,
    WITH_PAYROLL,
    GustoHarness,
    Harness,
    PaychexHarness,
)
from tests.unit.test_records_wire import assert_no_extra_fields, finch_ids, validate

T = TypeVar("T")
ALL = pytest.mark.parametrize("harness", HARNESSES, indirect=True)
EMULATED_ONLY = pytest.mark.parametrize("harness", EMULATED, indirect=True)
MFA = pytest.mark.parametrize("harness", WITH_MFA, indirect=True)
PAYROLL = pytest.mark.parametrize("harness", WITH_PAYROLL, indirect=True)
GUSTO = pytest.mark.parametrize("harness", ["gusto"], indirect=True)
PAYCHEX = pytest.mark.parametrize("harness", ["paychex_flex"], indirect=True)


async def collect(pages: AsyncIterator[list[T]]) -> list[list[T]]:
    return [page async for page in pages]


# -- authentication ------------------------------------------------------------------------------
@ALL
async def test_connecting_yields_an_account_naming_its_company(harness: Harness) -> None:
    account = await harness.connect()
    assert account.entities and all(entity.name for entity in account.entities)


@ALL
async def test_wrong_credentials_fail_without_raising(harness: Harness) -> None:
    assert isinstance(await harness.wrong_credentials(), AuthFailed)


@MFA
async def test_a_wrong_code_fails_and_the_right_one_then_succeeds(harness: Harness) -> None:
    step, code = await harness.start_mfa()  # type: ignore[attr-defined]
    assert isinstance(step, MfaRequired)
    assert isinstance(await harness.adapter.submit_mfa(step.pending, "000000"), AuthFailed)
    assert isinstance(await harness.adapter.submit_mfa(step.pending, code), AuthSucceeded)


@PAYCHEX
async def test_a_user_with_several_companies_chooses_which_to_connect(harness: PaychexHarness) -> None:
    from roost.emulators.paychex_flex import DEMO_MFA_CODE, DEMO_PASSWORD

    step = await harness.adapter.login("credential", {"username": "multi_admin", "password": DEMO_PASSWORD})
    assert isinstance(step, MfaRequired)
    chooser = await harness.adapter.submit_mfa(step.pending, DEMO_MFA_CODE)
    assert isinstance(chooser, EntitySelectionRequired) and len(chooser.entities) == 2
    chosen = chooser.entities[1]
    done = await harness.adapter.select_entities(chooser.pending, [chosen.source_id])
    assert isinstance(done, AuthSucceeded) and done.account.entities == (chosen,)
    company = await harness.adapter.reader(done.account, chosen).company()
    assert company.source_id == chosen.source_id


@GUSTO
async def test_an_unregistered_redirect_uri_gets_an_error_page_not_a_redirect(harness: GustoHarness) -> None:
    url = harness.adapter.authorization_url(
        redirect_uri="https://evil.example/cb", state="s", code_challenge=""
    )
    async with httpx.AsyncClient() as browser:
        response = await browser.get(url)
    assert response.status_code == 400 and "location" not in response.headers


@GUSTO
async def test_an_authorization_code_works_once(harness: GustoHarness) -> None:
    code = await harness.authorize()
    first = await harness.adapter.exchange_code(code=code, redirect_uri=REDIRECT_URI, code_verifier="")
    again = await harness.adapter.exchange_code(code=code, redirect_uri=REDIRECT_URI, code_verifier="")
    assert isinstance(first, AuthSucceeded) and isinstance(again, AuthFailed)


async def _refresh_count(harness: Harness) -> int:
    async with httpx.AsyncClient(base_url=harness.base_url) as client:
        return int((await client.get("/_emulator/stats")).json()["refresh_token"])


@GUSTO
async def test_refresh_rotates_both_tokens(harness: GustoHarness) -> None:
    account = await harness.connect()
    refreshed = await harness.adapter.refresh(account)
    for key in ("access_token", "refresh_token"):
        assert refreshed.credentials[key] != account.credentials[key]
    assert (await harness.adapter.reader(refreshed, None).company()).source_id == account.external_id


@GUSTO
async def test_an_expired_token_is_refreshed_transparently_and_surfaced(harness: GustoHarness) -> None:
    account = await harness.connect()
    before = await _refresh_count(harness)
    await harness.control("POST", "expire_tokens")
    reader = harness.adapter.reader(account, None)
    await reader.company()
    assert reader.account.credentials["access_token"] != account.credentials["access_token"]  # type: ignore[attr-defined]
    assert await _refresh_count(harness) == before + 1


@GUSTO
async def test_concurrent_readers_share_a_single_refresh(harness: GustoHarness) -> None:
    account = await harness.connect()
    before = await _refresh_count(harness)
    await harness.control("POST", "expire_tokens")
    readers = [harness.adapter.reader(account, None) for _ in range(5)]
    await asyncio.gather(*(reader.company() for reader in readers))
    assert await _refresh_count(harness) == before + 1
    assert len({reader.account.credentials["access_token"] for reader in readers}) == 1  # type: ignore[attr-defined]


# -- reading -------------------------------------------------------------------------------------
@ALL
async def test_paging_reaches_every_person_exactly_once(harness: Harness) -> None:
    reader = harness.adapter.reader(await harness.connect(), None)
    pages = await collect(reader.directory())
    ids = [entry.source_id for page in pages for entry in page]
    assert len(ids) == len(set(ids)) == PEOPLE
    if harness.has_emulator:
        assert len(pages) > 1


@ALL
async def test_source_ids_are_stable_across_reads(harness: Harness) -> None:
    account = await harness.connect()

    async def ids() -> tuple[list[str], ...]:
        reader = harness.adapter.reader(account, None)
        directory = [e.source_id for page in await collect(reader.directory()) for e in page]
        people = [i.source_id for page in await collect(reader.individuals()) for i in page]
        return directory, people, [(await reader.company()).source_id]

    first, second = await ids(), await ids()
    assert first == second
    assert sorted(first[0]) == sorted(first[1])


@ALL
async def test_organization_records_validate_against_the_finch_sdk(harness: Harness) -> None:
    reader = harness.adapter.reader(await harness.connect(), None)
    validate(Company, finch_ids(to_wire(await reader.company())))
    for entry in (await collect(reader.directory()))[0]:
        validate(IndividualInDirectory, finch_ids(to_wire(entry)))
    for individual in (await collect(reader.individuals()))[0]:
        validate(IndividualResponseBody, finch_ids(to_wire(individual)))
    employments = [e for page in await collect(reader.employments()) for e in page]
    assert len(employments) == PEOPLE
    for employment in employments:
        wire = finch_ids(to_wire(employment), keep_source_id=True)
        assert_no_extra_fields(TypeAdapter(EmploymentData).validate_python(wire))


@PAYROLL
async def test_payroll_records_validate_against_the_finch_sdk(harness: Harness) -> None:
    reader = harness.adapter.reader(await harness.connect(), None)
    payments = [
        p for page in await collect(reader.payments(TODAY - dt.timedelta(days=30), TODAY)) for p in page
    ]
    assert payments
    for payment in payments:
        validate(Payment, finch_ids(to_wire(payment)))
    statements = [s for page in await collect(reader.pay_statements(payments[-1].source_id)) for s in page]
    assert {s.individual_source_id for s in statements} == set(payments[-1].individual_source_ids)
    for statement in statements:
        wire = to_wire(statement)
        del wire["source_id"]
        validate(PayStatement, finch_ids(wire))


# -- errors --------------------------------------------------------------------------------------
FAULTS = [
    pytest.param(401, None, AuthenticationRevoked, id="401"),
    pytest.param(403, None, InsufficientPermissions, id="403"),
    pytest.param(429, 1, RateLimited, id="429"),
    pytest.param(500, None, TemporarilyUnavailable, id="500"),
    pytest.param(503, None, TemporarilyUnavailable, id="503"),
]


@EMULATED_ONLY
@pytest.mark.parametrize(("status", "retry_after", "error"), FAULTS)
async def test_an_injected_fault_raises_its_typed_error(
    harness: Harness, status: int, retry_after: int | None, error: type[ProviderError]
) -> None:
    reader = harness.adapter.reader(await harness.connect(), None)
    await harness.inject(status, retry_after)
    with pytest.raises(error) as raised:
        await reader.company()
    if isinstance(raised.value, RateLimited):
        assert raised.value.retry_after == retry_after


@EMULATED_ONLY
async def test_revoked_credentials_raise_authentication_revoked(harness: Harness) -> None:
    account = await harness.connect()
    await harness.revoke(account)
    with pytest.raises(AuthenticationRevoked):
        await collect(harness.adapter.reader(account, None).directory())


@EMULATED_ONLY
async def test_one_transient_failure_is_retried_away(harness: Harness) -> None:
    reader = harness.adapter.reader(await harness.connect(), None)
    await harness.inject(503, count=1)
    assert (await reader.company()).source_id
