"""Building the `Understanding` from its data: the only module here that reads files.

`dialogs/phrases/` holds what a counsellor reviews: `safety/*.yaml` (one file
per category of distress), `smalltalk.yaml`, `spelling.yaml` (SMS spellings)
and `stopwords.yaml`. The flows bring their `topics:` and `synonyms:` and the
labels of their options. Everything is folded, stemmed and indexed here, once.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, get_args

import Stemmer
import yaml

from dialogs import steps
from dialogs.loader import FlowError, LineLoader
from dialogs.schema import Choose, Flow, Language, texts_of
from dialogs.understanding import text
from dialogs.understanding.compiled import Category, Choice, Understanding
from dialogs.understanding.lexicon import Lexicon, Stem
from dialogs.understanding.phrases import GAP, Phrase, PhraseSet
from dialogs.understanding.topics import Topic

PHRASES_DIR = Path(__file__).parents[1] / "phrases"
LANGUAGES: tuple[Language, ...] = get_args(Language)
STEMMERS: dict[str, str] = {"fr": "french", "ar": "arabic", "en": "english", "ro": "romanian"}
SMALL_TALK = ("confused", "thanks", "greeting", "yes", "no", "what_is")
"""The kinds of ordinary words the engine answers (dialogs.messages.SMALL_TALK)."""
LONE_FUZZY_FROM = 6
"""A phrase of one word is met one letter apart only if its key is this long."""

Labels = Mapping[str, Mapping[str, str]]
"""Language -> French msgid -> its translation: what a person sees on a button."""


def compile_understanding(
    flows: Mapping[str, Flow], labels: Labels | None = None, root: Path = PHRASES_DIR
) -> tuple[Understanding, list[FlowError]]:
    """The understanding of these flows and of the phrases in `root`, and load errors."""
    errors: list[FlowError] = []
    data = _Data(root, errors)
    understanding = Understanding(
        lexicons={
            language: Lexicon(
                language,
                _stemmer(language),
                spelling=data.spelling(language),
                stopwords=data.stopwords(language),
            )
            for language in LANGUAGES
        }
    )
    known = _known_words(flows) | data.exact()
    for lexicon in understanding.lexicons.values():
        lexicon.exact = known | lexicon.stopwords
    builder = _Builder(understanding)
    for category, phrases, about in data.categories():
        understanding.categories.append(category)
        builder.phrases(understanding.safety, phrases, category.id)
        builder.phrases(understanding.about, about, category.id, gap=0)
    for kind, phrases in data.small_talk():
        builder.phrases(understanding.smalltalk, phrases, kind)
    for flow in flows.values():
        for language, said in flow.topics.items():
            for topic in said:
                words = builder.words(language, topic, content_only=True)
                if words:
                    understanding.router.add(Topic(flow.id, language, topic, words))
        for step in flow.steps:
            if isinstance(step, Choose):
                understanding.choices[(flow.id, step.id)] = builder.choice(flow, step, labels)
    understanding.router.weigh()
    return understanding, errors


def _known_words(flows: Mapping[str, Flow]) -> frozenset[str]:
    """Every word the flows write (texts, topics, synonyms): real words, which are
    never read as a misspelling of another ("prison" is not "poison")."""
    found: set[str] = set()
    for flow in flows.values():
        for _step, msgid in steps.msgids(flow):
            found.update(text.words(msgid))
        for said in flow.topics.values():
            for phrase in said:
                found.update(text.words(phrase))
        for options in flow.synonyms.values():
            for languages in options.values():
                for said in languages.values():
                    for phrase in said:
                        found.update(text.words(phrase))
    return frozenset(found)


def _stemmer(language: str) -> Stem:
    """The language's stemmer, one caller at a time: a PyStemmer object keeps state."""
    stemmer = Stemmer.Stemmer(STEMMERS[language])
    lock = threading.Lock()

    def stem(words: list[str]) -> list[str]:
        with lock:
            return list(stemmer.stemWords(words))

    return stem


class _Builder:
    def __init__(self, understanding: Understanding) -> None:
        self.understanding = understanding
        self._count = 0

    def _next(self) -> int:
        self._count += 1
        return self._count

    def fuzzy(self, language: str, words: tuple[int, ...]) -> bool:
        """One word alone is met one letter apart only when it is long."""
        key = self.understanding.lexicons[language].key_of[words[0]]
        return len(words) > 1 or len(key) >= LONE_FUZZY_FROM

    def words(self, language: str, phrase: str, content_only: bool = False) -> tuple[int, ...]:
        lexicon = self.understanding.lexicons[language]
        tokens = lexicon.tokens(text.words(phrase))
        if content_only:
            tokens = [t for t in tokens if t.typed not in lexicon.stopwords]
            return tuple(dict.fromkeys(lexicon.add(t.key, self._next) for t in tokens))
        return tuple(lexicon.add(t.key, self._next) for t in tokens)

    def phrases(
        self, into: PhraseSet, phrases: Mapping[str, list[str]], payload: str, gap: int = GAP
    ) -> None:
        for language, said in phrases.items():
            for phrase in said:
                words = self.words(language, phrase)
                if words:
                    fuzzy = self.fuzzy(language, words)
                    into.add(Phrase(language, phrase, words, payload, fuzzy, gap))

    def choice(self, flow: Flow, step: Choose, labels: Labels | None) -> Choice:
        phrases = PhraseSet()
        words: dict[str, frozenset[int]] = {}
        for option in step.options:
            shown = {("fr", msgid) for msgid in texts_of(option.label)}
            for language, translated in (labels or {}).items():
                if language not in self.understanding.lexicons:
                    continue
                shown |= {
                    (language, translated[msgid])
                    for msgid in texts_of(option.label)
                    if translated.get(msgid)
                }
            label_words: set[int] = set()
            for language, label in sorted(shown):
                label_words.update(self.words(language, label))
            words[option.id] = frozenset(label_words)
            typed = flow.synonyms.get(step.id, {}).get(option.id, {})
            self.phrases(phrases, {str(k): v for k, v in typed.items()}, option.id)
        return Choice(phrases, words)


class _Data:
    """The files of `dialogs/phrases/`, read with the line of every problem."""

    def __init__(self, root: Path, errors: list[FlowError]) -> None:
        self.root = root
        self.errors = errors
        self._spelling = self._read("spelling.yaml")
        self._stopwords = self._read("stopwords.yaml")

    def _read(self, name: str) -> dict[str, Any]:
        path = self.root / name
        try:
            raw = yaml.load(path.read_text(encoding="utf-8"), Loader=LineLoader)  # noqa: S506
        except OSError as error:
            self.errors.append(FlowError(str(path), 0, f"cannot read the file: {error.strerror}"))
            return {}
        except yaml.YAMLError as error:
            mark = getattr(error, "problem_mark", None)
            line = mark.line + 1 if mark else 0
            self.errors.append(FlowError(str(path), line, f"this is not valid YAML: {error}"))
            return {}
        if not isinstance(raw, dict):
            self.errors.append(FlowError(str(path), 1, "this file is a mapping (key: value)"))
            return {}
        return raw

    def _error(self, name: str, raw: Mapping[str, Any], message: str) -> None:
        self.errors.append(FlowError(str(self.root / name), int(raw.get("__line__", 1)), message))

    def _languages(self, name: str, raw: Any, what: str) -> dict[str, list[str]]:
        """`{fr: [...], ar: [...], ...}`, checked: known languages, lists of phrases."""
        if not isinstance(raw, dict):
            self.errors.append(
                FlowError(str(self.root / name), 1, f"{what}: give phrases per language")
            )
            return {}
        phrases: dict[str, list[str]] = {}
        for language, said in raw.items():
            if language == "__line__":
                continue
            if language not in LANGUAGES:
                self._error(
                    name,
                    raw,
                    f"{what}: unknown language {language!r} (known: {', '.join(LANGUAGES)})",
                )
            elif not isinstance(said, list) or not all(isinstance(s, str) for s in said):
                self._error(name, raw, f"{what}: {language} is a list of phrases")
            elif not said:
                self._error(name, raw, f"{what}: {language} has no phrase")
            else:
                phrases[language] = said
        return phrases

    def spelling(self, language: str) -> dict[str, tuple[str, ...]]:
        written = self._spelling.get(language) or {}
        return {
            text.fold(str(typed)): tuple(text.words(str(meant)))
            for typed, meant in written.items()
            if typed != "__line__"
        }

    def exact(self) -> frozenset[str]:
        listed = self._spelling.get("exact") or []
        return frozenset(w for word in listed for w in text.words(str(word)))

    def stopwords(self, language: str) -> frozenset[str]:
        return frozenset(text.words(str(self._stopwords.get(language) or "")))

    def categories(self) -> Iterator[tuple[Category, dict[str, list[str]], dict[str, list[str]]]]:
        """Each category of distress, its phrases, and its `about` phrases (a risk
        spoken of, not happening), in order of priority."""
        found: list[tuple[int, Category, dict[str, list[str]], dict[str, list[str]]]] = []
        for path in sorted((self.root / "safety").glob("*.yaml")):
            name = f"safety/{path.name}"
            raw = self._read(name)
            if not raw:
                continue
            try:
                category = Category(
                    id=str(raw["id"]),
                    step=str(raw["step"]),
                    urgent=bool(raw["urgent"]),
                    path=str(path),
                )
                priority = int(raw["priority"])
            except (KeyError, TypeError, ValueError) as error:
                self._error(name, raw, f"a category has id, priority, urgent, step ({error})")
                continue
            phrases = self._languages(name, raw.get("phrases"), category.id)
            about = self._languages(name, raw["about"], "about") if "about" in raw else {}
            found.append((priority, category, phrases, about))
        for _priority, category, phrases, about in sorted(found, key=lambda f: f[0]):
            yield category, phrases, about

    def small_talk(self) -> Iterator[tuple[str, dict[str, list[str]]]]:
        raw = self._read("smalltalk.yaml")
        for kind, phrases in raw.items():
            if kind == "__line__":
                continue
            if kind not in SMALL_TALK:
                self._error(
                    "smalltalk.yaml", raw, f"unknown kind {kind!r} (known: {', '.join(SMALL_TALK)})"
                )
                continue
            yield kind, self._languages("smalltalk.yaml", phrases, kind)
