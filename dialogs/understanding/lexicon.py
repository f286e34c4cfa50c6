"""The words phrases are made of, per language, and how a typed word finds them.

A word is known by its *key*: the word folded (`text.fold`), written out when it
is an SMS spelling ("jveux" is "je veux"), then reduced to its stem by the
language's stemmer ("pendre", "pendu", "pendrai" share one). A typed word meets
a known word when their keys are equal, or, for keys of `FUZZY_FROM` letters or
more that start with the same letter, when one letter differs, is missing, is
added, or two letters are swapped ("sucide", "suicde"). The near keys are
computed once, when the lexicon is built, so a typed word costs a few
dictionary look-ups.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from dialogs.understanding.text import unify

Stem = Callable[[list[str]], list[str]]
"""A language's stemmer, applied to a list of folded words."""

MEMO_SIZE = 20_000
"""Typed words remembered with what they meet: a message is mostly words seen before."""
FUZZY_FROM = 5
"""Keys shorter than this are only met exactly: short words differ by one letter
too often ("mort" and "mot", "tuer" and "tuez")."""


class Hit(NamedTuple):
    """A known word met at a position of a typed text."""

    word: int
    exact: bool


class Token(NamedTuple):
    """One typed word as a language reads it."""

    position: int
    """Index of the typed word it comes from (an SMS spelling gives several tokens)."""
    typed: str
    key: str


@dataclass
class Lexicon:
    """The known words of one language, and how to read a text in that language."""

    language: str
    stem: Stem
    spelling: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """Typed word (folded) -> the words it stands for ("jveux" -> ("je", "veux"))."""
    stopwords: frozenset[str] = frozenset()
    """Words that carry no topic ("je", "le", "pour"): ignored when ranking guides."""
    exact: frozenset[str] = frozenset()
    """Typed words never read as a misspelling of another ("poisson" is not "poison")."""
    ids: dict[str, int] = field(default_factory=dict)
    """Key -> word id (ids are unique across languages)."""
    near: dict[str, set[int]] = field(default_factory=dict)
    """A key with one letter removed -> the word ids it comes from."""
    key_of: dict[int, str] = field(default_factory=dict)
    _memo: dict[str, tuple[tuple[str, str, tuple[Hit, ...]], ...]] = field(
        default_factory=dict, repr=False
    )

    def read(self, typed: Sequence[str]) -> tuple[list[Token], list[tuple[Hit, ...]]]:
        """The typed words as tokens (SMS spellings written out) and what each meets.

        Called once a message per language; each word's tokens and hits are
        worked out once and remembered (bounded), so a message costs a few look-ups.
        """
        tokens: list[Token] = []
        hits: list[tuple[Hit, ...]] = []
        for position, word in enumerate(typed):
            known = self._memo.get(word)
            if known is None:
                known = self._learn(word)
            for part, key, met in known:
                tokens.append(Token(position, part, key))
                hits.append(met)
        return tokens, hits

    def _learn(self, word: str) -> tuple[tuple[str, str, tuple[Hit, ...]], ...]:
        parts = self.spelling.get(word, (word,))
        keys = [unify(stem) for stem in self.stem(list(parts))]
        known = tuple(
            (part, key, tuple(self.hits(key, part not in self.exact)))
            for part, key in zip(parts, keys, strict=True)
        )
        if len(self._memo) >= MEMO_SIZE:
            self._memo.clear()
        self._memo[word] = known
        return known

    def tokens(self, typed: Iterable[str]) -> list[Token]:
        """The typed words with SMS spellings written out, and their keys."""
        expanded: list[tuple[int, str]] = []
        for position, word in enumerate(typed):
            for part in self.spelling.get(word, (word,)):
                expanded.append((position, part))
        stems = self.stem([word for _, word in expanded])
        return [
            Token(position, word, unify(stem))
            for (position, word), stem in zip(expanded, stems, strict=True)
        ]

    def add(self, key: str, next_id: Callable[[], int]) -> int:
        """The id of a key, known from now on (with its near keys)."""
        known = self.ids.get(key)
        if known is not None:
            return known
        word = self.ids[key] = next_id()
        self.key_of[word] = key
        if len(key) >= FUZZY_FROM:
            for variant in _deletions(key):
                self.near.setdefault(variant, set()).add(word)
        return word

    def hits(self, key: str, fuzzy: bool = True) -> list[Hit]:
        """The known words a typed key meets: exactly, or (`fuzzy`) one letter apart."""
        exact = self.ids.get(key)
        found = [Hit(exact, True)] if exact is not None else []
        if not fuzzy or len(key) + 1 < FUZZY_FROM:
            return found
        near: set[int] = set(self.near.get(key, ()))  # a letter was left out
        for variant in _deletions(key):
            word = self.ids.get(variant)  # a letter was added
            if word is not None and len(variant) >= FUZZY_FROM:
                near.add(word)
            near.update(self.near.get(variant, ()))  # a letter differs, or two swapped
        near.discard(exact if exact is not None else -1)
        found.extend(Hit(word, False) for word in sorted(near))
        return found


def _deletions(key: str) -> set[str]:
    """The key with one letter removed, never the first: a misspelling keeps it."""
    return {key[:i] + key[i + 1 :] for i in range(1, len(key))}
