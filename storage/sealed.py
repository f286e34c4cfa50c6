"""Column values sealed at rest with AES-GCM: what people said, answered and were sent.

A sealed value is stored as text: ``$s1$<key id>$<base64(nonce ‖ ciphertext)>``
(``s1``: the format's version; the key id says which data key sealed it, so keys
can be rotated). The associated data is the column's purpose
(``"transcript_entry.text"``): a value moved to another column, or altered, does not
open. The length of a value is not hidden.

The keys are not global: the composition root attaches a :class:`Keyring` to the
engine (``make_engine(url, keyring=...)``) and the column types read it from the
dialect they are given. An engine without a keyring (Alembic, some tests) writes
values in clear; a value in clear (written before sealing, or by such an engine)
reads as itself; a sealed value reads only with its key.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import Engine, Text
from sqlalchemy.engine import Dialect
from sqlalchemy.sql import operators
from sqlalchemy.types import TypeDecorator

from storage.blind_index import BlindIndex
from storage.errors import StorageError

PREFIX = "$s1$"
"""What every sealed value begins with (format version 1)."""
KEY_BYTES = 32
NONCE_BYTES = 12
KEY_ID = re.compile(r"[a-z0-9_-]{1,16}")
"""A key id: lower-case letters, digits, `-` and `_`, at most 16 (it never holds `$`)."""
_ATTRIBUTE = "filrouge_keyring"


class SealedUnreadable(StorageError):
    """A sealed value cannot be opened: its key is missing, or it was altered or moved."""


class SealedColumnQueried(StorageError):
    """A query compared or extracted a sealed column in SQL, where only ciphertext is."""


@dataclass(frozen=True)
class Keyring:
    """The data keys of an install: `current` seals, every key opens what it sealed.

    `missing` says where keys are configured, for the message of a value whose key
    is not here (the service's settings name the variable).
    """

    current: str
    keys: Mapping[str, bytes]
    missing: str = "add its key to the keyring"
    search: bytes | None = field(default=None, repr=False)
    """The key of the transcript's blind index (`storage.blind_index`); None: no index."""
    _ciphers: dict[str, AESGCM] = field(init=False, repr=False, compare=False)
    _blind: BlindIndex | None = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        for key_id, key in self.keys.items():
            if not KEY_ID.fullmatch(key_id):
                raise ValueError(
                    f"data key id {key_id!r}: use 1 to 16 lower-case letters, digits, - or _"
                )
            if len(key) != KEY_BYTES:
                raise ValueError(f"data key {key_id!r} must hold {KEY_BYTES} bytes")
        if self.current not in self.keys:
            raise ValueError(f"the current data key {self.current!r} is not in the keyring")
        ciphers = {key_id: AESGCM(key) for key_id, key in self.keys.items()}
        object.__setattr__(self, "_ciphers", ciphers)
        blind = BlindIndex(self.search) if self.search is not None else None
        object.__setattr__(self, "_blind", blind)

    @property
    def blind(self) -> BlindIndex | None:
        """The hashes of the transcript's blind index (None: this keyring has no search key)."""
        return self._blind

    def seal(self, plain: str, purpose: str) -> str:
        """`plain` sealed with the current key, bound to `purpose`."""
        nonce = os.urandom(NONCE_BYTES)
        sealed = self._ciphers[self.current].encrypt(nonce, plain.encode(), purpose.encode())
        return f"{PREFIX}{self.current}${base64.b64encode(nonce + sealed).decode('ascii')}"

    def open(self, stored: str, purpose: str) -> str:
        """The plain text of a sealed value of `purpose`; a value in clear as it is.

        Raises :class:`SealedUnreadable` naming the key id when the key is not here,
        or when the value was altered, moved from another column or sealed with
        another key under the same id.
        """
        key_id = key_id_of(stored)
        if key_id is None:
            return stored
        cipher = self._ciphers.get(key_id)
        if cipher is None:
            raise SealedUnreadable(
                f"a value of {purpose} is sealed with the data key {key_id!r}, "
                f"which is not configured: {self.missing}"
            )
        try:
            raw = base64.b64decode(stored[len(PREFIX) + len(key_id) + 1 :], validate=True)
            return cipher.decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], purpose.encode()).decode()
        except (InvalidTag, binascii.Error, ValueError) as error:
            raise SealedUnreadable(
                f"a value of {purpose} does not open with the data key {key_id!r}: it was "
                "altered, moved from another column, or sealed by another key of that id"
            ) from error


def key_id_of(stored: str) -> str | None:
    """The id of the key that sealed `stored`; None for a value in clear."""
    if not stored.startswith(PREFIX):
        return None
    end = stored.find("$", len(PREFIX))
    return stored[len(PREFIX) : end] if end > 0 else None


def attach(engine: Engine, keyring: Keyring | None) -> None:
    """Seal what `engine` writes with `keyring` (None: write in clear)."""
    setattr(engine.dialect, _ATTRIBUTE, keyring)


def keyring_of(dialect: Dialect) -> Keyring | None:
    """The keyring attached to the engine of `dialect`, if any."""
    found: Keyring | None = getattr(dialect, _ATTRIBUTE, None)
    return found


def _open(value: str, purpose: str, dialect: Dialect) -> str:
    if not value.startswith(PREFIX):
        return value
    keyring = keyring_of(dialect)
    if keyring is None:
        raise SealedUnreadable(
            f"a value of {purpose} is sealed and this connection has no data keys: "
            "open the database through the service's engine (make_engine(url, keyring=...))"
        )
    return keyring.open(value, purpose)


class _Opaque(TypeDecorator.Comparator[Any]):
    """A sealed column can be read and written, tested for NULL, nothing more: SQL sees
    ciphertext, so a comparison or an extraction would silently find nothing."""

    _allowed = frozenset({operators.is_, operators.is_not})

    def operate(self, op: Any, *other: Any, **kwargs: Any) -> Any:
        if op in self._allowed:
            return super().operate(op, *other, **kwargs)
        raise SealedColumnQueried(
            f"{self.expr} is sealed: SQL sees only ciphertext; read the rows and look "
            "at the values in Python, or keep what a query needs in a column in clear"
        )

    def reverse_operate(self, op: Any, other: Any, **kwargs: Any) -> Any:
        return self.operate(op, other, **kwargs)


class SealedText(TypeDecorator[str]):
    """A text column sealed at rest; `purpose` (`"table.column"`) binds each value to it."""

    impl = Text
    cache_ok = True
    comparator_factory = _Opaque

    def __init__(self, purpose: str) -> None:
        super().__init__()
        self.purpose = purpose

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        keyring = keyring_of(dialect)
        if value is None or keyring is None:
            return value
        return keyring.seal(value, self.purpose)

    def process_literal_param(self, value: str | None, dialect: Dialect) -> str:
        return self.process_bind_param(value, dialect) or ""

    def process_result_value(self, value: Any, dialect: Dialect) -> str | None:
        return None if value is None else _open(str(value), self.purpose, dialect)

    @property
    def python_type(self) -> type[str]:
        return str


class SealedJSON(TypeDecorator[Any]):
    """A JSON value sealed at rest: its JSON text, sealed as by :class:`SealedText`."""

    impl = Text
    cache_ok = True
    comparator_factory = _Opaque

    def __init__(self, purpose: str) -> None:
        super().__init__()
        self.purpose = purpose

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        if value is None:
            return None
        plain = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
        keyring = keyring_of(dialect)
        return plain if keyring is None else keyring.seal(plain, self.purpose)

    def process_literal_param(self, value: Any, dialect: Dialect) -> str:
        return self.process_bind_param(value, dialect) or "null"

    def process_result_value(self, value: Any, dialect: Dialect) -> Any:
        if value is None:
            return None
        if not isinstance(value, str):  # a JSON column not migrated yet, read by a driver
            return value
        return json.loads(_open(value, self.purpose, dialect))

    @property
    def python_type(self) -> type[object]:
        return object
