"""Telegram's way of delivering a turn: outbox rows written in the turn's transaction.

The rows commit with the state, or not at all; the sender (`bot/telegram/sender.py`)
sends them and the transcript records each message once Telegram accepted it.
"""

from __future__ import annotations

from sqlmodel import Session

from bot.clock import Clock
from bot.i18n import Translator
from bot.telegram.render import Outgoing, render
from dialogs.outputs import Output
from dialogs.state import State
from storage.models import Outbox, Person
from storage.outbox import enqueue
from storage.rows import id_of


class OutboxDeliver:
    """A `bot.turn.Deliver` that enqueues the turn's outputs for one Telegram chat."""

    def __init__(self, chat_id: int, clock: Clock) -> None:
        self.chat_id = chat_id
        self.clock = clock
        self.enqueued = 0

    def __call__(
        self,
        session: Session,
        person: Person,
        outputs: list[Output],
        state: State,
        translator: Translator,
    ) -> None:
        frame = state.stack[-1] if state.stack else None
        rows = outbox_rows(
            person_id=id_of(person),
            chat_id=self.chat_id,
            messages=render(outputs, translator),
            clock=self.clock,
            language=translator.language,
            flow_id=frame.flow if frame else None,
            step_id=frame.step if frame else None,
        )
        enqueue(session, rows)
        self.enqueued += len(rows)


def outbox_rows(
    *,
    person_id: int,
    chat_id: int,
    messages: list[Outgoing],
    clock: Clock,
    language: str,
    flow_id: str | None = None,
    step_id: str | None = None,
) -> list[Outbox]:
    """One `sendMessage` row per message, with the transcript entry to write once sent."""
    now = clock.now()
    return [
        Outbox(
            person_id=person_id,
            chat_id=chat_id,
            method="sendMessage",
            payload=message.payload(chat_id),
            entry={
                "text": message.text,
                "payload": message.transcript_payload(),
                "language": language,
                "flow_id": flow_id,
                "step_id": step_id,
            },
            created_at=now,
            not_before=now,
        )
        for message in messages
    ]
