"""Ids, secrets and their digests (DESIGN.md §4).

Secrets are 256-bit random values with recognisable prefixes, so that a leaked one is easy
to spot and to scan for. Only HMAC-SHA256 digests under the server key are stored.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import secrets
import uuid

CLIENT_ID_PREFIX = "roost_ci_"
CLIENT_SECRET_PREFIX = "roost_cs_"  # noqa: S105 - a prefix, not a secret
ACCESS_TOKEN_PREFIX = "roost_at_"  # noqa: S105 - a prefix, not a secret
AUTHORIZATION_CODE_PREFIX = "roost_ac_"


def new_uuid() -> str:
    return str(uuid.uuid4())


def new_client_id() -> str:
    return CLIENT_ID_PREFIX + secrets.token_hex(16)


def new_secret(prefix: str) -> str:
    return prefix + secrets.token_urlsafe(32)


@functools.lru_cache(maxsize=8)
def _keyed(key: bytes) -> hmac.HMAC:
    return hmac.new(key, digestmod=hashlib.sha256)


def digest(key: bytes, value: str) -> str:
    """HMAC-SHA256 of ``value`` under ``key``, hex.

    Copied from a keyed template: every bearer request digests its token, and OpenSSL 3
    looks the algorithm up and keys a fresh context on each one-shot call, which cost more
    than the token's database read (bench/employer_directory.py).
    """
    mac = _keyed(key).copy()
    mac.update(value.encode())
    return mac.hexdigest()


def digests_match(key: bytes, value: str, expected_digest: str) -> bool:
    """Constant-time comparison of ``value``'s digest with a stored digest."""
    return hmac.compare_digest(digest(key, value), expected_digest)
