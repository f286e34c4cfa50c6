"""Rendering console pages: Jinja2 with gettext, in French (the counsellors' language).

The console is French-first: its words are msgids like the rest of Fil rouge,
translated through the same catalogs, and shown in French. Autoescape is on, and
what people wrote goes through the `revealed` filter (`bot.console.text`).
"""

from __future__ import annotations

import functools
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from bot.console import words
from bot.console.text import revealed
from bot.console.transcript import who_said
from bot.i18n import Catalogs, Translator
from dialogs import messages
from dialogs.appointments import KINDS

TEMPLATES = Path(__file__).resolve().parent / "templates"
LANGUAGE = "fr"


class Pages:
    """The console's templates, ready to render."""

    def __init__(self, catalogs: Catalogs) -> None:
        self.translator: Translator = catalogs.get(LANGUAGE)
        zone = ZoneInfo(self.translator.timezone)
        env = Environment(
            loader=FileSystemLoader(TEMPLATES),
            autoescape=select_autoescape(default=True),
            extensions=["jinja2.ext.i18n"],
            trim_blocks=True,
            lstrip_blocks=True,
            auto_reload=False,
        )
        env.install_gettext_callables(  # type: ignore[attr-defined]
            self.translator.gettext, self.translator.ngettext, newstyle=True
        )

        def moment(value: datetime | None) -> str:
            if value is None:
                return ""
            return format_datetime(value.astimezone(zone), "d MMM y, HH:mm", locale=LANGUAGE)

        def day(value: date | datetime | None) -> str:
            if value is None:
                return ""
            if isinstance(value, datetime):
                value = value.astimezone(zone).date()
            return format_date(value, "d MMMM y", locale=LANGUAGE)

        @functools.cache
        def tr(msgid: str) -> str:
            """gettext for loops: plain (autoescape escapes it), and each msgid once."""
            return self.translator.gettext(msgid)

        env.filters["moment"] = moment
        env.filters["day"] = day
        env.filters["when"] = self.translator.when
        env.filters["revealed"] = revealed
        env.globals.update(
            tr=tr,
            words=words,
            who_said=who_said,
            domain_names=messages.DOMAINS,
            appointment_kinds={str(kind): name for kind, name in KINDS.items()},
            languages=words.LANGUAGE_NAMES,
        )
        self._env = env

    def html(self, template: str, **context: Any) -> str:
        return self._env.get_template(template).render(lang=LANGUAGE, **context)

    def render(self, template: str, *, status_code: int = 200, **context: Any) -> HTMLResponse:
        return HTMLResponse(self.html(template, **context), status_code=status_code)
