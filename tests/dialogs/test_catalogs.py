"""The translation catalogs: current with the code, and complete in every language.

French is the source (msgids); `locales/<lang>/LC_MESSAGES/messages.po` holds each
other language. After adding or changing a user-facing string, run
`scripts/catalogs`, then translate what it added.
"""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.frontend import CommandLineInterface
from babel.messages.plurals import get_plural
from babel.messages.pofile import read_po

from dialogs import lint, loader

ROOT = Path(__file__).parents[2]
LOCALES = ROOT / "locales"
TEMPLATE = LOCALES / "messages.pot"
TRANSLATED = ("en", "ar", "ro")
LANGUAGES = ("fr", *TRANSLATED)
_FORMATTER = string.Formatter()
# `%(name)s` placeholders: Jinja2's newstyle gettext fills them in the kiosk templates.
_PERCENT_NAME = re.compile(r"%\((\w+)\)")


def _read(path: Path, locale: str | None = None) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle, locale=locale)


def _catalog(language: str) -> Catalog:
    return _read(LOCALES / language / "LC_MESSAGES" / "messages.po", language)


def _msgids(catalog: Catalog) -> set[str]:
    return {_singular(m) for m in catalog if m.id}


def _singular(message: Message) -> str:
    return message.id if isinstance(message.id, str) else message.id[0]


def _strings(message: Message) -> list[str]:
    """The translation of a message, or its plural forms."""
    found = message.string
    return [found] if isinstance(found, str) else list(found or ())


def _names(text: str) -> set[str]:
    braces = {name for _, name, _, _ in _FORMATTER.parse(text) if name is not None}
    return braces | set(_PERCENT_NAME.findall(text))


def _source(message: Message, num_plurals: int) -> list[str]:
    """What a French msgstr holds: the msgid, or the singular then the plural in every
    other form (French has 3 CLDR forms: one, many, other)."""
    if isinstance(message.id, str):
        return [message.id]
    singular, plural = message.id[0], message.id[1]
    return [singular] + [plural] * (num_plurals - 1)


def test_the_template_is_current(tmp_path: Path) -> None:
    fresh = tmp_path / "messages.pot"
    CommandLineInterface().run(  # type: ignore[no-untyped-call]
        ["pybabel", "-q", "extract", "-F", str(ROOT / "babel.cfg"), "-o", str(fresh), str(ROOT)]
    )
    added = _msgids(_read(fresh)) - _msgids(_read(TEMPLATE))
    removed = _msgids(_read(TEMPLATE)) - _msgids(_read(fresh))
    assert (added, removed) == (set(), set()), (
        "locales/messages.pot is out of date: run scripts/catalogs, then translate.\n"
        f"new strings: {sorted(added)}\ngone strings: {sorted(removed)}"
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_catalog_has_every_string_of_the_template(language: str) -> None:
    missing = _msgids(_read(TEMPLATE)) - _msgids(_catalog(language))
    assert not missing, f"run scripts/catalogs: {language} lacks {sorted(missing)}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_plural_rule_is_the_languages_own(language: str) -> None:
    catalog = _catalog(language)
    rule = get_plural(language)
    assert (catalog.num_plurals, catalog.plural_expr) == (rule.num_plurals, rule.plural_expr)


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_string_is_translated_and_checked(language: str) -> None:
    problems = []
    for message in _catalog(language):
        if not message.id:
            continue
        strings = _strings(message)
        if message.fuzzy:
            problems.append(f"fuzzy (check it, then remove the flag): {_singular(message)!r}")
        elif not all(s.strip() for s in strings):
            problems.append(f"not translated: {_singular(message)!r}")
    assert not problems, f"locales/{language}: " + "\n".join(problems)


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_keep_the_placeholders(language: str) -> None:
    problems = []
    for message in _catalog(language):
        ids = [message.id] if isinstance(message.id, str) else list(message.id)
        strings = _strings(message)
        wanted = set().union(*(_names(i) for i in ids)) if ids else set()
        for text in filter(None, strings):
            if _names(text) != wanted:
                problems.append(
                    f"{_singular(message)!r}: {sorted(_names(text))} != {sorted(wanted)}"
                )
    assert not problems, f"locales/{language}: " + "\n".join(problems)


def test_french_is_the_source_language() -> None:
    catalog = _catalog("fr")
    wrong = [
        _singular(m) for m in catalog if m.id and _strings(m) != _source(m, catalog.num_plurals)
    ]
    assert not wrong, f"French msgstr must equal the msgid (run scripts/catalogs): {wrong}"


def test_every_flow_text_is_in_every_catalog() -> None:
    flows, errors = loader.load()
    catalogs = {language: _msgids(_catalog(language)) for language in LANGUAGES}
    problems = errors + lint.check(flows, catalogs)
    assert not problems, "\n".join(str(p) for p in problems)
