"""Phrases and where a typed text contains them.

A phrase is a few words of one language ("me pendre", "envie de mourir"). A
text contains it when its words come in that order, each typed word meeting the
phrase's word (see `lexicon`), with at most `GAP` other words between two of
them: "j'ai tellement envie de mourir" contains "envie de mourir", "je veux en
finir avec mes papiers" contains "en finir" (a false alarm the net accepts).
A phrase may allow fewer words between its own (`gap`): the safety net's
`about:` phrases are met only as written, word after word.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from dialogs.understanding.lexicon import Hit, Token

GAP = 3
"""Other words allowed between two words of a phrase."""


@dataclass(frozen=True)
class Phrase:
    """A phrase as written in a data file, and its words' ids."""

    language: str
    text: str
    words: tuple[int, ...]
    payload: str
    """What the phrase stands for: a safety category, an option id, a kind of small talk."""
    fuzzy: bool = True
    """Whether its words may be met one letter apart. A phrase of one short word
    may not: alone, "menace" one letter from "menage" is a guess too far."""
    gap: int = GAP
    """Other words allowed between two of its words."""


@dataclass(frozen=True)
class Found:
    """A phrase contained in a text, with the typed words that made it."""

    phrase: Phrase
    typed: tuple[str, ...]
    exact: bool
    """Every word met exactly (no misspelling allowed for)."""
    positions: tuple[int, ...]
    """Where the typed words that made it are in the text (indexes of typed words,
    the same in every language): what a phrase covers."""


@dataclass(frozen=True)
class Reading:
    """A text as each language reads it: per language, its tokens and what they hit."""

    tokens: Mapping[str, list[Token]]
    hits: Mapping[str, list[tuple[Hit, ...]]]
    met: dict[str, frozenset[int]] = field(default_factory=dict, compare=False)

    def words_hit(self, language: str) -> frozenset[int]:
        """Every known word met somewhere in the text (worked out once)."""
        found = self.met.get(language)
        if found is None:
            found = frozenset(h.word for hits in self.hits.get(language, ()) for h in hits)
            self.met[language] = found
        return found


@dataclass
class PhraseSet:
    """Phrases, indexed by the words they are made of."""

    phrases: list[Phrase] = field(default_factory=list)
    by_word: dict[int, list[int]] = field(default_factory=dict)

    def add(self, phrase: Phrase) -> None:
        index = len(self.phrases)
        self.phrases.append(phrase)
        for word in set(phrase.words):
            self.by_word.setdefault(word, []).append(index)

    def find(self, reading: Reading) -> list[Found]:
        """Every phrase the text contains, in the order they were added."""
        found: dict[int, Found] = {}
        for language, hits in reading.hits.items():
            seen = reading.words_hit(language)
            for word in seen:
                for index in self.by_word.get(word, ()):
                    phrase = self.phrases[index]
                    if index in found or phrase.language != language:
                        continue
                    if not seen.issuperset(phrase.words):
                        continue
                    match = _locate(phrase, hits, reading.tokens[language])
                    if match is not None:
                        found[index] = match
        return [found[i] for i in sorted(found)]


def _locate(
    phrase: Phrase, hits: Sequence[tuple[Hit, ...]], tokens: Sequence[Token]
) -> Found | None:
    """The phrase's words in order in the text, each within `gap` words of the last."""
    first = phrase.words[0]
    for start, at_start in enumerate(hits):
        if not any(h.word == first and (h.exact or phrase.fuzzy) for h in at_start):
            continue
        places = [start]
        exact = [any(h.word == first and h.exact for h in at_start)]
        for word in phrase.words[1:]:
            last = places[-1]
            nxt = next(
                (
                    (i, any(h.exact for h in hits[i] if h.word == word))
                    for i in range(last + 1, min(len(hits), last + phrase.gap + 2))
                    if any(h.word == word and (h.exact or phrase.fuzzy) for h in hits[i])
                ),
                None,
            )
            if nxt is None:
                break
            places.append(nxt[0])
            exact.append(nxt[1])
        else:
            return Found(
                phrase,
                tuple(tokens[i].typed for i in places),
                all(exact),
                tuple(tokens[i].position for i in places),
            )
    return None
