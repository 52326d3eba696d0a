"""Password hashing with argon2id (RFC 9106 low-memory parameters)."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from shared.errors import ValidationFailedError

_HASHER = PasswordHasher()  # argon2id, t=3, m=64 MiB, p=4 (RFC 9106 second choice)
MIN_PASSWORD_LENGTH = 12

# Used when the account does not exist, so a wrong username costs the same
# time as a wrong password and does not reveal which accounts exist.
_DUMMY_HASH = _HASHER.hash("dompak-no-such-account")


def check_password_strength(password: str) -> None:
    """Refuse passwords that are short or made of one repeated character."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationFailedError(
            f"the password has {len(password)} characters; use at least "
            f"{MIN_PASSWORD_LENGTH}, for example four unrelated words"
        )
    if len(set(password)) < 4:
        raise ValidationFailedError(
            "the password repeats too few characters; use at least four "
            "different characters, for example four unrelated words"
        )


def hash_password(password: str) -> str:
    """Return the argon2id hash string of a password that passes the checks."""
    check_password_strength(password)
    return _HASHER.hash(password)


def verify_password(stored_hash: str | None, password: str) -> bool:
    """Check a password against its hash; False for a missing account too."""
    try:
        return _HASHER.verify(stored_hash or _DUMMY_HASH, password) and (
            stored_hash is not None
        )
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    return _HASHER.check_needs_rehash(stored_hash)
