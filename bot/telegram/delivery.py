"""Telegram's delivery: outbox rows written in the transaction that decided what to say.

The rows commit with the state, or not at all. When the caller sends them itself
right after the commit (the Telegram handlers do, `OutboxSender.send`), they are
held for it: if it dies first, they fall due for any sender when the hold ends.
Otherwise (a release from the command line, a reminder) they are due at once
for the outbox sender of `filrouge serve`. The transcript records each message
once Telegram accepted it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from bot.delivery import Letter
from bot.telegram.render import Outgoing, render
from bot.tx import Tx
from storage.enums import Channel
from storage.outbox import Queued, enqueue
from storage.persons import identities_of

HOLD = timedelta(seconds=60)
"""How long the rows a process wrote are its own to send, before any sender may."""


class TelegramDelivery:
    channel = Channel.TELEGRAM

    def address_of(self, tx: Tx, person_id: int) -> str | None:
        """The chat of the person's linked account (a private chat's id is the user's)."""
        phones = [i for i in identities_of(tx.session, person_id) if i.channel == self.channel]
        if phones and phones[-1].external_id.lstrip("-").isdigit():
            return phones[-1].external_id
        return None

    def deliver(self, tx: Tx, letter: Letter) -> list[Queued]:
        address = letter.address or self.address_of(tx, letter.person.id)
        if address is None:
            raise ValueError(f"person {letter.person.id} has no Telegram account linked")
        rows = outbox_messages(
            person_id=letter.person.id,
            chat_id=int(address),
            messages=render(list(letter.outputs), letter.translator, tx.now),
            language=letter.translator.language,
            flow_id=letter.flow_id,
            step_id=letter.step_id,
        )
        if letter.cause == Channel.COUNSELLOR:
            # A counsellor's words are recorded as theirs, once Telegram accepted them.
            for row in rows:
                row["entry"]["channel"] = str(Channel.COUNSELLOR)
                row["entry"]["payload"]["via"] = str(Channel.TELEGRAM)
        held = tx.now + HOLD if letter.send_at_once else None
        return enqueue(tx.session, rows, now=tx.now, held_until=held)


def outbox_messages(
    *,
    person_id: int | None,
    chat_id: int,
    messages: Sequence[Outgoing],
    language: str,
    flow_id: str | None = None,
    step_id: str | None = None,
) -> list[dict[str, Any]]:
    """One `sendMessage` row per message, with the transcript entry to write once sent
    (none for someone who is not a person of Fil rouge yet: `person_id` None)."""
    return [
        {
            "person_id": person_id,
            "chat_id": chat_id,
            "payload": message.payload(chat_id),
            "entry": {
                "text": message.text,
                "payload": message.transcript_payload(),
                "language": language,
                "flow_id": flow_id,
                "step_id": step_id,
            },
        }
        for message in messages
    ]


def voice_message(person_id: int, chat_id: int, text: str, language: str) -> dict[str, Any]:
    """A `sendVoice` row: `text` read aloud, made into a voice note when it is sent (the
    outbox keeps the words, not the sound). The transcript notes what was read."""
    return {
        "person_id": person_id,
        "chat_id": chat_id,
        "method": VOICE,
        "payload": {"chat_id": chat_id, "read": text, "language": language},
        "entry": {"text": "", "payload": {"output": "voice", "read": text}, "language": language},
    }


VOICE = "sendVoice"
