"""Password hashes: argon2id through argon2-cffi, with its recommended parameters."""
from __future__ import annotations

from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()  # argon2id (RFC 9106 low-memory profile)


def hash_password(password: str) -> str:
    if not password:
        raise ValueError("a password may not be empty")
    return _hasher.hash(password)


@lru_cache(maxsize=1)
def _stand_in() -> str:
    return _hasher.hash("a stand-in so that an unknown user costs as much as a known one")


def verify(password_hash: str | None, password: str) -> bool:
    """Whether ``password`` matches; with no hash (unknown user, no password) still hashes once."""
    try:
        return _hasher.verify(password_hash or _stand_in(), password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False
