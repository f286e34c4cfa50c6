"""Folding and splitting what a person types, the same way for every language.

Folded text has no case, no accents or Arabic diacritics, one spelling of the
Arabic letters that are written several ways (alef with or without hamza, ta
marbuta and ha, alif maqsura and ya), no invisible format characters (right to
left overrides, zero-width joiners) and no letter repeated three times or more
("nooon", "موووت"). Words are runs of letters and digits: Latin-script Arabic
keeps its digits ("nta7er").
"""

# Arabic letters are written as they are, so that a reader sees what is unified.
# ruff: noqa: RUF001
from __future__ import annotations

import re
import unicodedata

MAX_WORDS = 400
"""Words read in one message: more than any real message (2,000 characters)."""

_ARABIC_VARIANTS = str.maketrans(
    {
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ة": "ه",
        "ى": "ي",
        "ی": "ي",
        "ک": "ك",
        "ؤ": "و",
        "ئ": "ي",
    }
)
_LATIN = str.maketrans({"œ": "oe", "æ": "ae", "’": "'"})
_TATWEEL = "ـ"
_REPEATED = re.compile(r"(.)\1{2,}")
_WORD = re.compile(r"[^\W_]+")


def fold(text: str) -> str:
    """Lower case, bare letters, no stretched letters.

    Arabic letters keep their hamza here (the Arabic stemmer reads "سأ" as the
    future), only their short vowels and the tatweel go; `unify` merges the
    letters written several ways once words are stemmed.
    """
    lowered = text.casefold()
    if lowered.isascii():
        return _REPEATED.sub(r"\1", lowered)
    kept: list[str] = []
    for char in unicodedata.normalize("NFC", lowered):
        if "\u0600" <= char <= "\u06ff":
            if not unicodedata.combining(char) and char != _TATWEEL:
                kept.append(char)
        elif unicodedata.category(char) != "Cf":  # bidi overrides, zero-width joiners
            kept.extend(
                c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c)
            )
    return _REPEATED.sub(r"\1", "".join(kept).translate(_LATIN))


def unify(word: str) -> str:
    """One spelling of the Arabic letters written several ways (alef, ta marbuta, ...)."""
    return word.translate(_ARABIC_VARIANTS)


def words(text: str, limit: int = MAX_WORDS) -> list[str]:
    """The folded words of a text, in order, the first `limit` of them."""
    found: list[str] = []
    for match in _WORD.finditer(fold(text)):
        found.append(match.group())
        if len(found) >= limit:
            break
    return found
