"""The release sheet: a printable A4 page with the person's Telegram link code.

Plain HTML with its QR code as inline SVG (segno): no script, no external
resource, so it prints the same from any browser, offline. It is written in
the person's language (Arabic right to left); the code itself reads left to right.
`person_sheet` writes a person's, with their next appointments and what is left to
do in their plan: the command line and the console print the same sheet.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import segno
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup, escape

from bot import appointments as booked
from bot.i18n import Translator
from bot.linking import IssuedCode
from bot.services import Services
from bot.turn import state_of
from bot.typography import keep_together
from dialogs.actions import plan_of
from dialogs.appointments import KINDS, is_kind
from dialogs.outputs import Message
from storage.conversation import load_conversation
from storage.enums import AppointmentStatus

TEMPLATES = Path(__file__).resolve().parent / "templates"


def qr_svg(link: str) -> str:
    """The QR code of ``link`` as an inline ``<svg>`` element (medium error correction)."""
    return str(segno.make(link, error="m").svg_inline(scale=6, title=link))


def person_sheet(services: Services, person_id: int, issued: IssuedCode) -> str:
    """The release sheet of a person, in their language: the code just issued, their
    next appointments (planned or confirmed) and what is left to do in their plan."""
    with services.read() as tx:
        found = load_conversation(tx.session, person_id, for_update=False)
        plan = plan_of(state_of(found), services.flows)
        now = tx.now
    translator = services.catalogs.get(found.person.language)
    left = [
        translator.render(Message(title.msgid))
        for _domain, items in plan.domains
        for title, done in items
        if not done
    ]
    coming = [
        f"{translator.when(a.start)} · {translator.gettext(_kind_name(a.kind))}"
        + (f" · {a.place}" if a.place else "")
        for a in booked.list_of(services, person_id)
        if a.start > now and a.status in (AppointmentStatus.PLANNED, AppointmentStatus.CONFIRMED)
    ]
    name = f"{found.person.first_name} {found.person.last_name}"
    return render_release_sheet(translator, name, issued, left_to_do=left, appointments=coming)


def _kind_name(kind: str) -> str:
    return KINDS[kind] if is_kind(kind) else KINDS["other"]


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
