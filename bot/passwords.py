"""PIN and password hashing with argon2, its cost set by `Settings`."""

from __future__ import annotations

import threading

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from bot.settings import Settings

QUEUE_SECONDS = 5.0
"""How long a check waits for a free hashing slot before the page says "busy"."""


class HashingBusy(Exception):
    """Every hashing slot is taken (many logins at once): nothing was checked."""


class Hasher:
    """argon2 with its cost from `Settings`, at most `hashing_at_once` at a time: each
    takes `argon2_memory_kib` of memory, so a crowd of logins queues, and waits its
    turn or is told the service is busy, rather than exhausting the server."""

    def __init__(self, settings: Settings) -> None:
        self._argon = PasswordHasher(
            time_cost=settings.argon2_time_cost, memory_cost=settings.argon2_memory_kib
        )
        self._slots = threading.BoundedSemaphore(settings.hashing_at_once)
        # Verified when a code is unknown, so that a wrong code costs as long as a
        # wrong PIN: response times do not tell which codes exist.
        self._decoy = self._argon.hash("decoy-pin")

    def hash(self, secret: str) -> str:
        return self._argon.hash(secret)

    def verify(self, hashed: str | None, secret: str) -> bool:
        """Whether `secret` matches `hashed` (None: checked against a decoy, False).
        Raises `HashingBusy` when no slot frees up within `QUEUE_SECONDS`."""
        if not self._slots.acquire(timeout=QUEUE_SECONDS):
            raise HashingBusy("every hashing slot is taken")
        try:
            return self._argon.verify(hashed or self._decoy, secret) and hashed is not None
        except (VerificationError, InvalidHashError):
            return False
        finally:
            self._slots.release()
