"""The kiosk's delivery: the transcript is the page.

What is said to a person at the kiosk is written into their transcript, in the
transaction that decided it; the chat page shows it, at once if they are there,
or at their next login. Nothing is sent anywhere.
"""

from __future__ import annotations

from typing import Any

from bot.delivery import Letter
from bot.tx import Tx
from bot.wording import text_of
from dialogs.outputs import Output, as_data
from storage.enums import Channel, Direction
from storage.outbox import Queued
from storage.transcript import Entry, append_transcript


class KioskDelivery:
    channel = Channel.KIOSK

    def address_of(self, tx: Tx, person_id: int) -> str | None:
        """The kiosk reaches everyone at their next visit; it is never looked for first:
        `Deliveries.reach` falls back to it."""
        return None

    def deliver(self, tx: Tx, letter: Letter) -> list[Queued]:
        entries = [
            Entry(
                person_id=letter.person.id,
                at=tx.now,
                channel=letter.cause,
                direction=Direction.OUT,
                text=text_of(output, letter.translator, now=tx.now),
                payload=_payload(output, letter.cause),
                language=letter.translator.language,
                flow_id=letter.flow_id,
                step_id=letter.step_id,
            )
            for output in letter.outputs
        ]
        append_transcript(tx.session, entries)
        return []


def _payload(output: Output, cause: Channel) -> dict[str, Any]:
    data = as_data(output)
    if cause == Channel.COUNSELLOR:
        data["via"] = str(Channel.KIOSK)  # the words are the counsellor's, shown at the kiosk
    return data
