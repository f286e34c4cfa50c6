"""The service's secret key, and the keys derived from it for each use.

One secret (32 random bytes, base64) is the root: the PIN pepper, the link codes'
HMAC key, the data key `k0` and the key of the transcript's search index are derived
from it (HMAC-SHA256 of the purpose), so a copy of the database alone gives up
neither PINs (their hashes need the pepper), nor usable link codes, nor what people
said (sealed with the data key, `storage.sealed`). `FILROUGE_DATA_KEYS` may name
other data keys, to rotate them without touching the root (which would lose the
PINs). The root comes from `FILROUGE_SECRET_KEY`, or from a key file: by default
`filrouge.key` beside a SQLite database, created (0600) at first start. A PostgreSQL
install must set `FILROUGE_SECRET_KEY` (`filrouge keys new` prints one); keep it out
of the database's backups, and back it up apart.
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
from storage.sealed import KEY_ID, Keyring

KEY_BYTES = 32
KEY_FILE = "filrouge.key"
DERIVED_DATA_KEY = "k0"
"""The id of the data key derived from the secret key (the only one unless
`FILROUGE_DATA_KEYS` says otherwise)."""
_MISSING = (
    "add it to FILROUGE_DATA_KEYS (`id:base64key`; a bare `k0` is the key derived from "
    "the secret key), or restore the secret key it was derived from"
)


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

    @property
    def data(self) -> bytes:
        return self.derived("data")

    @property
    def search(self) -> bytes:
        return self.derived("search")


def data_keyring(settings: Settings, keys: Keys) -> Keyring:
    """The data keys: `FILROUGE_DATA_KEYS` (the first seals), or `k0` derived from the
    secret key. Raises `KeyUnusable` with what to fix."""
    if settings.data_keys is None:
        return Keyring(
            DERIVED_DATA_KEY, {DERIVED_DATA_KEY: keys.data}, missing=_MISSING, search=keys.search
        )
    found: dict[str, bytes] = {}
    for item in settings.data_keys.get_secret_value().split(","):
        key_id, _, value = item.strip().partition(":")
        if not KEY_ID.fullmatch(key_id):
            raise KeyUnusable(
                f"FILROUGE_DATA_KEYS: {key_id!r} is not a key id (1 to 16 lower-case letters, "
                "digits, - or _, then `:` and the key in base64)"
            )
        if key_id in found:
            raise KeyUnusable(f"FILROUGE_DATA_KEYS names the key {key_id!r} twice")
        if value:
            found[key_id] = _decoded(value, f"the data key {key_id!r} of FILROUGE_DATA_KEYS")
        elif key_id == DERIVED_DATA_KEY:
            found[key_id] = keys.data
        else:
            raise KeyUnusable(
                f"FILROUGE_DATA_KEYS: the key {key_id!r} has no value (`{key_id}:base64key`; "
                "`filrouge keys new` prints one)"
            )
    return Keyring(next(iter(found)), found, missing=_MISSING, search=keys.search)


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
