"""Marking a person released: the moment the conversation moves outside.

Release is a system event: no channel carried it. It is recorded on the person
(``released_at``) and told to the conversation as a ``System("released")`` turn
on channel ``system``, in the same transaction, so the flows switch to their
"outside" wording and the person hears it where they can be reached: on
Telegram once their phone is linked, otherwise at the kiosk.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.services import Services
from bot.turn import Inbound, retrying, take_turn
from dialogs.events import System
from dialogs.outputs import Output
from storage.audit import record_audit
from storage.enums import Channel
from storage.outbox import Queued
from storage.persons import mark_released

# The turn's inbound id: releasing twice tells the conversation once.
RELEASED_INBOUND_ID = "released"


@dataclass(frozen=True)
class Released:
    """What ``release`` did: ``newly`` is False when the person already was released."""

    person_id: int
    released_at: datetime
    newly: bool
    outputs: list[Output]
    queued: list[Queued]


def release(
    services: Services,
    person_id: int,
    *,
    actor_kind: str = "system",
    actor_id: str | None = None,
    send_at_once: bool = False,
) -> Released:
    """Mark the person released and tell their conversation; safe to run twice.

    Raises :class:`storage.errors.NotFound` if there is no such person.
    """

    def unit() -> Released:
        with services.write() as tx:
            person, newly = mark_released(tx.session, person_id, tx.now)
            released_at = person.released_at or tx.now
            if newly:
                record_audit(
                    tx.session,
                    actor_kind=actor_kind,
                    actor_id=actor_id,
                    action="person_released",
                    person_id=person_id,
                    now=tx.now,
                )
            inbound = Inbound(person_id, Channel.SYSTEM, System("released"), RELEASED_INBOUND_ID)
            turn = take_turn(services, tx, inbound, send_at_once=send_at_once)
        return Released(person_id, released_at, newly, turn.outputs, turn.queued)

    return retrying(unit)
