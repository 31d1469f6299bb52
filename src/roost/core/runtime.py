"""The composition root's product: everything a service function needs, built once."""

from __future__ import annotations

from dataclasses import dataclass, field

from roost.applications.credential_cache import CredentialCache
from roost.core.clock import Clock
from roost.core.database import Database
from roost.core.encryption import Keyring
from roost.core.rate_limits import RateLimiter
from roost.providers.catalogue import ProviderCatalogue
from roost.providers.registry import AdapterRegistry
from roost.providers.wiring import RealAdapters
from roost.settings import Settings


@dataclass
class Runtime:
    settings: Settings
    database: Database
    clock: Clock
    server_key: bytes
    catalogue: ProviderCatalogue
    keyring: Keyring
    adapters: AdapterRegistry
    real_adapters: RealAdapters
    credential_cache: CredentialCache = field(default_factory=lambda: CredentialCache(0))
    # None unless ROOST_RATE_LIMITS is set: the /employer hot path then skips limiting.
    rate_limiter: RateLimiter | None = None
