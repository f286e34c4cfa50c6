"""Translation at the edge: msgids (French) to the person's language.

Catalogs are the `.po` files in `locales/<lang>/LC_MESSAGES/messages.po`, read
once at start with Babel (no compile step to forget). French is the source
language: a msgid missing from a catalog is shown in French, and the catalog
tests fail on it before it ships.
"""

from __future__ import annotations

import gettext
import string
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from babel.dates import format_datetime
from babel.messages.pofile import read_po

from dialogs.outputs import Message

SOURCE_LANGUAGE = "fr"
LANGUAGES = ("fr", "ar", "en", "ro")
_FORMATTER = string.Formatter()
# How each language says a moment; French: "mardi 3 décembre 2026 à 14 h 30".
_MOMENT = {
    "fr": "EEEE d MMMM y 'à' H 'h' mm",
    "en": "EEEE d MMMM y 'at' HH:mm",
    "ar": "EEEE d MMMM y، HH:mm",
    "ro": "EEEE, d MMMM y, 'ora' HH:mm",
}


def fill(template: str, params: Mapping[str, str]) -> str:
    """Put `params` into the `{name}` placeholders of `template`.

    Only plain names are replaced (no attribute or index access), an unknown
    name is left empty: a translation can never raise or leak an object.
    """
    parts: list[str] = []
    try:
        parsed = list(_FORMATTER.parse(template))
    except ValueError:
        return template
    for literal, name, _spec, _conversion in parsed:
        parts.append(literal)
        if name is not None:
            parts.append(params.get(name, ""))
    return "".join(parts)


def _one_or_other(n: int) -> int:
    return int(n != 1)


@dataclass
class Translator:
    """Everything the person reads, in one language."""

    language: str
    messages: dict[str, str | tuple[str, ...]] = field(default_factory=dict)
    plural: Callable[[int], int] = field(default=lambda n: _one_or_other(n))
    timezone: str = "Europe/Paris"

    @property
    def direction(self) -> str:
        return "rtl" if self.language == "ar" else "ltr"

    def gettext(self, msgid: str) -> str:
        found = self.messages.get(msgid)
        return found if isinstance(found, str) and found else msgid

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        found = self.messages.get(singular)
        if isinstance(found, tuple):
            index = min(self.plural(n), len(found) - 1)
            if found[index]:
                return found[index]
        return singular if n == 1 else plural

    def render(self, message: Message) -> str:
        return fill(self.gettext(message.msgid), message.params)

    def when(self, moment: datetime) -> str:
        """A date and time as people say it, in the facility's time zone."""
        local = moment.astimezone(ZoneInfo(self.timezone))
        return format_datetime(local, _MOMENT.get(self.language, "full"), locale=self.language)


@dataclass
class Catalogs:
    """The translators of every supported language, loaded from `locales_dir`."""

    translators: dict[str, Translator]

    @classmethod
    def load(cls, locales_dir: Path, timezone: str = "Europe/Paris") -> Catalogs:
        translators: dict[str, Translator] = {}
        for language in LANGUAGES:
            path = locales_dir / language / "LC_MESSAGES" / "messages.po"
            messages: dict[str, str | tuple[str, ...]] = {}
            plural: Callable[[int], int] = _one_or_other
            if path.exists():
                with path.open("rb") as handle:
                    catalog = read_po(handle, locale=language)
                for entry in catalog:
                    if not entry.id or entry.fuzzy:
                        continue
                    key = entry.id if isinstance(entry.id, str) else entry.id[0]
                    value = entry.string
                    messages[key] = value if isinstance(value, str) else tuple(value or ())
                plural = gettext.c2py(catalog.plural_expr)
            translators[language] = Translator(language, messages, plural, timezone)
        return cls(translators)

    def get(self, language: str) -> Translator:
        return self.translators.get(language) or self.translators[SOURCE_LANGUAGE]
