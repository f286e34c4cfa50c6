"""The catalogue for counsellors: every flow as an HTML page a CPIP can review.

`filrouge flows doc` writes one page per flow and an index. A page lists each
step in order: what kind of step it is in words, its wording inside and outside,
its source, where it goes next, and a diagram drawn from the definition. It is
written in French, for French-speaking counsellors reviewing the French source
texts, so its own words are not in the translation catalogs.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from bot.authoring.flows_diagram import Exit, exits, french, svg, waiting
from bot.typography import keep_together
from dialogs import steps
from dialogs.directory import KINDS
from dialogs.flowset import FlowSet
from dialogs.messages import DOMAINS
from dialogs.schema import (
    END,
    AnswerKind,
    Ask,
    Branch,
    Call,
    Checklist,
    Choose,
    Do,
    Flow,
    Say,
    SetValues,
    Step,
    Text,
    Wording,
)

TEMPLATES = Path(__file__).resolve().parent / "templates"
REPOSITORY = Path(__file__).resolve().parents[2]
EXPECTED: dict[AnswerKind, str] = {
    "yesno": "oui/non",
    "date": "une date",
    "time": "une heure",
    "number": "un nombre",
    "phone": "un numéro de téléphone",
    "text": "un texte libre",
    "moment": "le jour et l'heure d'un rendez-vous",
}


@dataclass(frozen=True)
class Wordings:
    """One text of a step: its role, and its wording inside and (when it differs) outside."""

    role: str
    inside: str
    outside: str | None = None


@dataclass(frozen=True)
class Way:
    """Where a step goes: when, and to which step (None: the end of the guide)."""

    when: str
    target: str | None
    target_words: str


@dataclass(frozen=True)
class StepView:
    id: str
    number: int
    title: str
    """The step in a few French words: its first text, or what it does."""
    kind: str
    waits: bool
    texts: tuple[Wordings, ...]
    source: str
    ways: tuple[Way, ...]


@dataclass(frozen=True)
class FlowView:
    id: str
    title: str
    domain: str
    version: int
    path: str
    steps: tuple[StepView, ...]
    sources: tuple[str, ...]


def write_catalogue(flows: FlowSet, out: Path) -> Path:
    """Write `<out>/index.html` and `<out>/<flow id>.html` for every flow; the index's path."""
    out.mkdir(parents=True, exist_ok=True)
    for name, html in render_catalogue(flows).items():
        (out / name).write_text(html, "utf-8")
    return out / "index.html"


def render_catalogue(flows: FlowSet) -> dict[str, str]:
    """Every page of the catalogue by file name (`index.html`, `<flow id>.html`); the
    pages link to each other by these names, so they can be written to a folder or
    served from one address (the console serves them under `/console/flows/`)."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["keep"] = keep_together
    views = [view_of(flow, flows) for flow in sorted(flows.flows.values(), key=lambda f: f.id)]
    page = env.get_template("flows_doc.html")
    pages: dict[str, str] = {}
    for view, flow in zip(views, (flows[v.id] for v in views), strict=True):
        captions = {s.id: s.title for s in view.steps}
        headings = {s.id: f"{s.number}. {s.kind}" for s in view.steps}
        diagram = Markup(svg(flow, captions, headings))  # noqa: S704  (our SVG, texts escaped)
        pages[f"{view.id}.html"] = page.render(flow=view, diagram=diagram)
    pages["index.html"] = env.get_template("flows_doc_index.html").render(flows=views)
    return pages


def view_of(flow: Flow, flows: FlowSet) -> FlowView:
    """A flow as the page shows it."""
    steps = tuple(
        StepView(
            id=step.id,
            number=number,
            title=title_of(step, flows),
            kind=kind_words(step, flows),
            waits=waiting(step),
            texts=tuple(texts_of(step)),
            source=step.source,
            ways=tuple(_way(flow, flows, found) for found in exits(flow, step)),
        )
        for number, step in enumerate(flow.steps, start=1)
    )
    sources = tuple(dict.fromkeys(step.source for step in flow.steps))
    domain = DOMAINS.get(flow.domain, flow.domain) if flow.domain else "aucun (guide général)"
    return FlowView(
        flow.id, flow.title, domain, flow.version, shown_path(flow.path), steps, sources
    )


def shown_path(path: str) -> str:
    """A flow file's path from the top of the repository (`dialogs/flows/css.yaml`), not
    the absolute path of one checkout; a file elsewhere is named by itself."""
    resolved = Path(path).resolve()
    try:
        return resolved.relative_to(REPOSITORY).as_posix()
    except ValueError:
        return resolved.name


TITLE_LENGTH = 90


def title_of(step: Step, flows: FlowSet) -> str:
    """The step as a counsellor names it: its first French text (shortened), or what it
    does when it shows none."""
    found = list(steps.texts(step))
    if not found:
        return kind_words(step, flows)
    text = " ".join(french(found[0][1]).split())
    return text if len(text) <= TITLE_LENGTH else text[: TITLE_LENGTH - 1].rstrip() + "…"


def kind_words(step: Step, flows: FlowSet) -> str:
    """What a step does, in the words of the catalogue."""
    if isinstance(step, Say):
        return "Fil rouge dit"
    if isinstance(step, Ask):
        return f"Fil rouge demande ({EXPECTED[step.expect]})"
    if isinstance(step, Choose):
        return "Boutons"
    if isinstance(step, Checklist):
        return "Liste à cocher"
    if isinstance(step, Branch):
        return "Aiguillage"
    if isinstance(step, Call):
        called = flows.get(step.call)
        return f"Ouvre le guide « {called.title if called else step.call} »"
    if isinstance(step, SetValues):
        return "Note des réponses"
    return f"Action : {_action_words(step)}"


def _action_words(step: Do) -> str:
    args = step.args
    if step.do == "mark_done":
        where = DOMAINS.get(str(args.get("domain")), "le domaine du guide")
        return f"coche « {args['item']} » dans Mon plan ({where})"
    if step.do == "show_service":
        return f"montre les adresses utiles : {KINDS.get(str(args['kind']), args['kind'])}"
    known = {
        "ask_counsellor": "prévient un conseiller",
        "go_home": "retour au menu",
        "show_plan": "montre « Mon plan »",
        "show_cv": "montre le CV à imprimer",
        "note_appointment": "enregistre le rendez-vous donné, avec ses rappels",
        "answer_appointment": "enregistre la réponse au rendez-vous (prévient un conseiller "
        "si la personne ne peut pas venir ou n'y était pas)",
    }
    return known.get(step.do, step.do)


ROLES: dict[steps.TextRole, str] = {
    "say": "Message",
    "ask": "Question",
    "retry": "Si la réponse ne va pas",
    "choose": "Question",
    "option": "Bouton",
    "checklist": "Question",
    "item": "Case à cocher",
}


def texts_of(step: Step) -> list[Wordings]:
    """Every text a step shows (`dialogs.steps.texts`), in order, with its role; and
    the values a `set` step notes."""
    found: list[tuple[str, Text]] = [(ROLES[role], text) for role, text in steps.texts(step)]
    if isinstance(step, SetValues):
        found += [("Note", f"{key} = {value}") for key, value in step.set.items()]
    return [_wordings(role, text) for role, text in found]


def _wordings(role: str, text: Text) -> Wordings:
    if isinstance(text, Wording) and text.inside != text.outside:
        return Wordings(role, text.inside, text.outside)
    return Wordings(role, french(text))


def _way(flow: Flow, flows: FlowSet, found: Exit) -> Way:
    if found.target == END:
        return Way(found.when, None, "fin du guide (retour au menu ou au guide qui l'a ouvert)")
    step = flow.step(found.target)
    if step is None:
        return Way(found.when, found.target, f"l'étape {found.target}")
    number = flow.steps.index(step) + 1
    return Way(found.when, found.target, f"étape {number} : « {title_of(step, flows)} »")
