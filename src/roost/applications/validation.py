"""Rules for redirect URIs and embedding origins.

Redirect URIs are matched exactly (RFC 6749 §3.1.2.2 recommends it, OAuth 2.1 requires it),
so we store them as given after checking they are absolute and carry no fragment.
Origins are compared with what browsers put in ``event.origin`` and in
``frame-ancestors``, so they are normalised to ``scheme://host[:port]``.
"""

from __future__ import annotations

from urllib.parse import urlsplit


class InvalidUri(ValueError):
    """The URI or origin is not acceptable; the message says why."""


def check_redirect_uri(uri: str) -> str:
    parts = urlsplit(uri)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise InvalidUri(f"redirect URI must be an absolute http(s) URL: {uri!r}")
    # RFC 6749 §3.1.2: the redirection endpoint URI MUST NOT include a fragment component.
    if parts.fragment or uri.endswith("#"):
        raise InvalidUri(f"redirect URI must not contain a fragment: {uri!r}")
    return uri


def normalise_origin(origin: str) -> str:
    parts = urlsplit(origin.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InvalidUri(f"origin must look like https://app.example.com: {origin!r}")
    if parts.path not in ("", "/") or parts.query or parts.fragment or parts.username:
        raise InvalidUri(f"origin must be scheme://host[:port] with no path: {origin!r}")
    default_port = {"http": 80, "https": 443}[parts.scheme]
    host = parts.hostname.lower()
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    port = parts.port
    return f"{parts.scheme}://{host}" + (f":{port}" if port and port != default_port else "")
