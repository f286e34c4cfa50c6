"""A counsellor writes into a person's conversation.

The words go the one way out (`bot.delivery`), like everything said to a person:
on Telegram when their phone is linked (the outbox sends them, and records them
in the transcript once Telegram accepted them), otherwise at the kiosk (in the
transcript at once: the person reads them at their next visit, or at once if
they are there). Either way the transcript marks them channel `counsellor`,
in the person's own words around them: « Message de votre conseiller ».
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.delivery import Letter
from bot.services import Services
from bot.tx import Tx
from dialogs.messages import N_
from dialogs.outputs import Message, Text
from storage.audit import record_audit
from storage.conversation import load_conversation
from storage.enums import Channel
from storage.outbox import Queued

FROM_COUNSELLOR = N_("Message de votre conseiller, {name} :\n{text}")


@dataclass(frozen=True)
class Written:
    channel: Channel
    """Where the message goes: Telegram or the kiosk."""
    queued: list[Queued]


def write_to_person(
    services: Services, tx: Tx, person_id: int, counsellor_id: int, name: str, text: str
) -> Written:
    """Say `text` to the person from the counsellor `name`, in the transaction `tx`
    (which locks the person: it is ordered with their turns). Raises
    :class:`storage.errors.NotFound`."""
    person = load_conversation(tx.session, person_id, for_update=True).person
    translator = services.catalogs.get(person.language)
    delivery, address = services.deliveries.reach(tx, person.id)
    letter = Letter(
        person=person,
        outputs=[Text(Message(FROM_COUNSELLOR, {"name": name, "text": text}))],
        translator=translator,
        cause=Channel.COUNSELLOR,
        to=delivery.channel,
        address=address,
    )
    queued = services.deliveries.deliver(tx, letter)
    record_audit(
        tx.session,
        actor_kind="counsellor",
        actor_id=counsellor_id,
        action="counsellor_message",
        person_id=person.id,
        detail={"channel": str(delivery.channel), "length": len(text)},
        now=tx.now,
    )
    return Written(delivery.channel, queued)
