"""Configuration, read from ``ROOST_*`` environment variables (and ``.env``).

Nothing reads settings at import time: ``create_app(settings)`` and the CLI build a
:class:`Settings` and pass it down, so tests can run several configurations side by side.
"""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BeforeValidator, Field, SecretStr
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from roost.core.encryption import Keyring
from roost.core.rate_limits import parse_rate_limits

# Loopback ports of `roost emulators serve` and the providers' production hosts.
EMULATOR_PORTS = {"gusto": 8601, "bamboo_hr_api": 8602, "paychex_flex": 8603}
PRODUCTION_HOSTS = {
    "gusto": "https://api.gusto.com",
    "bamboo_hr_api": "https://api.bamboohr.com",
    "paychex_flex": "https://api.paychex.com",
}


class ConfigurationError(RuntimeError):
    """The configuration cannot run safely (e.g. production without a secret key)."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ROOST_", env_file=".env", extra="ignore")

    mode: Literal["demo", "production"] = "demo"
    database_url: str = "sqlite+aiosqlite:///./roost.db"
    # Base URL the API is reached at, and the origin that serves Roost Connect (`/authorize`).
    # They are the same process by default; `connect_url` must be a bare origin because the
    # official SDK checks `event.origin.startsWith(connectUrl)`.
    public_url: str = "http://127.0.0.1:8000"
    connect_url: str | None = None
    secret_key: SecretStr | None = None
    secret_key_file: Path = Path("roost-secret.key")
    admin_token: SecretStr | None = None
    # AES-256-GCM keys for provider credentials: "kid:base64key[,kid2:key2]" (first encrypts).
    encryption_keys: SecretStr | None = None
    encryption_key_file: Path = Path("roost-encryption.key")
    # Authorization codes live at most 10 minutes (RFC 6749 §4.1.2 recommends it).
    authorization_code_seconds: int = Field(default=600, ge=30, le=600)
    # Failed credential submissions per Connect session before the form locks.
    max_failed_logins: int = Field(default=10, ge=3, le=100)
    max_body_bytes: int = Field(default=1_048_576, ge=1024)
    sqlite_busy_timeout_ms: int = Field(default=30_000, ge=0)
    # Real-provider adapters. Unset base URLs mean: the bundled emulators in demo mode
    # (`roost emulators serve`, started by `roost demo`), the providers' hosts in production.
    emulator_host: str = "127.0.0.1"
    gusto_base_url: str | None = None
    gusto_client_id: str | None = None
    gusto_client_secret: SecretStr | None = None
    bamboohr_base_url: str | None = None
    paychex_flex_base_url: str | None = None
    # `roost serve` runs a job worker in-process unless this is off (then run `roost worker`).
    embedded_worker: bool = True
    worker_concurrency: int = Field(default=2, ge=1, le=64)
    # How long a claimed job stays a worker's without a heartbeat (sent every third of it): a
    # worker killed mid-job (`kill -9`) leaves its job to another worker once this expires.
    job_lease_seconds: float = Field(default=60, ge=1, le=3600)
    # reference §9 / Data-Syncs: automated connections re-sync daily, assisted weekly.
    sync_interval_hours: float = Field(default=24, gt=0)
    assisted_sync_interval_hours: float = Field(default=168, gt=0)
    # reference §9: one forced data_sync_all per hour per connection by default.
    forced_syncs_per_hour: int = Field(default=1, ge=0, le=1000)
    # Paid payroll rarely changes: a re-sync fetches a payment's statements again only when the
    # payment itself changed, is this recent, or failed to fetch last time (DESIGN.md §6).
    statement_refresh_days: int = Field(default=31, ge=0, le=3660)
    credential_cache_seconds: float = Field(default=5.0, ge=0)
    # /employer requests per minute per application and product, e.g.
    # "default=600,pay_statement=120" (reference §12; see core/rate_limits.py). Empty: no limits.
    rate_limits: Annotated[dict[str, int], NoDecode, BeforeValidator(parse_rate_limits)] = Field(
        default_factory=dict
    )
    log_level: str = "INFO"
    log_json: bool = True

    @property
    def connect_origin(self) -> str:
        return (self.connect_url or self.public_url).rstrip("/")

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    def server_key(self) -> bytes:
        """The HMAC key for digests of client secrets and tokens (DESIGN.md §4).

        Production refuses to run without a configured key; demo mode keeps a generated key
        in a local file so that digests survive restarts.
        """
        if self.secret_key is not None:
            return self.secret_key.get_secret_value().encode()
        if self.mode == "production":
            raise ConfigurationError("ROOST_SECRET_KEY must be set in production mode")
        path = self.secret_key_file
        if not path.exists():
            path.write_text(secrets.token_urlsafe(48))
            path.chmod(0o600)
        return path.read_text().strip().encode()

    def provider_base_url(self, provider: str) -> str:
        """Where an adapter sends its requests (see the fields above)."""
        configured = {
            "gusto": self.gusto_base_url,
            "bamboo_hr_api": self.bamboohr_base_url,
            "paychex_flex": self.paychex_flex_base_url,
        }[provider]
        if configured:
            return configured.rstrip("/")
        if self.mode == "demo":
            return f"http://{self.emulator_host}:{EMULATOR_PORTS[provider]}"
        return PRODUCTION_HOSTS[provider]

    def keyring(self) -> Keyring:
        if self.encryption_keys is not None:
            return Keyring.parse(self.encryption_keys.get_secret_value())
        if self.mode == "production":
            raise ConfigurationError("ROOST_ENCRYPTION_KEYS must be set in production mode")
        return Keyring.from_file(self.encryption_key_file)
