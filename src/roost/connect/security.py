"""CSRF tokens and response headers for the Connect UI (DESIGN.md §4).

No cookies are needed inside the SDK's iframe (third-party cookies are often blocked), so
each form carries a token that is an HMAC of the session id under the server key: only
Roost can mint it, and it is useless for any other session.
"""

from __future__ import annotations

import hashlib
import hmac
from urllib.parse import urlsplit

from roost.applications.validation import InvalidUri, normalise_origin


def csrf_token(server_key: bytes, session_id: str, purpose: str = "form") -> str:
    return hmac.new(server_key, f"connect:{purpose}:{session_id}".encode(), hashlib.sha256).hexdigest()


def csrf_valid(server_key: bytes, session_id: str, token: str, purpose: str = "form") -> bool:
    return hmac.compare_digest(csrf_token(server_key, session_id, purpose), token)


def oauth_state(server_key: bytes, session_id: str) -> str:
    """The ``state`` Roost sends to a provider's OAuth page: the session, signed."""
    return f"{session_id}.{csrf_token(server_key, session_id, 'oauth')[:32]}"


def session_from_oauth_state(server_key: bytes, state: str) -> str | None:
    session_id, _, signature = state.partition(".")
    expected = csrf_token(server_key, session_id, "oauth")[:32]
    return session_id if signature and hmac.compare_digest(expected, signature) else None


def origin_of(url: str | None) -> str | None:
    if not url:
        return None
    try:
        return normalise_origin(f"{urlsplit(url).scheme}://{urlsplit(url).netloc}")
    except InvalidUri:
        return None


def page_headers(frame_origins: list[str] | None, redirect_uri: str | None) -> dict[str, str]:
    """Headers for every Connect page.

    ``frame_ancestors`` lists exactly the application's embedding origins (``'none'`` when
    it has none); ``None`` means the page carries nothing private (an error about an
    unknown session) and may be framed anywhere so the SDK can hear about the error.
    """
    ancestors = "*"
    if frame_origins is not None:
        ancestors = " ".join(frame_origins) or "'none'"
    form_targets = ["'self'"]
    redirect_origin = origin_of(redirect_uri)
    if redirect_origin:
        # Chromium applies form-action to the redirect that follows a form post.
        form_targets.append(redirect_origin)
    policy = (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        f"connect-src 'self'; form-action {' '.join(form_targets)}; frame-ancestors {ancestors}; "
        "base-uri 'none'; object-src 'none'"
    )
    return {
        "Content-Security-Policy": policy,
        "X-Content-Type-Options": "nosniff",
        # The embedded flow needs nothing from the referrer; keep session URLs to ourselves.
        "Referrer-Policy": "same-origin",
        "Cache-Control": "no-store",
    }
