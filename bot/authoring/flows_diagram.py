"""A flow as a diagram: its exits (where each step goes) and an inline SVG drawn from them.

Boxes are the steps in list order, top to bottom; an arrow goes from a step to
every step it may lead to. Steps that wait for the person are drawn differently.
No JavaScript and no external tool: the SVG is plain text made here.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from dialogs import steps
from dialogs.schema import (
    END,
    WAITING_KINDS,
    Condition,
    Flow,
    Step,
    Text,
    Wording,
)

BOX_W, BOX_H, GAP, LANE, MARGIN = 400, 48, 30, 14, 16


@dataclass(frozen=True)
class Exit:
    """One way out of a step, for the catalogue: where to (a step id or END) and when,
    in words."""

    target: str
    when: str = ""
    explicit: bool = True
    """Written in the flow (`next`, `goto`, `else`); False when it is the following step."""


def exits(flow: Flow, step: Step) -> list[Exit]:
    """Every way out of `step` (`dialogs.steps.exits`), with when it is taken, in French."""
    return [Exit(way.target, _when(way), way.explicit) for way in steps.exits(flow, step)]


def _when(way: steps.Exit) -> str:
    if way.option is not None:
        return f"« {french(way.option.label)} »"
    if way.rule is not None:
        return condition_words(way.rule.if_)
    return {"else": "sinon", "home": "retour au menu"}.get(way.why, "")


def condition_words(condition: Condition) -> str:
    """A branch condition as a counsellor reads it."""
    if condition.released is not None:
        return "si la personne est sortie" if condition.released else "si la personne est dedans"
    if condition.done is not None:
        return f"si « {condition.done} » est coché dans Mon plan"
    key = f"la réponse « {condition.answer} »"
    if condition.present is not None:
        return f"si {key} est {'donnée' if condition.present else 'absente'}"
    if condition.in_ is not None:
        return f"si {key} est l'une de : {', '.join(_value(v) for v in condition.in_)}"
    return f"si {key} est {_value(condition.equals)}"


def _value(value: object) -> str:
    if value is True:
        return "oui"
    if value is False:
        return "non"
    if isinstance(value, list):
        return "[" + ", ".join(str(v) for v in value) + "]"
    return f"« {value} »"


def french(text: Text) -> str:
    """The inside wording of a text (the one a flow starts with)."""
    return text.inside if isinstance(text, Wording) else text


def svg(flow: Flow, caption: dict[str, str], heading: dict[str, str] | None = None) -> str:
    """The diagram of `flow`; `caption` gives the short line shown in each step's box,
    `heading` its first line (the step's id by default)."""
    index = {step.id: n for n, step in enumerate(flow.steps)}
    edges = [(n, e) for n, step in enumerate(flow.steps) for e in exits(flow, step)]
    ends = any(e.target == END for _, e in edges)
    index[END] = len(flow.steps)
    lanes = _lanes([(n, index[e.target]) for n, e in edges])
    left = MARGIN + LANE * (1 + max((-lane for lane in lanes if lane < 0), default=0))
    right = left + BOX_W
    width = right + MARGIN + LANE * (1 + max((lane for lane in lanes if lane > 0), default=0))
    height = MARGIN + (len(flow.steps) + ends) * (BOX_H + GAP)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="diagram" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" role="group" '
        f'aria-label="Schéma du guide {escape(flow.title)}">',
        '<defs><marker id="head" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
        'markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z"/></marker></defs>',
    ]
    for n, step in enumerate(flow.steps):
        top = (heading or {}).get(step.id, step.id)
        parts.append(_box(left, n, step, caption.get(step.id, ""), top))
    if ends:
        y = _top(len(flow.steps))
        parts.append(
            f'<g class="end"><rect x="{left + BOX_W / 4}" y="{y}" width="{BOX_W / 2}" '
            f'height="{BOX_H}" rx="24"/><text x="{left + BOX_W / 2}" y="{y + 29}" '
            'text-anchor="middle">Fin du guide</text></g>'
        )
    seen: dict[tuple[int, int], int] = {}
    for (n, edge), lane in zip(edges, lanes, strict=True):
        target = index[edge.target]
        repeat = seen[(n, target)] = seen.get((n, target), -1) + 1
        parts.append(_arrow(left, right, n, target, lane, repeat, edge))
    parts.append("</svg>")
    return "\n".join(parts)


def _top(row: int) -> int:
    return MARGIN + row * (BOX_H + GAP)


def _box(left: int, row: int, step: Step, caption: str, heading: str) -> str:
    y = _top(row)
    waits = waiting(step)
    style = "step wait" if waits else "step"
    shown = caption if len(caption) <= 52 else caption[:51] + "…"
    return (
        f'<a href="#step-{step.id}"><g class="{style}"><title>{escape(step.id)}</title>'
        f'<rect x="{left}" y="{y}" width="{BOX_W}" height="{BOX_H}" rx="{12 if waits else 2}"/>'
        f'<text x="{left + 10}" y="{y + 19}" class="id">{escape(heading)}</text>'
        f'<text x="{left + 10}" y="{y + 38}">{escape(shown)}</text></g></a>'
    )


def _lanes(spans: list[tuple[int, int]]) -> list[int]:
    """A side lane for every jump that is not to the next box: + right (down), - left (up).

    Jumps whose rows overlap get different lanes, so that their lines do not merge.
    """
    taken: dict[int, list[tuple[int, int]]] = {}
    found = []
    for source, target in spans:
        if target == source + 1:
            found.append(0)
            continue
        sign = 1 if target > source else -1
        low, high = min(source, target), max(source, target)
        lane = sign
        while any(low <= b and a <= high for a, b in taken.get(lane, [])):
            lane += sign
        taken.setdefault(lane, []).append((low, high))
        found.append(lane)
    return found


def _arrow(
    left: int, right: int, source: int, target: int, lane: int, repeat: int, edge: Exit
) -> str:
    style = "arrow" if edge.explicit else "arrow follow"
    title = f"<title>{escape(edge.when)}</title>" if edge.when else ""
    if lane == 0:
        x = left + BOX_W / 2 + 24 * repeat
        d = f"M{x},{_top(source) + BOX_H} V{_top(target) - 2}"
    else:
        side, out = (right, 1) if lane > 0 else (left, -1)
        far = side + out * LANE * abs(lane)
        y1 = _top(source) + 12 + 8 * min(repeat, 3)
        y2 = _top(target) + BOX_H / 2 + (6 if lane > 0 else -6)
        d = f"M{side},{y1} H{far} V{y2} H{side + out * 2}"
    return f'<path class="{style}" d="{d}" marker-end="url(#head)">{title}</path>'


def waiting(step: Step) -> bool:
    """A step that waits for the person (a question, buttons, a checklist)."""
    return step.kind in WAITING_KINDS
