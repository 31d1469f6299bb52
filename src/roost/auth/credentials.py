"""Reading client credentials and bearer tokens from requests.

RFC 7617 (Basic) for ``client_id:client_secret``; RFC 6750 §2.1 for bearer tokens.
"""

from __future__ import annotations

import base64
import binascii

from roost.core.errors import FinchError, unauthorized


def parse_basic(authorization: str | None) -> tuple[str, str]:
    """``(client_id, client_secret)`` from a Basic header, or ``401`` Finch-style."""
    if not authorization:
        raise unauthorized()
    scheme, _, encoded = authorization.partition(" ")
    if scheme.lower() != "basic" or not encoded.strip():
        raise unauthorized("Unauthorized request: expected Basic authentication with client_id:client_secret")
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError) as exc:
        raise FinchError(401, "invalid_client_error", "Malformed Basic authorization header") from exc
    client_id, separator, client_secret = decoded.partition(":")
    if not separator or not client_id or not client_secret:
        raise FinchError(401, "invalid_client_error", "Basic credentials must be client_id:client_secret")
    return client_id, client_secret


def parse_bearer(authorization: str | None) -> str:
    if not authorization:
        raise unauthorized()
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise unauthorized("Unauthorized request: expected a Bearer access token")
    return token.strip()
