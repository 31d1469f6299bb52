"""Where a forwarded request goes, and with which credentials, for each real provider.

The same base URLs and credentials the adapters use (``Settings.provider_base_url``, the
connection's sealed account), so ``/forward`` reaches exactly the API the sync reads.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from roost.connections.models import Connection
from roost.core.runtime import Runtime
from roost.providers.contract import ProviderAccount
from roost.providers.gusto.api import API_VERSION
from roost.providers.gusto.oauth import expires_soon


@dataclass(frozen=True)
class ForwardTarget:
    """The provider API root that routes are relative to, and how to authenticate to it."""

    root: str
    headers: dict[str, str] = field(default_factory=dict)
    auth: tuple[str, str] | None = None


TargetBuilder = Callable[[Runtime, Connection, ProviderAccount], Awaitable[ForwardTarget]]


async def _gusto(runtime: Runtime, connection: Connection, account: ProviderAccount) -> ForwardTarget:
    if expires_soon(account, runtime.clock):
        adapter = runtime.adapters.adapter(connection.provider_id, connection.sandbox, connection.id)
        assert adapter is not None
        # The adapter persists the rotated pair, as it does during a sync.
        account = await adapter.refresh(account)
    return ForwardTarget(
        root=runtime.settings.provider_base_url("gusto"),
        headers={
            "Authorization": f"Bearer {account.credentials['access_token']}",
            "X-Gusto-API-Version": API_VERSION,
        },
    )


async def _bamboohr(runtime: Runtime, connection: Connection, account: ProviderAccount) -> ForwardTarget:
    domain = str(account.credentials["company_domain"])
    # Routes start at the company's gateway: /v1/employees/directory, /v1/meta/lists ...
    return ForwardTarget(
        root=f"{runtime.settings.provider_base_url('bamboo_hr_api')}/api/gateway.php/{domain}",
        headers={"Accept": "application/json"},
        auth=(str(account.credentials["api_key"]), "x"),
    )


async def _paychex(runtime: Runtime, connection: Connection, account: ProviderAccount) -> ForwardTarget:
    return ForwardTarget(
        root=runtime.settings.provider_base_url("paychex_flex"),
        headers={"Authorization": f"Bearer {account.credentials['session_token']}"},
    )


TARGETS: dict[str, TargetBuilder] = {"gusto": _gusto, "bamboo_hr_api": _bamboohr, "paychex_flex": _paychex}
