"""Digests are plain HMAC-SHA256, whatever the key length (a stored digest must still match)."""

from __future__ import annotations

import hashlib
import hmac
import os

import pytest

from roost.core.identifiers import digest, digests_match


@pytest.mark.parametrize("key_length", [0, 1, 32, 64, 65, 200])
def test_digest_is_hmac_sha256(key_length: int) -> None:
    key = os.urandom(key_length)
    for value in ("", "roost_at_example", "é" * 100):
        expected = hmac.new(key, value.encode(), hashlib.sha256).hexdigest()
        assert digest(key, value) == expected
        assert digests_match(key, value, expected)
        assert not digests_match(key, value + "x", expected)
