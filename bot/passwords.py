"""PIN and password hashing with argon2, its cost set by `Settings`."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from bot.settings import Settings


class Hasher:
    def __init__(self, settings: Settings) -> None:
        self._argon = PasswordHasher(
            time_cost=settings.argon2_time_cost, memory_cost=settings.argon2_memory_kib
        )
        # Verified when a code is unknown, so that a wrong code costs as long as a
        # wrong PIN: response times do not tell which codes exist.
        self._decoy = self._argon.hash("decoy-pin")

    def hash(self, secret: str) -> str:
        return self._argon.hash(secret)

    def verify(self, hashed: str | None, secret: str) -> bool:
        try:
            return self._argon.verify(hashed or self._decoy, secret) and hashed is not None
        except (VerificationError, InvalidHashError):
            return False
