"""Envelope encryption of provider credentials: AES-256-GCM with key ids (DESIGN.md §4).

Every ciphertext records the id of the key that sealed it, and the row it belongs to is
bound in as associated data, so a blob copied onto another row does not decrypt. Keys come
from ``ROOST_ENCRYPTION_KEYS`` (``kid:base64key,...``; the first one encrypts, all decrypt),
so keys rotate online: add a new key first, re-encrypt (``roost keys rotate``), then drop
the old one. Demo mode keeps a generated key in a local file.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

_NONCE_BYTES = 12  # NIST SP 800-38D §8.2: 96-bit nonces, random per message


class DecryptionError(Exception):
    """The ciphertext is not ours, was moved to another row, or its key is gone."""


class Keyring:
    def __init__(self, keys: list[tuple[str, bytes]]) -> None:
        if not keys:
            raise ValueError("a keyring needs at least one key")
        for kid, key in keys:
            if len(key) != 32:
                raise ValueError(f"encryption key {kid!r} must be 32 bytes (AES-256)")
        self.primary_kid = keys[0][0]
        self._keys = {kid: AESGCM(key) for kid, key in keys}

    @classmethod
    def parse(cls, spec: str) -> Keyring:
        keys = []
        for item in spec.split(","):
            kid, _, encoded = item.strip().partition(":")
            keys.append((kid, base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))))
        return cls(keys)

    @staticmethod
    def generate_spec(kid: str | None = None) -> str:
        key = base64.urlsafe_b64encode(secrets.token_bytes(32)).decode().rstrip("=")
        return f"{kid or 'k' + secrets.token_hex(4)}:{key}"

    @classmethod
    def from_file(cls, path: Path) -> Keyring:
        if not path.exists():
            path.write_text(cls.generate_spec())
            os.chmod(path, 0o600)
        return cls.parse(path.read_text().strip())

    def encrypt(self, value: Any, associated: str) -> str:
        nonce = secrets.token_bytes(_NONCE_BYTES)
        sealed = self._keys[self.primary_kid].encrypt(nonce, json.dumps(value).encode(), associated.encode())
        return f"{self.primary_kid}.{base64.urlsafe_b64encode(nonce + sealed).decode()}"

    def decrypt(self, token: str, associated: str) -> Any:
        kid, _, encoded = token.partition(".")
        cipher = self._keys.get(kid)
        if cipher is None:
            raise DecryptionError(f"no key {kid!r} in the keyring")
        raw = base64.urlsafe_b64decode(encoded)
        try:
            plain = cipher.decrypt(raw[:_NONCE_BYTES], raw[_NONCE_BYTES:], associated.encode())
        except Exception as exc:  # cryptography raises InvalidTag
            raise DecryptionError("ciphertext does not authenticate") from exc
        return json.loads(plain)

    def needs_rotation(self, token: str) -> bool:
        return not token.startswith(self.primary_kid + ".")
