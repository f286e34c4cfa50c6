"""The service's secret key, and the keys derived from it for each use.

One secret (32 random bytes, base64) is the root: the PIN pepper and the link
codes' HMAC key are derived from it (HMAC-SHA256 of the purpose), so a copy of
the database alone gives up neither PINs (their hashes need the pepper) nor
usable link codes. It comes from `FILROUGE_SECRET_KEY`, or from a key file:
by default `filrouge.key` beside a SQLite database, created (0600) at first
start. A PostgreSQL install must set `FILROUGE_SECRET_KEY` (`filrouge keys new`
prints one); keep it out of the database's backups, and back it up apart.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url

from bot.settings import Settings

KEY_BYTES = 32
KEY_FILE = "filrouge.key"


class KeyUnusable(Exception):
    """The secret key is missing or malformed: what to do is in the message."""


@dataclass(frozen=True)
class Keys:
    root: bytes

    def derived(self, purpose: str) -> bytes:
        """The key for one use (`pin-pepper`, `link-code`, ...): HMAC-SHA256(root, purpose)."""
        return hmac.new(self.root, purpose.encode(), hashlib.sha256).digest()

    @property
    def pepper(self) -> bytes:
        return self.derived("pin-pepper")

    @property
    def link(self) -> bytes:
        return self.derived("link-code")


def new_key() -> str:
    """A fresh secret key, as `FILROUGE_SECRET_KEY` wants it."""
    return base64.b64encode(secrets.token_bytes(KEY_BYTES)).decode()


def load_keys(settings: Settings) -> Keys:
    """The keys of this install: from the setting, or from the key file (created for a
    SQLite database the first time). Raises `KeyUnusable` with what to do."""
    if settings.secret_key is not None:
        return Keys(_decoded(settings.secret_key.get_secret_value(), "FILROUGE_SECRET_KEY"))
    path = key_file(settings)
    if path is None:
        raise KeyUnusable(
            "set FILROUGE_SECRET_KEY (a server database keeps no key file): "
            "`filrouge keys new` prints one"
        )
    if not path.exists():
        _create(path)
    return Keys(_decoded(path.read_text(encoding="ascii").strip(), str(path)))


def key_file(settings: Settings) -> Path | None:
    """Where the key file is: the setting, or beside a SQLite database (None otherwise)."""
    if settings.key_file is not None:
        return settings.key_file
    parsed = make_url(settings.database_url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database:
        return None
    return Path(parsed.database).resolve().parent / KEY_FILE


def _create(path: Path) -> None:
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="ascii") as handle:
        handle.write(new_key() + "\n")


def _decoded(text: str, where: str) -> bytes:
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as error:
        raise KeyUnusable(f"{where} is not base64: `filrouge keys new` prints a key") from error
    if len(raw) != KEY_BYTES:
        raise KeyUnusable(f"{where} must hold {KEY_BYTES} bytes: `filrouge keys new` prints one")
    return raw
