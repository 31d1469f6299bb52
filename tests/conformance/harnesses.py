"""One harness per adapter: how to connect it, and how to make its emulator misbehave.

To add a provider to the kit, write a harness here and list it in ``HARNESSES`` (see
docs/adding-a-provider.md). Every test in ``test_adapter_conformance.py`` then runs on it.
What each adapter is held to — its products, fields, auth methods and MFA — comes from the
definition it declares itself, the one ``GET /providers`` shows.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx

from roost.core.clock import SystemClock
from roost.emulators import bamboohr, gusto, paychex_flex
from roost.providers.bamboohr import DEFINITION as BAMBOO_HR_API
from roost.providers.bamboohr import BambooHrAdapter
from roost.providers.catalogue import AuthMethodType, ProviderDefinition
from roost.providers.contract import AuthStep, AuthSucceeded, ProviderAccount, ProviderAdapter
from roost.providers.definitions import SANDBOX_ONLY_DEFINITIONS
from roost.providers.gusto import DEFINITION as GUSTO
from roost.providers.gusto import GustoAdapter, GustoApplication, GustoTokenKeeper
from roost.providers.http import OutboundPolicy, ProviderHttpClient
from roost.providers.paychex_flex import DEFINITION as PAYCHEX_FLEX
from roost.providers.paychex_flex import PaychexFlexAdapter
from roost.providers.sandbox import authentication
from roost.providers.sandbox.adapter import FinchSandboxAdapter
from roost.providers.sandbox.generator import CompanySpec

TODAY = dt.date(2025, 3, 20)
PEOPLE = 250
PAGE_SIZE = 100
REDIRECT_URI = "http://127.0.0.1:9/callback"
# The sandbox stands in for a provider with that provider's definition; ADP RUN's claims every
# product the sandbox can read, so the kit checks all of them on it.
SANDBOX_STAND_IN: ProviderDefinition = next(d for d in SANDBOX_ONLY_DEFINITIONS if d.id == "adp_run")
# Fast, bounded retries so fault tests take milliseconds.
TEST_POLICY = OutboundPolicy(
    attempts=2, wait_initial_seconds=0.01, wait_max_seconds=0.05, requests_per_second=10_000, burst=10_000
)


def big_company(seed: int) -> CompanySpec:
    return CompanySpec(seed=seed, employee_size=PEOPLE, today=TODAY)


# The company each emulator serves to the harness's connect(): the provider's data, before the
# emulator puts it in the provider's shapes and the adapter maps it back.
SOURCE_COMPANIES: dict[str, CompanySpec] = {
    "gusto": big_company(501),
    "bamboo_hr_api": big_company(502),
    "paychex_flex": big_company(503),
}


def emulator_apps() -> tuple[dict[str, Any], dict[str, Any]]:
    """The emulator objects and their apps, one big company each."""
    flex = SOURCE_COMPANIES["paychex_flex"]
    emulators: dict[str, Any] = {
        "gusto": gusto.GustoEmulator(gusto.GustoEmulatorConfig(companies=(SOURCE_COMPANIES["gusto"],))),
        "bamboo_hr_api": bamboohr.BambooHrEmulator(
            (
                bamboohr.BambooTenant(
                    bamboohr.DEMO_DOMAIN, bamboohr.DEMO_API_KEY, SOURCE_COMPANIES["bamboo_hr_api"]
                ),
            )
        ),
        "paychex_flex": paychex_flex.PaychexFlexEmulator(
            (
                paychex_flex.FlexUser("flex_admin", paychex_flex.DEMO_PASSWORD, (flex,)),
                paychex_flex.FlexUser(
                    "multi_admin",
                    paychex_flex.DEMO_PASSWORD,
                    (flex, CompanySpec(seed=504, employee_size=12, today=TODAY)),
                ),
            )
        ),
    }
    return emulators, {name: emulator.app() for name, emulator in emulators.items()}


@dataclass
class Harness:
    """Base: an adapter plus the steps that drive its auth flow and its emulator's faults."""

    name: str
    adapter: ProviderAdapter
    base_url: str = ""
    http: ProviderHttpClient | None = None
    has_emulator: bool = True
    # The sign-in method ``connect()`` uses.
    method: AuthMethodType = "credential"
    # Supported fields the emulated provider exposes for only part of the generated company,
    # so the kit cannot expect them filled (each with the reason on its harness).
    partly_exposed: tuple[str, ...] = ()

    async def connect(self) -> ProviderAccount:
        raise NotImplementedError

    async def wrong_credentials(self) -> AuthStep:
        raise NotImplementedError

    async def control(self, method: str, path: str, body: dict[str, Any] | None = None) -> None:
        async with httpx.AsyncClient(base_url=self.base_url) as client:
            response = await client.request(method, f"/_emulator/{path}", json=body)
            response.raise_for_status()

    async def inject(self, status: int, retry_after: float | None = None, count: int = 20) -> None:
        await self.control("POST", "faults", {"status": status, "retry_after": retry_after, "count": count})

    async def revoke(self, account: ProviderAccount) -> None:
        await self.control("POST", "revoke")

    async def reset(self) -> None:
        await self.control("DELETE", "faults")

    async def close(self) -> None:
        if self.http is not None:
            await self.http.aclose()


def _succeeded(step: AuthStep) -> ProviderAccount:
    assert isinstance(step, AuthSucceeded), step
    return step.account


class SandboxHarness(Harness):
    async def connect(self) -> ProviderAccount:
        account = _succeeded(
            await self.adapter.login("credential", {"username": "good_user", "password": "good_pass"})
        )
        # Same scripted login, but the big company the paging tests need.
        return authentication.sandbox_account(account.username, seed=505, employee_size=PEOPLE)

    async def wrong_credentials(self) -> AuthStep:
        return await self.adapter.login("credential", {"username": "good_user", "password": "nope"})

    async def start_mfa(self) -> tuple[AuthStep, str]:
        return await self.adapter.login("credential", {"username": "good_user", "password": "mfa"}), "123456"


class GustoHarness(Harness):
    async def authorize(self) -> str:
        """Drive the emulator's consent page like a browser; returns the authorization code."""
        url = self.adapter.authorization_url(
            redirect_uri=REDIRECT_URI, state="state-1", code_challenge="unused"
        )
        async with httpx.AsyncClient() as browser:
            page = await browser.get(url)
            form = dict(re.findall(r'name="(\w+)" value="([^"]*)"', page.text))
            answer = await browser.post(
                f"{self.base_url}/oauth/authorize", data={**form, "decision": "allow"}
            )
        assert answer.status_code == 302
        query = parse_qs(urlsplit(answer.headers["location"]).query)
        assert query["state"] == ["state-1"]
        return query["code"][0]

    async def connect(self) -> ProviderAccount:
        code = await self.authorize()
        return _succeeded(
            await self.adapter.exchange_code(code=code, redirect_uri=REDIRECT_URI, code_verifier="")
        )

    async def wrong_credentials(self) -> AuthStep:
        return await self.adapter.exchange_code(
            code="not-a-code", redirect_uri=REDIRECT_URI, code_verifier=""
        )


class BambooHarness(Harness):
    async def connect(self) -> ProviderAccount:
        token = f"{bamboohr.DEMO_DOMAIN}:{bamboohr.DEMO_API_KEY}"
        return _succeeded(await self.adapter.login("api_token", {"api_token": token}))

    async def wrong_credentials(self) -> AuthStep:
        return await self.adapter.login("api_token", {"api_token": f"{bamboohr.DEMO_DOMAIN}:{'f' * 40}"})

    async def reset(self) -> None:
        await super().reset()
        await self.control("DELETE", "revoke")


class PaychexHarness(Harness):
    async def connect(self) -> ProviderAccount:
        step, code = await self.start_mfa()
        assert not isinstance(step, AuthSucceeded)
        return _succeeded(await self.adapter.submit_mfa(step.pending, code))  # type: ignore[union-attr]

    async def start_mfa(self) -> tuple[AuthStep, str]:
        fields = {"username": "flex_admin", "password": paychex_flex.DEMO_PASSWORD}
        return await self.adapter.login("credential", fields), paychex_flex.DEMO_MFA_CODE

    async def wrong_credentials(self) -> AuthStep:
        return await self.adapter.login("credential", {"username": "flex_admin", "password": "wrong"})


def build(name: str, urls: dict[str, str], keeper: GustoTokenKeeper) -> Harness:
    if name == "finch_sandbox":
        adapter = FinchSandboxAdapter(SANDBOX_STAND_IN, _FixedClock())
        return SandboxHarness(name, adapter, has_emulator=False)
    http = ProviderHttpClient(name, TEST_POLICY)
    url = urls[name]
    if name == "gusto":
        application = GustoApplication(gusto.CLIENT_ID, gusto.CLIENT_SECRET)
        adapter_g = GustoAdapter(
            application=application, http=http, clock=SystemClock(), base_url=url, keeper=keeper
        )
        return GustoHarness(name, adapter_g, url, http, method="oauth")
    if name == "bamboo_hr_api":
        adapter_b = BambooHrAdapter(http=http, base_url=url, page_size=PAGE_SIZE)
        # company_information holds one office address; the generated company has several
        # locations, and only some of them have a line2.
        partly = ("company.locations.line2",)
        return BambooHarness(name, adapter_b, url, http, method="api_token", partly_exposed=partly)
    adapter_p = PaychexFlexAdapter(http=http, base_url=url, page_size=PAGE_SIZE)
    return PaychexHarness(name, adapter_p, url, http, method="credential")


class _FixedClock:
    """The sandbox generates its company as of TODAY, like the emulators."""

    def now(self) -> dt.datetime:
        return dt.datetime(TODAY.year, TODAY.month, TODAY.day, 12, tzinfo=dt.UTC)


# Each harness's adapter definition, known before any adapter is built (for parametrising).
DEFINITIONS: dict[str, ProviderDefinition] = {
    "finch_sandbox": SANDBOX_STAND_IN,
    "gusto": GUSTO,
    "bamboo_hr_api": BAMBOO_HR_API,
    "paychex_flex": PAYCHEX_FLEX,
}
HARNESSES = tuple(DEFINITIONS)
EMULATED = tuple(name for name in HARNESSES if name != "finch_sandbox")
# The sandbox scripts an MFA step on request; a real provider that always asks declares it.
WITH_MFA = tuple(name for name in HARNESSES if name == "finch_sandbox" or DEFINITIONS[name].mfa_required)
WITH_PAYROLL = tuple(name for name in HARNESSES if "payment" in DEFINITIONS[name].products)
