"""Where a person hears what the service says outside of their own turn.

A release, and later a counsellor's message or a reminder, is said wherever
the person can be reached: on Telegram once their phone is linked (through the
outbox, which the sender of `filrouge serve` empties), otherwise in the
transcript, which the kiosk shows at their next visit.
"""

from __future__ import annotations

from bot.services import Services
from bot.turn import Deliver
from storage.database import read_session
from storage.enums import Channel
from storage.persons import identities_of


def deliver_for(services: Services, person_id: int) -> Deliver | None:
    """The channel delivery for this person, or None to keep outputs in the transcript."""
    with read_session(services.engine) as session:
        phones = [i for i in identities_of(session, person_id) if i.channel == Channel.TELEGRAM]
    if not phones or not phones[-1].external_id.lstrip("-").isdigit():
        return None
    # Writing outbox rows needs no aiogram: only rendering and storage.
    from bot.telegram.deliver import OutboxDeliver

    return OutboxDeliver(int(phones[-1].external_id), services.clock)
