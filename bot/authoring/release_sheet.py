"""The release sheet: a printable A4 page with the person's Telegram link code.

Plain HTML with its QR code as inline SVG (segno): no script, no external
resource, so it prints the same from any browser, offline. It is written in
the person's language (Arabic right to left); the code itself reads left to right.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import segno
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup, escape

from bot.i18n import Translator
from bot.linking import IssuedCode
from bot.typography import keep_together

TEMPLATES = Path(__file__).resolve().parent / "templates"


def qr_svg(link: str) -> str:
    """The QR code of ``link`` as an inline ``<svg>`` element (medium error correction)."""
    return str(segno.make(link, error="m").svg_inline(scale=6, title=link))


def render_release_sheet(
    translator: Translator,
    full_name: str,
    issued: IssuedCode,
    *,
    left_to_do: Sequence[str] = (),
    appointments: Sequence[str] = (),
) -> str:
    """The sheet's HTML, in the translator's language, expiry in its time zone; with
    what is left to do and the next appointments (texts in that language) when given."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(default=True),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_callables(  # type: ignore[attr-defined]
        lambda *a: keep_together(translator.gettext(*a)),
        lambda *a: keep_together(translator.ngettext(*a)),
        newstyle=True,
    )
    env.filters["isolate"] = isolate
    template = env.get_template("release_sheet.html")
    return template.render(
        language=translator.language,
        direction=translator.direction,
        full_name=Markup("<bdi>{}</bdi>").format(full_name),
        shown=issued.shown,
        deep_link=issued.deep_link,
        expires=translator.when(issued.expires_at),
        qr=Markup(qr_svg(issued.deep_link)),  # noqa: S704  (SVG made by segno from our link)
        left_to_do=left_to_do,
        appointments=appointments,
    )


def isolate(translated: Markup, *words: str) -> Markup:
    """A translated sentence (already escaped) with `words` read left to right in any
    language: in Arabic, "/start" stays "/start", not "start/"."""
    html = str(translated)
    for word in words:
        html = html.replace(str(escape(word)), f'<bdi dir="ltr">{escape(word)}</bdi>')
    return Markup(html)  # noqa: S704  (escaped by Jinja, our own tags added)


def sheet_path(directory: Path, person_code: str) -> Path:
    """Where the sheet of a person is written: ``release-sheet-<CODE>.html``."""
    return directory / f"release-sheet-{person_code}.html"
