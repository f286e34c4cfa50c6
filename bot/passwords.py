"""PIN and password hashing with argon2, its cost set by `Settings`."""

from __future__ import annotations

import hashlib
import hmac
import threading

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from bot.keys import Keys, load_keys
from bot.settings import Settings

QUEUE_SECONDS = 5.0
"""How long a check waits for a free hashing slot before the page says "busy"."""


class HashingBusy(Exception):
    """Every hashing slot is taken (many logins at once): nothing was checked."""


PEPPERED = "p1$"
"""The mark of a hash made of the peppered secret (older ones are not)."""


class Hasher:
    """argon2 with its cost from `Settings`, at most `hashing_at_once` at a time: each
    takes `argon2_memory_kib` of memory, so a crowd of logins queues, and waits its
    turn or is told the service is busy, rather than exhausting the server.

    What is hashed is the secret peppered with a server key (HMAC): a stolen
    database alone cannot be brute-forced, even for short PINs. Hashes made
    before the pepper still verify, and `outdated` says to make them again."""

    def __init__(self, settings: Settings, keys: Keys | None = None) -> None:
        self._pepper = (keys or load_keys(settings)).pepper
        self._argon = PasswordHasher(
            time_cost=settings.argon2_time_cost, memory_cost=settings.argon2_memory_kib
        )
        self._slots = threading.BoundedSemaphore(settings.hashing_at_once)
        # Verified when a code is unknown, so that a wrong code costs as long as a
        # wrong PIN: response times do not tell which codes exist.
        self._decoy = self._argon.hash("decoy-pin")

    def hash(self, secret: str) -> str:
        return PEPPERED + self._argon.hash(self._peppered(secret))

    @staticmethod
    def outdated(hashed: str | None) -> bool:
        """A hash made before the pepper (to make again once the secret is known)."""
        return hashed is not None and not hashed.startswith(PEPPERED)

    def _peppered(self, secret: str) -> str:
        return hmac.new(self._pepper, secret.encode(), hashlib.sha256).hexdigest()

    def verify(self, hashed: str | None, secret: str) -> bool:
        """Whether `secret` matches `hashed` (None: checked against a decoy, False).
        Raises `HashingBusy` when no slot frees up within `QUEUE_SECONDS`."""
        if not self._slots.acquire(timeout=QUEUE_SECONDS):
            raise HashingBusy("every hashing slot is taken")
        try:
            if hashed is None:
                self._argon.verify(self._decoy, secret)
                return False
            if hashed.startswith(PEPPERED):
                return self._argon.verify(hashed.removeprefix(PEPPERED), self._peppered(secret))
            return self._argon.verify(hashed, secret)
        except (VerificationError, InvalidHashError):
            return False
        finally:
            self._slots.release()
