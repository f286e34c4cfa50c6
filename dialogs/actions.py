"""The registry of actions a `do:` step may run.

An action changes the state it is given (a private copy) and returns what to
say. The linter checks that a flow names only actions found here, with the
arguments they need.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import get_args

from dialogs import messages
from dialogs.appointments import Answer, is_kind
from dialogs.directory import KINDS, Service
from dialogs.flowset import FlowSet
from dialogs.outputs import (
    AppointmentAnswer,
    AppointmentNoted,
    Document,
    Handoff,
    Message,
    Output,
    Plan,
    ServiceList,
    Text,
)
from dialogs.schema import Do, Flow
from dialogs.state import State

MAIN_DOMAINS = ("sante", "logement", "papiers", "emploi")
"""Always shown in the plan; other domains (justice) only once they have items."""


@dataclass(frozen=True)
class ActionCall:
    flows: FlowSet
    flow: Flow
    step: Do
    directory: Mapping[str, tuple[Service, ...]] = field(default_factory=dict)


ActionFn = Callable[[State, ActionCall], list[Output]]


def mark_done(state: State, call: ActionCall) -> list[Output]:
    domain = str(call.step.args.get("domain") or call.flow.domain)
    item = str(call.step.args["item"])
    items = state.done.setdefault(domain, [])
    if item not in items:
        items.append(item)
    return []


def ask_counsellor(state: State, call: ActionCall) -> list[Output]:
    reason = str(call.step.args.get("reason") or f"{call.flow.id}/{call.step.id}")
    return [Handoff(reason=reason), Text(Message(messages.HANDOFF_SENT))]


def show_service(state: State, call: ActionCall) -> list[Output]:
    kind = str(call.step.args["kind"])
    found = call.directory.get(kind, ())
    if not found:
        return [Text(Message(messages.NO_SERVICE))]
    return [ServiceList(kind, Message(KINDS[kind]), found)]


def show_cv(state: State, call: ActionCall) -> list[Output]:
    lines = tuple(
        (Message(label), str(state.answers[key]))
        for key, label in messages.CV_FIELDS.items()
        if state.answers.get(key) not in (None, "")
    )
    name = " ".join(filter(None, [state.profile.get("first_name"), state.profile.get("last_name")]))
    return [Document(Message(messages.CV_TITLE), lines, name)]


def show_plan(state: State, call: ActionCall) -> list[Output]:
    return [plan_of(state, call.flows)]


def plan_of(state: State, flows: FlowSet) -> Plan:
    """What is done and left in each domain, from the flows' `mark_done` steps."""
    by_domain: dict[str, list[tuple[Message, bool]]] = {d: [] for d in messages.DOMAINS}
    for entry in flows.plan_items():
        done = state.is_done(entry.domain, entry.item)
        by_domain.setdefault(entry.domain, []).append((Message(entry.title), done))
    shown = [(d, tuple(items)) for d, items in by_domain.items() if items or d in MAIN_DOMAINS]
    return Plan(domains=tuple(shown))


PLACES = {"spip": "spip", "france_travail": "france_travail"}
"""Kinds of appointment held at one service of the directory: when the facility has
exactly one of it, a noted appointment takes its name and address."""


def note_appointment(state: State, call: ActionCall) -> list[Output]:
    """The appointment the person just gave (`rdv_kind`, and the moment saved under
    `at`, `rdv_at` by default), for the bot to store with its reminders."""
    kind = str(call.step.args.get("kind") or state.answers.get("rdv_kind") or "other")
    typed = state.answers.get(str(call.step.args.get("at") or "rdv_at"))
    try:
        start = datetime.fromisoformat(str(typed))
    except ValueError:
        return []
    if start.tzinfo is None or not is_kind(kind):
        return []
    places = call.directory.get(PLACES.get(kind, ""), ())
    place = places[0] if len(places) == 1 and not places[0].sample else None
    return [
        AppointmentNoted(
            what=kind,
            start=start.astimezone(UTC),
            place=place.name if place else "",
            address=place.address if place else "",
        )
    ]


def answer_appointment(state: State, call: ActionCall) -> list[Output]:
    """The person's answer to the appointment the `rendez_vous` flow is about, with the
    reason they gave, if any, for the bot to record."""
    answer = str(call.step.args["answer"])
    appointment_id = state.answers.get("rdv_id")
    if not appointment_id:
        return []
    for known in get_args(Answer):
        if answer == known:
            return [
                AppointmentAnswer(
                    str(appointment_id),
                    known,
                    why=str(state.answers.get("rdv_why") or ""),
                    said=str(state.answers.get("rdv_said") or ""),
                )
            ]
    return []


@dataclass(frozen=True)
class ActionSpec:
    run: ActionFn
    required: frozenset[str] = frozenset()
    allowed: frozenset[str] = frozenset()


REGISTRY: dict[str, ActionSpec] = {
    "mark_done": ActionSpec(mark_done, frozenset({"item"}), frozenset({"item", "domain"})),
    "ask_counsellor": ActionSpec(ask_counsellor, allowed=frozenset({"reason"})),
    "show_plan": ActionSpec(show_plan),
    "show_service": ActionSpec(show_service, frozenset({"kind"}), frozenset({"kind"})),
    "show_cv": ActionSpec(show_cv),
    "note_appointment": ActionSpec(note_appointment, allowed=frozenset({"kind", "at"})),
    "answer_appointment": ActionSpec(
        answer_appointment, frozenset({"answer"}), frozenset({"answer"})
    ),
    "go_home": ActionSpec(lambda state, call: []),
}
"""`go_home` is carried out by the engine itself: it resets the stack."""
