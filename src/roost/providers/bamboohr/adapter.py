"""The BambooHR adapter (``bamboo_hr_api``): API-key connections.

documentation.bamboohr.com/docs/getting-started: a key is sent as the Basic-auth username and
belongs to one company, addressed by its subdomain (``acme`` for ``acme.bamboohr.com``).
Connect's api_token form has one field, so Roost asks for both in it as
``subdomain:key`` — keys are hex, so the first colon is unambiguous — and also accepts a
``subdomain`` (or ``company_domain``) field when a form sends it apart, and a pasted
``acme.bamboohr.com`` host as the subdomain.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from roost.providers.bamboohr.definition import DEFINITION
from roost.providers.bamboohr.reader import BambooHrApi, BambooHrReader
from roost.providers.catalogue import ProviderDefinition
from roost.providers.contract import (
    AuthenticationRevoked,
    AuthFailed,
    AuthStep,
    AuthSucceeded,
    BenefitWriter,
    InsufficientPermissions,
    ProviderAccount,
    ProviderError,
    UnsupportedBenefitWriter,
)
from roost.providers.http import ProviderHttpClient
from roost.providers.records import Entity

__all__ = ["PRODUCTION_BASE_URL", "BambooHrAdapter", "parse_api_token"]

PRODUCTION_BASE_URL = "https://api.bamboohr.com"
FORMAT_HINT = "Enter your BambooHR subdomain and API key as subdomain:key (for example acme:1a2b…)."


def parse_api_token(fields: Mapping[str, str]) -> tuple[str, str] | None:
    """(subdomain, key) from the login form, or None when either is missing."""
    token = fields.get("api_token", "").strip()
    domain = (fields.get("subdomain") or fields.get("company_domain") or "").strip()
    if not domain and ":" in token:
        domain, _, token = token.partition(":")
    domain = domain.strip().removeprefix("https://").removeprefix("http://").split(".bamboohr.com")[0]
    domain, token = domain.strip().lower(), token.strip()
    return (domain, token) if domain and token else None


class BambooHrAdapter:
    def __init__(
        self,
        *,
        http: ProviderHttpClient,
        base_url: str = PRODUCTION_BASE_URL,
        page_size: int = 100,
    ) -> None:
        self._http = http
        self._base_url = base_url
        self._page_size = page_size

    @property
    def definition(self) -> ProviderDefinition:
        return DEFINITION

    async def login(self, method: str, fields: Mapping[str, str]) -> AuthStep:
        if method != "api_token":
            return AuthFailed(f"BambooHR (API) connects with an API key, not {method}.", retryable=False)
        parsed = parse_api_token(fields)
        if parsed is None:
            return AuthFailed(FORMAT_HINT)
        domain, key = parsed
        api = BambooHrApi(self._http, self._base_url, domain, key)
        try:
            # Employee 0 is the key's owner (providers.md §2.1): a cheap check that the key works.
            owner = await api.request("GET", "/employees/0", params={"fields": "firstName,lastName"})
            info = await api.request("GET", "/company_information")
        except AuthenticationRevoked:
            return AuthFailed("BambooHR did not accept that API key.")
        except InsufficientPermissions:
            return AuthFailed("This API key cannot read employee data, or API access is disabled.", False)
        except ProviderError:
            return AuthFailed(f"No BambooHR company answered at {domain!r}. {FORMAT_HINT}")
        name = str(info.get("legalName") or info.get("displayName") or domain)
        username = " ".join(filter(None, (owner.get("firstName"), owner.get("lastName")))) or None
        return AuthSucceeded(
            ProviderAccount(
                credentials={"company_domain": domain, "api_key": key},
                entities=(Entity(source_id=domain, name=name),),
                external_id=domain,
                username=username,
            )
        )

    async def submit_mfa(self, pending: Mapping[str, Any], code: str) -> AuthStep:
        return AuthFailed("BambooHR API keys need no verification code.", retryable=False)

    async def select_entities(self, pending: Mapping[str, Any], entity_ids: list[str]) -> AuthStep:
        return AuthFailed("A BambooHR API key belongs to exactly one company.", retryable=False)

    def authorization_url(self, *, redirect_uri: str, state: str, code_challenge: str) -> str:
        raise NotImplementedError("bamboo_hr_api connects with API keys, not OAuth")

    async def exchange_code(self, *, code: str, redirect_uri: str, code_verifier: str) -> AuthStep:
        return AuthFailed("bamboo_hr_api connects with API keys, not OAuth.", retryable=False)

    async def refresh(self, account: ProviderAccount) -> ProviderAccount:
        return account  # API keys do not expire

    def reader(self, account: ProviderAccount, entity: Entity | None) -> BambooHrReader:
        domain = str(account.credentials["company_domain"])
        api = BambooHrApi(self._http, self._base_url, domain, str(account.credentials["api_key"]))
        return BambooHrReader(api, domain, self._page_size)

    def benefit_writer(self, account: ProviderAccount, entity: Entity | None) -> BenefitWriter:
        # BambooHR's API has no payroll deductions to write (it is an HR system).
        return UnsupportedBenefitWriter("BambooHR")
