"""Words explained on the spot: the glossary of the flows' acronyms and administrative words.

The data is `dialogs/glossary.yaml` (read by `dialogs.glossary_loader`): for each
term, how the texts write it and a plain French explanation (a msgid, translated
like every text). Two questions are asked of it:

* `marks(text, language)`: where the terms are in a message, so that a channel
  can make them tappable (the kiosk's buttons);
* `term_at(words, at)`: the term a typed question names ("c'est quoi le SIAO"),
  for the engine, which answers with the explanation.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property

from dialogs.understanding.text import words as folded_words

WORD = "word:"
"""Value of the button that asks for a term's explanation: `word:<term id>`."""


@dataclass(frozen=True)
class Term:
    id: str
    term: str
    """As the flows write it, and as it is shown."""
    means: str
    """The explanation: a French msgid."""
    forms: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """Other ways the texts write it, per language (the term itself is always looked for)."""
    line: int = 0

    def written(self, language: str) -> tuple[str, ...]:
        """Every way the term is written in a text of `language` (French ways too:
        acronyms stay French in every translation)."""
        return tuple(
            dict.fromkeys((self.term, *self.forms.get("fr", ()), *self.forms.get(language, ())))
        )


def _pattern(form: str) -> str:
    """A form as a regular expression: acronyms and numbers as written, words in any case."""
    escaped = re.escape(form)
    if form.upper() == form:
        return escaped
    return f"(?i:{escaped})"


@dataclass(frozen=True)
class Glossary:
    terms: tuple[Term, ...] = ()

    def get(self, term_id: str) -> Term | None:
        return self._by_id.get(term_id)

    @cached_property
    def _by_id(self) -> dict[str, Term]:
        return {term.id: term for term in self.terms}

    @cached_property
    def _by_words(self) -> dict[tuple[str, ...], Term]:
        found: dict[tuple[str, ...], Term] = {}
        for term in self.terms:
            for language in ("fr", *term.forms):
                for form in term.written(language):
                    found.setdefault(tuple(folded_words(form)), term)
        return found

    def _finder(self, language: str) -> re.Pattern[str] | None:
        cache: dict[str, re.Pattern[str] | None] = self.__dict__.setdefault("_finders", {})
        if language not in cache:
            forms = {form: term for term in self.terms for form in term.written(language)}
            ordered = sorted(forms, key=len, reverse=True)  # "carte Vitale" before "Vitale"
            body = "|".join(_pattern(form) for form in ordered)
            cache[language] = re.compile(rf"(?<!\w)(?:{body})(?!\w)") if ordered else None
        return cache[language]

    def marks(self, text: str, language: str) -> list[tuple[str, Term | None]]:
        """`text` cut into pieces: plain text (None) and the terms it uses (the first time
        each appears), in order; joined, the pieces are the text."""
        finder = self._finder(language)
        if finder is None:
            return [(text, None)] if text else []
        by_form = {form.casefold(): term for term in self.terms for form in term.written(language)}
        pieces: list[tuple[str, Term | None]] = []
        seen: set[str] = set()
        last = 0
        for match in finder.finditer(text):
            term = by_form.get(match.group().casefold())
            if term is None or term.id in seen:
                continue
            seen.add(term.id)
            if match.start() > last:
                pieces.append((text[last : match.start()], None))
            pieces.append((match.group(), term))
            last = match.end()
        if last < len(text):
            pieces.append((text[last:], None))
        return pieces

    def term_at(self, words: list[str], at: int) -> tuple[Term, int] | None:
        """The longest term whose folded words start at `at` in `words`, and its length."""
        for size in range(min(6, len(words) - at), 0, -1):
            term = self._by_words.get(tuple(words[at : at + size]))
            if term is not None:
                return term, size
        return None
