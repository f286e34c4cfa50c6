"""The transcript's blind index: keyed hashes of the words of each entry, so that
transcripts can be searched though their text is sealed.

A word is folded (accents removed, case folded: « Téléphone » and « telephone » are
one word) and indexed with each of its prefixes from 3 letters up to 12 (« logement »:
log, loge, ..., logement), so that every word of a search is a prefix; a word of one
or two letters is indexed as it is. Each term is hashed with HMAC-SHA256 under the
search key and the person's id, and 8 bytes are kept: the index tells which of one
person's entries share a word, not the word, and the same word said by two persons
gives two unrelated hashes. A search hashes its words the same way, then reads the
entries that hold them all, and checks their opened text (a term cut at 12 letters,
or two words that share a hash, can find an entry that does not hold the word).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import unicodedata

MIN_PREFIX = 3
MAX_PREFIX = 12
_WORD = re.compile(r"[^\W_]+")


def fold(text: str) -> str:
    """`text` without accents nor case (« Hébergement » → « hebergement »)."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def words(text: str) -> list[str]:
    """The folded words of `text`: runs of letters and digits."""
    return _WORD.findall(fold(text))


def terms(word: str) -> list[str]:
    """What a folded word is indexed under: its prefixes of 3 to 12 letters, or itself
    when it is shorter."""
    if len(word) < MIN_PREFIX:
        return [word]
    return [word[:n] for n in range(MIN_PREFIX, min(len(word), MAX_PREFIX) + 1)]


def term_of(word: str) -> str:
    """The term a searched (folded) word is looked up by."""
    return word[:MAX_PREFIX]


def holds(text: str, wanted: list[str]) -> bool:
    """Whether `text` holds every folded word of `wanted`, each as a prefix of one of
    its words (a word of one or two letters: as a whole word)."""
    said = words(text)
    return all(
        any(w.startswith(word) if len(word) >= MIN_PREFIX else w == word for w in said)
        for word in wanted
    )


class BlindIndex:
    """The keyed hashes of terms, for one search key."""

    def __init__(self, key: bytes) -> None:
        self._base = hmac.new(key, digestmod=hashlib.sha256)

    def digest(self, person_id: int, term: str) -> int:
        """The hash of one person's term, as a signed 64-bit integer (a BIGINT)."""
        mac = self._base.copy()
        mac.update(f"{person_id}:{term}".encode())
        return int.from_bytes(mac.digest()[:8], "big", signed=True)

    def of_text(self, person_id: int, text: str) -> set[int]:
        """Every hash an entry of the person with this text is indexed under."""
        found = {t for word in words(text) for t in terms(word)}
        return {self.digest(person_id, t) for t in found}
