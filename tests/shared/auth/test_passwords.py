"""Password hashing: argon2id hashes, strength checks, unknown accounts."""

from __future__ import annotations

import pytest

from shared.auth.passwords import (
    check_password_strength,
    hash_password,
    needs_rehash,
    verify_password,
)
from shared.errors import ValidationFailedError


def test_hash_password_uses_argon2id() -> None:
    stored = hash_password("empat kata acak sekali")
    assert stored.startswith("$argon2id$")
    assert not needs_rehash(stored)


def test_verify_password_accepts_only_the_same_password() -> None:
    stored = hash_password("empat kata acak sekali")
    assert verify_password(stored, "empat kata acak sekali")
    assert not verify_password(stored, "empat kata acak sekalI")
    assert not verify_password(stored, "")


def test_verify_password_refuses_missing_account_and_broken_hash() -> None:
    assert not verify_password(None, "apa saja yang panjang")
    assert not verify_password("not-a-hash", "apa saja yang panjang")


@pytest.mark.parametrize("password", ["pendek", "aaaaaaaaaaaaaaaa", "abababababababab"])
def test_check_password_strength_refuses_weak_passwords(password: str) -> None:
    with pytest.raises(ValidationFailedError):
        check_password_strength(password)
