"""Rendering kiosk pages: one Jinja2 environment per language, gettext installed.

An environment per language (not one whose gettext is swapped per request)
keeps concurrent requests in different languages from seeing each other's
words. Autoescape is on: whatever a person typed is shown as text, never as HTML.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from bot.i18n import LANGUAGES, Catalogs, Translator
from bot.typography import keep_together

TEMPLATES = Path(__file__).resolve().parent / "templates"

# Each language is named in itself on the language switch.
LANGUAGE_NAMES = {"fr": "Français", "ar": "العربية", "en": "English", "ro": "Română"}


def _kept(translate: Callable[..., str]) -> Callable[..., str]:
    """A gettext whose French spaces before "?" and the like do not break."""

    def kept(*args: Any) -> str:
        return keep_together(translate(*args))

    return kept


class Pages:
    """The kiosk's templates, ready to render in every supported language."""

    def __init__(self, catalogs: Catalogs) -> None:
        loader = FileSystemLoader(TEMPLATES)
        self._envs: dict[str, Environment] = {}
        self._translators: dict[str, Translator] = {}
        for language in LANGUAGES:
            translator = catalogs.get(language)
            env = Environment(
                loader=loader,
                autoescape=select_autoescape(default=True),
                extensions=["jinja2.ext.i18n"],
                trim_blocks=True,
                lstrip_blocks=True,
                auto_reload=False,  # templates ship with the code: no stat() per page
            )
            env.install_gettext_callables(  # type: ignore[attr-defined]
                _kept(translator.gettext), _kept(translator.ngettext), newstyle=True
            )
            env.filters["keep"] = keep_together
            self._envs[language] = env
            self._translators[language] = translator

    def translator(self, language: str) -> Translator:
        return self._translators.get(language) or self._translators["fr"]

    def render(
        self, template: str, language: str, *, status_code: int = 200, **context: Any
    ) -> HTMLResponse:
        """Render `template` in `language` (French when unknown)."""
        language = language if language in self._envs else "fr"
        translator = self._translators[language]
        html = (
            self._envs[language]
            .get_template(template)
            .render(
                lang=language,
                dir=translator.direction,
                languages=LANGUAGE_NAMES,
                **context,
            )
        )
        return HTMLResponse(html, status_code=status_code)
