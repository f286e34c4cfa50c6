"""Everything the engine may ask of a typed text, compiled once at start.

Built by `dialogs.understanding.load` and handed to the engine inside the
`FlowSet`; nothing here reads a file, and a text is read once per turn
(`read`), then asked several questions.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from dialogs.understanding import text
from dialogs.understanding.lexicon import Lexicon
from dialogs.understanding.phrases import Found, PhraseSet, Reading
from dialogs.understanding.topics import Ranked, Router

CANDIDATE = 0.3
"""The lowest score for which a guide is offered at all."""
CLEAR = 0.55
"""A guide this good, well ahead of the next one, is offered alone."""
AHEAD = 0.75
"""...when the next one scores less than this share of it."""
OFFERED = 3


@dataclass(frozen=True)
class Category:
    """A kind of distress and where the safety net answers it."""

    id: str
    step: str
    """The step of the safety net flow that answers it."""
    urgent: bool
    """Checked before the answer to the open question (a life may be at stake)."""
    path: str = ""


@dataclass(frozen=True)
class Alarm:
    """A category of distress found in a text, and the phrase that found it."""

    category: Category
    found: Found


@dataclass(frozen=True)
class Choice:
    """How typed text answers one `choose` step: each option's phrases and words."""

    phrases: PhraseSet
    """The options' synonyms (`synonyms:` of the flow): found anywhere in the text."""
    words: Mapping[str, frozenset[int]]
    """Option id -> the words of its label (in every language known)."""


@dataclass
class Understanding:
    lexicons: dict[str, Lexicon] = field(default_factory=dict)
    categories: list[Category] = field(default_factory=list)
    """In order of priority: the first found wins."""
    safety: PhraseSet = field(default_factory=PhraseSet)
    about: PhraseSet = field(default_factory=PhraseSet)
    """Phrases that speak of a category's risk, not of it happening ("peur de
    faire une overdose"): the words they cover open nothing for that category."""
    smalltalk: PhraseSet = field(default_factory=PhraseSet)
    choices: dict[tuple[str, str], Choice] = field(default_factory=dict)
    """(flow id, step id) -> the typed answers of that choice."""
    router: Router = field(default_factory=Router)

    def read(self, typed: str) -> Reading:
        """The text as every language reads it (done once a turn)."""
        folded = text.words(typed)
        tokens = {}
        hits = {}
        for language, lexicon in self.lexicons.items():
            tokens[language], hits[language] = lexicon.read(folded)
        return Reading(tokens, hits)

    def alarm(self, reading: Reading) -> Alarm | None:
        """The category of distress the text speaks of, if any.

        When phrases of several categories are found, the longest phrase wins
        ("il va me tuer" is violence, not "me tuer"); on equal length, the
        category with the smaller priority (overdose first). A phrase inside
        one of its category's `about` phrases does not count: "overdose" in
        "j'ai peur de faire une overdose" asks for the guide, while "il respire
        plus" in the same text still opens the net.
        """
        covered: dict[str, set[int]] = {}
        for aside in self.spoken_of(reading):
            span = range(min(aside.positions), max(aside.positions) + 1)
            covered.setdefault(aside.phrase.payload, set()).update(span)
        found = self.safety.find(reading)
        rank = {category.id: i for i, category in enumerate(self.categories)}
        found = [
            f
            for f in found
            if f.phrase.payload in rank
            and not covered.get(f.phrase.payload, set()).issuperset(f.positions)
        ]
        if not found:
            return None
        best = min(found, key=lambda f: (-len(f.phrase.words), rank[f.phrase.payload]))
        return Alarm(self.categories[rank[best.phrase.payload]], best)

    def spoken_of(self, reading: Reading) -> list[Found]:
        """The `about` phrases the text contains: a risk spoken of, not happening."""
        return self.about.find(reading)

    def small_talk(self, reading: Reading) -> str | None:
        """The kind of ordinary words said ("greeting", "thanks", ...), the first found."""
        kinds = self.small_talk_kinds(reading)
        return kinds[0] if kinds else None

    def small_talk_kinds(self, reading: Reading) -> list[str]:
        """Every kind of ordinary words said, in the order of `smalltalk.yaml`."""
        return list(dict.fromkeys(f.phrase.payload for f in self.smalltalk.find(reading)))

    def questions(self, reading: Reading) -> list[tuple[int, int]]:
        """Where the text asks what a word means ("c'est quoi", "ما هو", "ce inseamna"):
        the span of typed words of each such phrase (start, end)."""
        return [
            (min(f.positions), max(f.positions) + 1)
            for f in self.smalltalk.find(reading)
            if f.phrase.payload == "what_is"
        ]

    def option(self, flow: str, step: str, reading: Reading) -> str | None:
        """The option of a choice that a typed answer means, if only one fits.

        First a synonym of an option contained in the text ("je dors dehors"
        says "dehors"), the longest winning; else every word typed (but words
        with no topic, such as "je" or "le") is a word of one option's label
        only ("vitale" for "La carte Vitale", "oui" for "Oui, on continue").
        """
        choice = self.choices.get((flow, step))
        if choice is None:
            return None
        found = choice.phrases.find(reading)
        if found:
            longest = max(len(f.phrase.words) for f in found)
            options = {f.phrase.payload for f in found if len(f.phrase.words) == longest}
            return options.pop() if len(options) == 1 else None
        fits: set[str] | None = None
        for language, lexicon in self.lexicons.items():
            tokens = reading.tokens.get(language, [])
            said = [
                {h.word for h in hits}
                for token, hits in zip(tokens, reading.hits[language], strict=True)
                if token.typed not in lexicon.stopwords
            ]
            if not said or any(not words for words in said):
                continue
            here = {
                option
                for option, words in choice.words.items()
                if all(words & typed for typed in said)
            }
            fits = here if fits is None else fits | here
        return fits.pop() if fits is not None and len(fits) == 1 else None

    def rank(self, reading: Reading) -> list[Ranked]:
        """Every guide sharing words with the text, best first (for `filrouge understand`)."""
        return self.router.rank(reading, self.lexicons)

    def guides(self, reading: Reading, leave_out: frozenset[str] = frozenset()) -> list[Ranked]:
        """The guides to offer: one when it is clear, else up to three, else none."""
        ranked = [r for r in self.rank(reading) if r.score >= CANDIDATE and r.flow not in leave_out]
        if not ranked:
            return []
        top = ranked[0]
        if top.score >= CLEAR and (len(ranked) == 1 or ranked[1].score < top.score * AHEAD):
            return [top]
        return ranked[:OFFERED]
