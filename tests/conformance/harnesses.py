"""One harness per adapter: how to connect it, and how to make its emulator misbehave.

To add a provider to the kit, write a harness here and list it in ``HARNESSES`` (see
docs/adding-a-provider.md). Every test in ``test_adapter_conformance.py`` then runs on it.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx

from roost.core.clock import SystemClock
from roost.emulators import bamboohr, gusto, paychex_flex
from roost.providers.bamboohr import BambooHrAdapter
from roost.providers.catalogue import ProviderCatalogue
from roost.providers.contract import AuthStep, AuthSucceeded, ProviderAccount, ProviderAdapter
from roost.providers.definitions import PROVIDER_DEFINITIONS
from roost.providers.gusto import GustoAdapter, GustoApplication, GustoTokenKeeper
from roost.providers.http import OutboundPolicy, ProviderHttpClient
from roost.providers.paychex_flex import PaychexFlexAdapter
from roost.providers.sandbox import authentication
from roost.providers.sandbox.adapter import FinchSandboxAdapter
from roost.providers.sandbox.generator import CompanySpec

TODAY = dt.date(2025, 3, 20)
PEOPLE = 250
PAGE_SIZE = 100
REDIRECT_URI = "http://127.0.0.1:9/callback"
CATALOGUE = ProviderCatalogue(PROVIDER_DEFINITIONS)
# Fast, bounded retries so fault tests take milliseconds.
TEST_POLICY = OutboundPolicy(
    attempts=2, wait_initial_seconds=0.01, wait_max_seconds=0.05, requests_per_second=10_000, burst=10_000
)


def big_company(seed: int) -> CompanySpec:
    return CompanySpec(seed=seed, employee_size=PEOPLE, today=TODAY)


def emulator_apps() -> tuple[dict[str, Any], dict[str, Any]]:
    """The emulator objects and their apps, one big company each."""
    emulators: dict[str, Any] = {
        "gusto": gusto.GustoEmulator(gusto.GustoEmulatorConfig(companies=(big_company(501),))),
        "bamboo_hr_api": bamboohr.BambooHrEmulator(
            (bamboohr.BambooTenant(bamboohr.DEMO_DOMAIN, bamboohr.DEMO_API_KEY, big_company(502)),)
        ),
        "paychex_flex": paychex_flex.PaychexFlexEmulator(
            (
                paychex_flex.FlexUser("flex_admin", paychex_flex.DEMO_PASSWORD, (big_company(503),)),
                paychex_flex.FlexUser(
                    "multi_admin",
                    paychex_flex.DEMO_PASSWORD,
                    (big_company(503), CompanySpec(seed=504, employee_size=12, today=TODAY)),
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
    has_mfa: bool = False
    has_payroll: bool = False
    not_supported: tuple[str, ...] = field(default_factory=tuple)

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
    definition = CATALOGUE.get(name if name != "finch_sandbox" else "gusto")
    assert definition is not None
    if name == "finch_sandbox":
        adapter = FinchSandboxAdapter(definition, _FixedClock())
        return SandboxHarness(name, adapter, has_emulator=False, has_mfa=True, has_payroll=True)
    http = ProviderHttpClient(name, TEST_POLICY)
    url = urls[name]
    if name == "gusto":
        application = GustoApplication(gusto.CLIENT_ID, gusto.CLIENT_SECRET)
        adapter_g = GustoAdapter(
            definition, application=application, http=http, clock=SystemClock(), base_url=url, keeper=keeper
        )
        return GustoHarness(name, adapter_g, url, http, has_payroll=True, not_supported=("benefits",))
    if name == "bamboo_hr_api":
        adapter_b = BambooHrAdapter(definition, http=http, base_url=url, page_size=PAGE_SIZE)
        return BambooHarness(name, adapter_b, url, http, not_supported=("payments", "pay_groups"))
    adapter_p = PaychexFlexAdapter(definition, http=http, base_url=url, page_size=PAGE_SIZE)
    return PaychexHarness(name, adapter_p, url, http, has_mfa=True, not_supported=("payments",))


class _FixedClock:
    """The sandbox generates its company as of TODAY, like the emulators."""

    def now(self) -> dt.datetime:
        return dt.datetime(TODAY.year, TODAY.month, TODAY.day, 12, tzinfo=dt.UTC)


HARNESSES = ("finch_sandbox", "gusto", "bamboo_hr_api", "paychex_flex")
EMULATED = tuple(name for name in HARNESSES if name != "finch_sandbox")
WITH_MFA = ("finch_sandbox", "paychex_flex")
WITH_PAYROLL = ("finch_sandbox", "gusto")
