"""Webhook signatures, exactly as the official SDKs verify them (reference/finch-api.md §10).

A Svix-style scheme: ``Finch-Signature: v1,<base64 HMAC-SHA256>`` over
``"{event_id}.{timestamp}.{body}"``, keyed with the base64-decoded endpoint secret. The SDK
decodes the secret as plain base64 (no ``whsec_`` prefix is stripped), so that is what
:func:`new_secret` issues.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

SIGNATURE_VERSION = "v1"
SECRET_BYTES = 32


def new_secret() -> str:
    """A fresh endpoint secret: base64 of 32 random bytes."""
    return base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode("ascii")


def signed_content(event_id: str, timestamp: int, body: bytes) -> bytes:
    """§10 step 4: ``f"{event_id}.{floor(timestamp)}.{raw_body_utf8}"``."""
    return f"{event_id}.{timestamp}.".encode() + body


def sign(secret: str, event_id: str, timestamp: int, body: bytes) -> str:
    """The ``Finch-Signature`` value for one delivery: ``v1,<base64 signature>``."""
    key = base64.b64decode(secret)
    digest = hmac.new(key, signed_content(event_id, timestamp, body), hashlib.sha256).digest()
    return f"{SIGNATURE_VERSION},{base64.b64encode(digest).decode('ascii')}"


def signature_headers(secret: str, event_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    """Every header a receiver needs to verify a delivery (§10 "Delivery")."""
    return {
        "Content-Type": "application/json",
        "Finch-Event-Id": event_id,
        "Finch-Timestamp": str(timestamp),
        "Finch-Signature": sign(secret, event_id, timestamp, body),
    }
