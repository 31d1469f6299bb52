"""The short-lived cache of verified client credentials."""

from __future__ import annotations

from roost.applications.credential_cache import CredentialCache
from roost.applications.principal import ApplicationPrincipal

PRINCIPAL = ApplicationPrincipal(
    id="a", client_id="roost_ci_x", name="X", type="sandbox", redirect_uris=(), origins=()
)


def test_only_the_verified_secret_digest_hits() -> None:
    cache = CredentialCache(5)
    cache.put("digest-of-right-secret", PRINCIPAL)
    assert cache.get("roost_ci_x", "digest-of-right-secret") is PRINCIPAL
    assert cache.get("roost_ci_x", "digest-of-wrong-secret") is None


def test_entries_expire_and_can_be_forgotten() -> None:
    now = [100.0]
    cache = CredentialCache(5, clock=lambda: now[0])
    cache.put("d", PRINCIPAL)
    now[0] += 4
    assert cache.get("roost_ci_x", "d") is PRINCIPAL
    now[0] += 2
    assert cache.get("roost_ci_x", "d") is None
    cache.put("d", PRINCIPAL)
    cache.forget("roost_ci_x")
    assert cache.get("roost_ci_x", "d") is None


def test_a_zero_ttl_disables_the_cache() -> None:
    cache = CredentialCache(0)
    cache.put("d", PRINCIPAL)
    assert cache.get("roost_ci_x", "d") is None
