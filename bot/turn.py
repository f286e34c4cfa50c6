"""One turn: in one transaction, lock the person, load, run the engine once, save the
state, the transcript and what is to be sent.

Outputs go through the delivery port (`bot.delivery`), in the same transaction:
a crash before the commit loses nothing (the person's message is not recorded,
so a retry is processed), a crash after it duplicates nothing (the retry is
recognised by its inbound id). Whatever is to be sent is sent after the commit
by the channel that asked.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any, TypeVar

from bot import effects
from bot.appointments import facts
from bot.clock import local_date
from bot.delivery import Letter
from bot.i18n import Translator
from bot.services import Services
from bot.tx import Tx
from dialogs import engine, messages
from dialogs.appointments import ANSWERS, read_answer
from dialogs.events import AppointmentFacts, Context, Event, Pressed, Said
from dialogs.glossary import WORD, Glossary
from dialogs.outputs import Message, Output
from dialogs.render import pressable
from dialogs.state import State
from storage.conversation import Conversation, load_conversation, save_state
from storage.enums import Channel, Direction
from storage.errors import DuplicateInbound, StaleState
from storage.outbox import Queued
from storage.transcript import Entry, append_transcript

T = TypeVar("T")

ATTEMPTS = 3
"""How often a unit of work is run when another process got there first."""
_GLOBAL_LABELS = {
    "menu": messages.MENU_BUTTON,
    "help": messages.HELP_BUTTON,
    "urgent": messages.URGENT_BUTTON,
}


@dataclass(frozen=True)
class Inbound:
    """Something that happened to a person's conversation, with the id that makes it
    unique (a replay with the same id is answered nothing)."""

    person_id: int
    channel: Channel
    event: Event
    inbound_id: str | None = None
    address: str | None = None
    """Where to answer on the channel (a Telegram chat id); None: the person's own,
    or, for a `system` event, wherever the person can be reached now."""


@dataclass(frozen=True)
class TurnResult:
    outputs: list[Output]
    state: State
    duplicate: bool = False
    queued: list[Queued] = field(default_factory=list)
    """Messages written to the outbox, for the channel to send after the commit."""


def run_turn(services: Services, inbound: Inbound) -> TurnResult:
    """Process one inbound event in its own transaction; safe to call twice with the
    same inbound id."""
    return retrying(lambda: _in_transaction(services, inbound))


def _in_transaction(services: Services, inbound: Inbound) -> TurnResult:
    with services.write() as tx:
        return take_turn(services, tx, inbound)


def retrying(unit: Callable[[], T]) -> T:
    """Run a unit of work, again when another process changed the same rows first."""
    for _attempt in range(ATTEMPTS - 1):
        try:
            return unit()
        except (StaleState, DuplicateInbound):
            continue  # read again: the other one's work is now visible
    return unit()


def take_turn(
    services: Services, tx: Tx, inbound: Inbound, *, send_at_once: bool = False
) -> TurnResult:
    """The turn, inside a unit of work the caller opened (with what else it writes).

    `send_at_once`: the caller sends `TurnResult.queued` itself after the commit.
    """
    began = time.perf_counter()
    asked = (inbound.channel, inbound.inbound_id) if inbound.inbound_id else None
    found = load_conversation(tx.session, inbound.person_id, for_update=True, inbound=asked)
    before = state_of(found)
    if found.seen:
        return TurnResult([], before, duplicate=True)
    person = found.person
    timezone = services.settings.timezone
    context = Context(
        today=local_date(tx.now, timezone),
        directory=services.directories.of(tx.session, person.facility_id),
        now=tx.now,
        timezone=timezone,
        appointment=_appointment_of(tx, person.id, inbound.event),
    )
    after, outputs = engine.step(services.flows, before, inbound.event, context)
    save_state(tx.session, person.id, after.model_dump(mode="json"), found.version, now=tx.now)
    translator = services.catalogs.get(person.language)
    entry = _inbound_entry(tx, inbound, before, translator, services.flows.glossary)
    append_transcript(tx.session, [entry])
    frame = after.stack[-1] if after.stack else None
    letter = Letter(
        person=person,
        outputs=outputs,
        translator=translator,
        cause=inbound.channel,
        to=None if inbound.channel == Channel.SYSTEM else inbound.channel,
        address=inbound.address,
        flow_id=frame.flow if frame else None,
        step_id=frame.step if frame else None,
        send_at_once=send_at_once,
    )
    effects.apply(services, tx, person.id, outputs, inbound.channel)
    queued = services.deliveries.deliver(tx, letter)
    channel = str(inbound.channel)
    services.metrics.turns.labels(channel).inc()
    services.metrics.turn_seconds.labels(channel).observe(time.perf_counter() - began)
    return TurnResult(outputs, after, queued=queued)


def _appointment_of(tx: Tx, person_id: int, event: Event) -> AppointmentFacts | None:
    """The appointment a card's button names, read only for such a press."""
    if isinstance(event, Pressed) and (meant := read_answer(event.value)) is not None:
        return facts(tx, person_id, meant[0])
    return None


def state_of(found: Conversation) -> State:
    """The conversation state of a loaded person (a fresh one if none was saved)."""
    state = State.model_validate(found.data) if found.data else State()
    person = found.person
    state.profile = {"first_name": person.first_name, "last_name": person.last_name}
    state.released = state.released or person.released_at is not None
    return state


def _inbound_entry(
    tx: Tx, inbound: Inbound, before: State, translator: Translator, glossary: Glossary
) -> Entry:
    event = inbound.event
    payload: dict[str, Any] = {"event": type(event).__name__.lower(), **asdict(event)}
    text = ""
    if isinstance(event, Said):
        text = event.text
    elif isinstance(event, Pressed):
        text = label_of(before, event, translator, glossary)
    frame = before.stack[-1] if before.stack else None
    return Entry(
        person_id=inbound.person_id,
        at=tx.now,
        channel=inbound.channel,
        direction=Direction.IN,
        text=text,
        payload=payload,
        language=translator.language,
        flow_id=frame.flow if frame else None,
        step_id=frame.step if frame else None,
        inbound_id=inbound.inbound_id,
    )


def label_of(
    before: State, event: Pressed, translator: Translator, glossary: Glossary | None = None
) -> str:
    """What the person saw on the button they pressed: its label on the question shown
    (kept with the state), a word of the glossary they tapped ("SIAO ?"), or `[value]`
    for a button that was not shown."""
    prompt = before.prompt
    if prompt is not None and prompt.seq == event.seq:
        for button in pressable(prompt):
            if button.value == event.value:
                return translator.render(button.label)
    term = glossary.get(event.value.removeprefix(WORD)) if glossary else None
    if event.value.startswith(WORD) and term is not None:
        return f"{term.term} ?"
    if event.value in _GLOBAL_LABELS:
        return translator.render(Message(_GLOBAL_LABELS[event.value]))
    if (meant := read_answer(event.value)) is not None:  # a card's button
        return translator.render(Message(ANSWERS[meant[1]]))
    return f"[{event.value}]"
