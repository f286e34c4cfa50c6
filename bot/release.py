"""Marking a person released: the moment the conversation moves outside.

Release is a system event: no channel carried it. It is recorded on the person
(``released_at``) and told to the conversation as a ``System("released")``
turn on channel ``system``, so the kiosk says goodbye and the flows switch to
their "outside" wording.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.outbound import deliver_for
from bot.services import Services
from bot.turn import Inbound, run_turn
from dialogs.events import System
from dialogs.outputs import Output
from storage.audit import record_audit
from storage.database import write_transaction
from storage.enums import Channel
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


def release(
    services: Services, person_id: int, *, actor_kind: str = "system", actor_id: str | None = None
) -> Released:
    """Mark the person released and tell their conversation; safe to run twice.

    Raises :class:`storage.errors.NotFound` if there is no such person. A crash
    between the two steps is repaired by running it again.
    """
    now = services.clock.now()
    with services.locks.hold(person_id), write_transaction(services.engine) as session:
        person, newly = mark_released(session, person_id, now)
        released_at = person.released_at or now
        if newly:
            record_audit(
                session,
                actor_kind=actor_kind,
                actor_id=actor_id,
                action="person_released",
                person_id=person_id,
                now=now,
            )
    inbound = Inbound(person_id, Channel.SYSTEM, System("released"), RELEASED_INBOUND_ID)
    result = run_turn(services, inbound, deliver_for(services, person_id))
    return Released(person_id, released_at, newly, result.outputs)
