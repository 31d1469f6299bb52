"""AES-256-GCM envelope encryption of provider credentials."""

from __future__ import annotations

import pytest

from roost.core.encryption import DecryptionError, Keyring


def test_a_value_round_trips_bound_to_its_row() -> None:
    keyring = Keyring.parse(Keyring.generate_spec("k1"))
    sealed = keyring.encrypt({"password": "hunter2"}, "row-1")
    assert "hunter2" not in sealed and sealed.startswith("k1.")
    assert keyring.decrypt(sealed, "row-1") == {"password": "hunter2"}
    with pytest.raises(DecryptionError):
        keyring.decrypt(sealed, "row-2")


def test_old_keys_still_decrypt_after_rotation() -> None:
    old = Keyring.generate_spec("old")
    sealed = Keyring.parse(old).encrypt("secret", "row")
    rotated = Keyring.parse(Keyring.generate_spec("new") + "," + old)
    assert rotated.decrypt(sealed, "row") == "secret"
    assert rotated.needs_rotation(sealed)
    assert not rotated.needs_rotation(rotated.encrypt("secret", "row"))


def test_unknown_keys_and_tampering_are_refused() -> None:
    keyring = Keyring.parse(Keyring.generate_spec("k1"))
    sealed = keyring.encrypt("secret", "row")
    with pytest.raises(DecryptionError):
        Keyring.parse(Keyring.generate_spec("k2")).decrypt(sealed, "row")
    tampered = sealed[:-2] + ("A" if sealed[-2] != "A" else "B") + sealed[-1]
    with pytest.raises(DecryptionError):
        keyring.decrypt(tampered, "row")


def test_keys_must_be_256_bits() -> None:
    with pytest.raises(ValueError, match="32 bytes"):
        Keyring([("short", b"x" * 16)])
