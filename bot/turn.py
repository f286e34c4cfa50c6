"""One turn: lock the person, deduplicate, load, run the engine, save, answer.

State and transcript are written in one transaction, and outputs are handed to
the channel only after it committed: a crash before the commit loses nothing
(the person's message is not recorded, so a retry is processed), a crash after
it duplicates nothing (the retry is recognised by its inbound id).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, Protocol

from sqlmodel import Session

from bot.clock import local_today
from bot.i18n import Translator
from bot.services import Services
from dialogs import engine, messages
from dialogs.events import Context, Event, Pressed, Said
from dialogs.outputs import (
    Checklist,
    Choices,
    Document,
    Handoff,
    Message,
    Output,
    Plan,
    Question,
    ServiceList,
    Text,
)
from dialogs.render import pressable
from dialogs.state import State
from storage.audit import record_audit
from storage.conversation import load_state, save_state
from storage.database import lock_person, write_transaction
from storage.enums import Channel, Direction
from storage.errors import DuplicateInbound, StaleState
from storage.models import Person, TranscriptEntry
from storage.rows import id_of
from storage.transcript import append_transcript, inbound_seen
from storage.updates import claim_update

STALE_RETRIES = 3


@dataclass(frozen=True)
class Inbound:
    """Something a person did on a channel, with the id that makes it unique."""

    person_id: int
    channel: Channel
    event: Event
    inbound_id: str | None = None
    update_id: int | None = None
    """A Telegram update to claim in the turn's own transaction: a replayed
    update (webhook retry, polling replay) is then a duplicate, and a crash
    before the commit leaves it unclaimed, so its retry is processed."""


class Deliver(Protocol):
    """How a channel hands outputs on, inside the turn's transaction.

    The kiosk needs none: its page is the transcript, so the turn records
    outputs there. Telegram enqueues outbox rows, recorded in the transcript
    only once Telegram accepted them.
    """

    def __call__(
        self,
        session: Session,
        person: Person,
        outputs: list[Output],
        state: State,
        translator: Translator,
    ) -> None: ...


@dataclass(frozen=True)
class TurnResult:
    outputs: list[Output]
    state: State
    duplicate: bool = False


def run_turn(services: Services, inbound: Inbound, deliver: Deliver | None = None) -> TurnResult:
    """Process one inbound event for one person; safe to call twice with the same id.

    Outputs go to the transcript, or to `deliver` when the channel sends them itself.
    """
    with services.locks.hold(inbound.person_id):
        for _attempt in range(STALE_RETRIES):
            try:
                with write_transaction(services.engine) as session:
                    return _turn(services, session, inbound, deliver)
            except (StaleState, DuplicateInbound):
                continue  # another process got there first: read again
    raise StaleState(inbound.person_id, -1)


def load_conversation(session: Session, person: Person) -> tuple[State, int]:
    """The stored state of a person (a fresh one if none), and its version."""
    data, version = load_state(session, id_of(person))
    state = State.model_validate(data) if data else State()
    state.profile = {"first_name": person.first_name, "last_name": person.last_name}
    state.released = state.released or person.released_at is not None
    return state, version


def _turn(
    services: Services, session: Session, inbound: Inbound, deliver: Deliver | None
) -> TurnResult:
    person = lock_person(session, inbound.person_id)
    if inbound.update_id is not None and not claim_update(
        session, inbound.update_id, services.clock.now()
    ):
        return TurnResult([], State(), duplicate=True)
    state, version = load_conversation(session, person)
    if inbound.inbound_id and inbound_seen(
        session, inbound.person_id, inbound.channel, inbound.inbound_id
    ):
        return TurnResult([], state, duplicate=True)
    context = Context(
        today=local_today(services.clock, services.settings.timezone),
        directory=services.directories.of(session, person.facility_id),
    )
    new_state, outputs = engine.step(services.flows, state, inbound.event, context)
    save_state(session, inbound.person_id, new_state.model_dump(mode="json"), version)
    translator = services.catalogs.get(person.language)
    now = services.clock.now()
    entries = [_inbound_entry(services, person, inbound, state, translator)]
    if deliver is None:
        entries += [
            _outbound_entry(person, inbound.channel, o, new_state, translator) for o in outputs
        ]
    for entry in entries:
        entry.at = now
    append_transcript(session, entries)
    if deliver is not None:
        deliver(session, person, outputs, new_state, translator)
    for output in outputs:
        if isinstance(output, Handoff):
            record_audit(
                session,
                actor_kind="person",
                actor_id=str(person.id),
                action="counsellor_requested",
                person_id=person.id,
                detail={"where": output.reason, "channel": str(inbound.channel)},
            )
    return TurnResult(outputs, new_state)


def _inbound_entry(
    services: Services, person: Person, inbound: Inbound, before: State, translator: Translator
) -> TranscriptEntry:
    event = inbound.event
    payload: dict[str, Any] = {"event": type(event).__name__.lower(), **dataclasses.asdict(event)}
    text = ""
    if isinstance(event, Said):
        text = event.text
    elif isinstance(event, Pressed):
        text = _label_of(services, before, event, translator)
    frame = before.stack[-1] if before.stack else None
    return TranscriptEntry(
        person_id=id_of(person),
        channel=inbound.channel,
        direction=Direction.IN,
        text=text,
        payload=payload,
        language=person.language,
        flow_id=frame.flow if frame else None,
        step_id=frame.step if frame else None,
        inbound_id=inbound.inbound_id,
    )


def _label_of(services: Services, before: State, event: Pressed, translator: Translator) -> str:
    """What the person saw on the button they pressed ([value] if it was not shown)."""
    prompt = engine.current_prompt(services.flows, before)
    if prompt is not None and prompt.seq == event.seq:
        for button in pressable(prompt):
            if button.value == event.value:
                return translator.render(button.label)
    globals_ = {
        "menu": Message(messages.MENU_BUTTON),
        "help": Message(messages.HELP_BUTTON),
        "urgent": Message(messages.URGENT_BUTTON),
    }
    if event.value in globals_:
        return translator.render(globals_[event.value])
    return f"[{event.value}]"


def _outbound_entry(
    person: Person, channel: Channel, output: Output, after: State, translator: Translator
) -> TranscriptEntry:
    frame = after.stack[-1] if after.stack else None
    return TranscriptEntry(
        person_id=id_of(person),
        channel=channel,
        direction=Direction.OUT,
        text=text_of(output, translator),
        payload={"output": output.kind, **dataclasses.asdict(output)},
        language=person.language,
        flow_id=frame.flow if frame else None,
        step_id=frame.step if frame else None,
    )


def text_of(output: Output, translator: Translator) -> str:
    """The readable text of an output, for the transcript."""
    if isinstance(output, Text | Choices | Question | Checklist):
        return translator.render(output.text)
    if isinstance(output, ServiceList):
        lines = [translator.render(output.kind_name)]
        for place in output.services:
            parts = [place.name, place.address, place.hours, place.phone]
            lines.append("• " + " — ".join(p for p in parts if p))
            if place.what:
                lines.append("  " + place.what)
            if place.sample:
                lines.append("  " + translator.render(Message(messages.SAMPLE_SERVICE)))
        return "\n".join(lines)
    if isinstance(output, Document):
        lines = [f"{translator.render(output.title)} — {output.name}".rstrip(" —")]
        lines += [f"{translator.render(label)} : {value}" for label, value in output.lines]
        return "\n".join(lines)
    if isinstance(output, Plan):
        lines = [translator.render(Message(messages.PLAN_TITLE))]
        for domain, items in output.domains:
            marks = ", ".join(("✓ " if done else "○ ") + translator.render(t) for t, done in items)
            lines.append(f"{translator.render(Message(messages.DOMAINS[domain]))} : {marks or '—'}")
        return "\n".join(lines)
    return ""
