"""Scripted conversations: a text a counsellor can review, run against the engine.

A script is a list of turns. `>` is the person, `<` is what Fil rouge answers,
in French (the msgids filled with their parameters)::

    # CSS: a person who already has a mutuelle
    profile: first_name=Démo
    > [start]
    < Bonjour Démo. Je suis Fil rouge. Je vous aide à préparer votre sortie.
    < ? Que voulez-vous préparer ? [Santé] [Logement] [Papiers] [Emploi] [Mon plan] [Parler à un conseiller]
    > [Santé]

What the person does (`>`):
    `[start]`, `[resume]`, `[released]`, `[linked]`, `[reminder_due]`  a system event
    `[Label]`            presses the button of that French label on the open question
                         (`[Menu]` and `[Aide urgente]` are on every screen)
    `[Label] (ancien)`   presses that button on an older question, already closed
    `[Label] (rendez-vous KIND[, STATUS])`  presses that button on the card of an
                         appointment of that kind ("J'y serai", "Je n'y étais pas"...),
                         planned unless STATUS says otherwise (`cancelled`, `confirmed`...)
    anything else        typed text

What Fil rouge says (`<`), one line each:
    a text                              a message
    `? Question [Bouton] [Bouton]`      a question and its buttons
    `☐ Item` / `☑ Item`, `[C'est fait]` the items of a checklist (after its `? ...` line)
    `(conseiller prévenu : flow/step)`  a counsellor is told (hand-off)
    `Mon plan`, `- Santé : ☐ Item`      the plan, one line per domain
    `(rendez-vous noté : KIND, YYYY-MM-DD HH:MM)`  an appointment the person gave, stored
    `(réponse au rendez-vous : ANSWER[, WHY][, « SAID »])`  an answer to a card, recorded

Header lines before the first turn: `# title` (the first comment), `profile:
key=value, key=value`, `today: YYYY-MM-DD`, `now: HH:MM` (Paris, 09:00 by default:
what typed dates are read from). Other `#` lines are comments.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import get_args
from zoneinfo import ZoneInfo

from pydantic import PrivateAttr

from dialogs import engine, messages
from dialogs.appointments import ANSWERS, answer_value
from dialogs.directory_loader import load_directory
from dialogs.events import (
    AppointmentFacts,
    AppointmentStatus,
    Context,
    Event,
    Pressed,
    Said,
    System,
    SystemName,
)
from dialogs.flowset import FlowSet
from dialogs.outputs import (
    AppointmentAnswer,
    AppointmentNoted,
    Button,
    Checklist,
    Choices,
    Document,
    Handoff,
    Message,
    Output,
    Plan,
    Prompt,
    Question,
    ServiceList,
    Text,
)
from dialogs.render import pressable
from dialogs.schema import Flow, Step
from dialogs.state import State

DEMO_DIRECTORY = load_directory(Path(__file__).parents[2] / "data" / "services" / "demo.yaml")
"""The sample services of the demo facility: what `do: show_service` shows in scripts."""

DEFAULT_TODAY = date(2026, 5, 4)
DEFAULT_NOW = time(9)
PARIS = ZoneInfo("Europe/Paris")
CARD_ID = "1"
"""The appointment whose card a script presses (`(rendez-vous KIND)`)."""
SYSTEM_EVENTS: tuple[SystemName, ...] = get_args(SystemName)
OLD = "(ancien)"
MENU_BUTTON = Button("menu", Message(messages.MENU_BUTTON))
URGENT_BUTTON = Button("urgent", Message(messages.URGENT_BUTTON))
"""The buttons every channel shows beside the conversation."""
_BUTTON = re.compile(r"^\[(?P<label>[^\]]+)\](?:\s+(?P<old>\(ancien\)))?$")
_CARD = re.compile(
    r"^\[(?P<label>[^\]]+)\]\s+\(rendez-vous (?P<kind>[a-z_]+)(?:, (?P<status>[a-z_]+))?\)$"
)


class ScriptError(Exception):
    """A script that cannot be read, or a button it names that is not on screen."""


@dataclass(frozen=True)
class Turn:
    line: int
    person: str
    """What follows `> `: an event, a button or typed text."""
    expected: tuple[tuple[int, str], ...]
    """Each `<` line that follows, with its line number."""


@dataclass(frozen=True)
class Script:
    path: Path
    title: str
    profile: dict[str, str]
    today: date
    turns: tuple[Turn, ...]
    now: time = DEFAULT_NOW


@dataclass(frozen=True)
class Mismatch:
    """The first place where Fil rouge did not say what the script expects."""

    path: Path
    turn: Turn
    expected: tuple[str, ...]
    actual: tuple[str, ...]

    def __str__(self) -> str:
        first = next(
            (i for i, (e, a) in enumerate(zip(self.expected, self.actual, strict=False)) if e != a),
            min(len(self.expected), len(self.actual)),
        )
        line = self.turn.expected[first][0] if first < len(self.turn.expected) else self.turn.line
        want = f"< {self.expected[first]}" if first < len(self.expected) else "(nothing more)"
        got = f"< {self.actual[first]}" if first < len(self.actual) else "(nothing more)"
        shown = "\n".join(f"    < {text}" for text in self.actual) or "    (nothing)"
        return (
            f"{self.path.name}:{line}: after `> {self.turn.person}` (line {self.turn.line})\n"
            f"  expected: {want}\n"
            f"  actual:   {got}\n"
            f"  Fil rouge answered:\n{shown}"
        )


@dataclass
class Run:
    """The result of running a script: where it failed, and the steps it went through."""

    mismatch: Mismatch | None = None
    visited: set[tuple[str, str]] = field(default_factory=set)


def read(path: Path) -> Script:
    """Parse one script file; raises ScriptError with the line of a malformed one."""
    title, profile, today, now = "", {}, DEFAULT_TODAY, DEFAULT_NOW
    turns: list[Turn] = []
    person: tuple[int, str] | None = None
    expected: list[tuple[int, str]] = []
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.rstrip()
        if not line.strip():
            continue
        if line.startswith("#"):
            title = title or line.lstrip("# ").strip()
        elif line.startswith(">"):
            if person is not None:
                turns.append(Turn(person[0], person[1], tuple(expected)))
            person, expected = (number, line[1:].strip()), []
        elif line.startswith("<"):
            if person is None:
                raise ScriptError(f"{path.name}:{number}: `<` before the first `>` turn")
            expected.append((number, line[1:].strip()))
        elif person is None and line.startswith("profile:"):
            profile = _profile(path, number, line.removeprefix("profile:"))
        elif person is None and line.startswith("now:"):
            try:
                now = time.fromisoformat(line.removeprefix("now:").strip())
            except ValueError as error:
                raise ScriptError(f"{path.name}:{number}: now: {error}") from None
        elif person is None and line.startswith("today:"):
            try:
                today = date.fromisoformat(line.removeprefix("today:").strip())
            except ValueError as error:
                raise ScriptError(f"{path.name}:{number}: today: {error}") from None
        else:
            raise ScriptError(f"{path.name}:{number}: a line starts with `>`, `<` or `#`")
    if person is not None:
        turns.append(Turn(person[0], person[1], tuple(expected)))
    return Script(path, title, profile, today, tuple(turns), now)


def _profile(path: Path, number: int, text: str) -> dict[str, str]:
    profile: dict[str, str] = {}
    for pair in filter(None, (p.strip() for p in text.split(","))):
        key, equals, value = pair.partition("=")
        if not equals:
            raise ScriptError(f"{path.name}:{number}: profile is written key=value, key=value")
        profile[key.strip()] = value.strip()
    return profile


def run(script: Script, flows: FlowSet) -> Run:
    """Play the script turn by turn; stop at the first answer that differs."""
    result = Run()
    traced = traced_flows(flows, result.visited)
    state = State(profile=dict(script.profile))
    now = datetime.combine(script.today, script.now, tzinfo=PARIS)
    context = Context(today=script.today, directory=DEMO_DIRECTORY, now=now)
    shown: list[Prompt] = []
    for turn in script.turns:
        event, facts = _card(script, turn, now) or (
            _event(script, turn, traced, state, shown),
            None,
        )
        turn_context = Context(
            today=script.today, directory=DEMO_DIRECTORY, now=now, appointment=facts
        )
        state, outputs = engine.step(traced, state, event, turn_context if facts else context)
        shown.extend(o for o in outputs if isinstance(o, Choices | Question | Checklist))
        actual = tuple(line for output in outputs for line in render(output))
        expected = tuple(text for _, text in turn.expected)
        if actual != expected:
            result.mismatch = Mismatch(script.path, turn, expected, actual)
            break
    return result


def _card(script: Script, turn: Turn, now: datetime) -> tuple[Event, AppointmentFacts] | None:
    """A press on an appointment's card, and what the bot knows of that appointment."""
    found = _CARD.match(turn.person)
    if found is None:
        return None
    answer = next((a for a, label in ANSWERS.items() if label == found.group("label")), None)
    if answer is None:
        raise ScriptError(f"{script.path.name}:{turn.line}: a card has no [{found.group('label')}]")
    status = found.group("status") or "planned"
    statuses: tuple[AppointmentStatus, ...] = get_args(AppointmentStatus)
    checked = next((s for s in statuses if s == status), None)
    if checked is None:
        raise ScriptError(f"{script.path.name}:{turn.line}: no status {status!r}")
    start = now.astimezone(UTC)  # the card's time: the engine does not read it
    facts = AppointmentFacts(CARD_ID, found.group("kind"), checked, start)
    return Pressed(seq=0, value=answer_value(CARD_ID, answer)), facts


def _event(script: Script, turn: Turn, flows: FlowSet, state: State, shown: list[Prompt]) -> Event:
    said = turn.person
    found = _BUTTON.match(said)
    if found is None:
        return Said(said)
    label, old = found.group("label"), found.group("old") is not None
    system = next((name for name in SYSTEM_EVENTS if name == label), None)
    if system is not None:
        return System(system)
    current = engine.current_prompt(flows, state)
    if old:
        closed = [p for p in reversed(shown) if current is None or p.seq != current.seq]
        candidates = [(p.seq, pressable(p)) for p in closed]
    else:
        candidates = [(current.seq if current else state.seq, _on_screen(current))]
    for seq, buttons in candidates:
        for button in buttons:
            if text_of(button.label) == label:
                return Pressed(seq=seq, value=button.value)
    where = "on an older question" if old else "on the open question"
    raise ScriptError(f"{script.path.name}:{turn.line}: no button [{label}] {where}")


def _on_screen(prompt: Prompt | None) -> tuple[Button, ...]:
    return (*(pressable(prompt) if prompt else ()), MENU_BUTTON, URGENT_BUTTON)


def text_of(message: Message) -> str:
    """The French text of a message: its msgid with the parameters filled."""
    return message.msgid.format(**message.params)


def render(output: Output) -> Iterator[str]:
    """The `<` lines of one output."""
    if isinstance(output, Text):
        yield text_of(output.text)
    elif isinstance(output, Choices | Question):
        buttons = "".join(f" [{text_of(b.label)}]" for b in output.buttons)
        kind = f" ({output.expect})" if isinstance(output, Question) and not buttons else ""
        yield f"? {text_of(output.text)}{kind}{buttons}"
    elif isinstance(output, Checklist):
        yield f"? {text_of(output.text)}"
        for item in output.items:
            yield f"{'☑' if item.checked else '☐'} {text_of(item.label)}"
        yield f"[{text_of(output.done_label)}]"
    elif isinstance(output, Handoff):
        yield f"(conseiller prévenu : {output.reason})"
    elif isinstance(output, Plan):
        yield text_of(Message(messages.PLAN_TITLE))
        for domain, items in output.domains:
            name = text_of(Message(messages.DOMAINS.get(domain, domain)))
            listed = ", ".join(f"{'☑' if done else '☐'} {text_of(m)}" for m, done in items)
            yield f"- {name} : {listed or text_of(Message(messages.NOTHING_YET))}"
    elif isinstance(output, ServiceList):
        yield f"[{text_of(output.kind_name)}]"
        for place in output.services:
            yield f"- {' · '.join(filter(None, [place.name, place.address, place.hours, place.phone]))}"
    elif isinstance(output, Document):
        yield f"== {text_of(output.title)} : {output.name}"
        for label, value in output.lines:
            yield f"- {text_of(label)} : {value}"
    elif isinstance(output, AppointmentNoted):
        local = output.start.astimezone(PARIS).strftime("%Y-%m-%d %H:%M")
        yield f"(rendez-vous noté : {output.what}, {local})"
    elif isinstance(output, AppointmentAnswer):
        said = f", « {output.said} »" if output.said else ""
        why = f", {output.why}" if output.why else ""
        yield f"(réponse au rendez-vous : {output.answer}{why}{said})"


class _TracedFlow(Flow):
    """A flow that notes every step the engine looks up: the steps a conversation visits."""

    _visited: set[tuple[str, str]] = PrivateAttr(default_factory=set)

    def step(self, step_id: str) -> Step | None:
        found = super().step(step_id)
        if found is not None:
            self._visited.add((self.id, step_id))
        return found


def traced_flows(flows: FlowSet, visited: set[tuple[str, str]]) -> FlowSet:
    """The same flows, adding each (flow id, step id) the engine runs to `visited`."""
    copies: dict[str, Flow] = {}
    for flow_id, flow in flows.flows.items():
        fields = {name: getattr(flow, name) for name in Flow.model_fields}
        copy = _TracedFlow.model_construct(_fields_set=flow.model_fields_set, **fields)
        copy._visited = visited
        copies[flow_id] = copy
    return FlowSet(copies, flows.understanding, flows.glossary)
