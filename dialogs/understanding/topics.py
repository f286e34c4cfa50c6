"""Ranking the guides for a typed sentence, from the topics each flow declares.

Each flow's `topics:` are phrases per language ("dormir ce soir", "nowhere to
sleep"). Their words lose the words that carry no topic ("je", "de", "pour")
and are weighed by rarity: a word in one guide only ("soir") says more than a
word in six ("logement"). A guide scores by its best phrase, as the share of
that phrase's weight the text contains, times how much weight the text shares
with all of the guide's phrases (few shared words, low confidence). Scores run
from 0 to 1. No model, no network: a few dictionary look-ups per word.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

from dialogs.understanding.lexicon import Lexicon
from dialogs.understanding.phrases import Reading

FUZZY_WEIGHT = 0.8
"""A word met one letter apart counts a little less than a word met exactly."""
MASS_SCALE = 2.0
"""Shared weight at which confidence reaches 63 %: about one rare word."""


@dataclass(frozen=True)
class Topic:
    flow: str
    language: str
    text: str
    words: tuple[int, ...]


@dataclass(frozen=True)
class Ranked:
    """A guide and how well the text matches it, with the typed words that did."""

    flow: str
    score: float
    words: tuple[str, ...]
    topic: str
    """The phrase of the guide that matched best."""


@dataclass
class Router:
    topics: list[Topic] = field(default_factory=list)
    idf: dict[int, float] = field(default_factory=dict)
    by_word: dict[int, list[int]] = field(default_factory=dict)
    vocabulary: dict[str, set[int]] = field(default_factory=dict)
    totals: list[float] = field(default_factory=list)
    """Each topic's weight: the sum of its words' rarity."""

    def add(self, topic: Topic) -> None:
        index = len(self.topics)
        self.topics.append(topic)
        self.vocabulary.setdefault(topic.flow, set()).update(topic.words)
        for word in set(topic.words):
            self.by_word.setdefault(word, []).append(index)

    def weigh(self) -> None:
        """Each word's rarity among the guides; call once every topic is added."""
        flows = len(self.vocabulary) or 1
        counts: dict[int, int] = {}
        for words in self.vocabulary.values():
            for word in words:
                counts[word] = counts.get(word, 0) + 1
        self.idf = {word: math.log(1 + flows / count) for word, count in counts.items()}
        self.totals = [sum(self.idf[w] for w in topic.words) for topic in self.topics]

    def rank(self, reading: Reading, lexicons: Mapping[str, Lexicon]) -> list[Ranked]:
        """Every guide the text shares a word with, best first."""
        met: dict[int, float] = {}
        typed: dict[int, str] = {}
        for language, lexicon in lexicons.items():
            tokens = reading.tokens.get(language, [])
            for token, hits in zip(tokens, reading.hits.get(language, []), strict=True):
                if token.typed in lexicon.stopwords:
                    continue
                for hit in hits:
                    weight = 1.0 if hit.exact else FUZZY_WEIGHT
                    if weight > met.get(hit.word, 0.0):
                        met[hit.word] = weight
                        typed[hit.word] = token.typed
        best: dict[str, tuple[float, Topic]] = {}
        seen: set[int] = set()
        for word in met:
            for index in self.by_word.get(word, ()):
                if index in seen:
                    continue
                seen.add(index)
                topic = self.topics[index]
                total = self.totals[index]
                share = sum(self.idf[w] * met.get(w, 0.0) for w in topic.words) / total
                if share > best.get(topic.flow, (0.0, topic))[0]:
                    best[topic.flow] = (share, topic)
        ranked: list[Ranked] = []
        for flow, (share, topic) in best.items():
            shared = [w for w in self.vocabulary[flow] if w in met]
            mass = sum(self.idf[w] * met[w] for w in shared)
            score = share * (1 - math.exp(-mass / MASS_SCALE))
            words = tuple(sorted({typed[w] for w in shared}))
            ranked.append(Ranked(flow, round(score, 3), words, topic.text))
        ranked.sort(key=lambda r: (-r.score, r.flow))
        return ranked
