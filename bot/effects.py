"""What the engine asked the service to record, done in the turn's transaction.

The engine stays pure: it says what happened as outputs the channels do not
show (`dialogs.outputs.Effect`), and the turn hands them here before it commits,
so that what the person said and what it changed are saved together:

* `Handoff`: the person asked for a counsellor, or the safety net opened: an
  audit line and a flag (`bot.flags`);
* `AppointmentAnswer`: "J'y serai", "Je ne peux pas venir" (and why), "J'y
  étais", "Je n'y étais pas": the appointment's status, and a flag when the
  person cannot come or missed it (`bot.appointments.record_answer`);
* `AppointmentNoted`: an appointment the person typed in a guide: stored, "given
  by the person", with its reminders.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot import appointments, flags
from bot.services import Services
from bot.tx import Tx
from dialogs.appointments import is_kind
from dialogs.outputs import AppointmentAnswer, AppointmentNoted, Handoff, Output
from storage.appointments import Actor, Details
from storage.audit import record_audit
from storage.enums import Channel, Origin
from storage.models import Person


def apply(
    services: Services, tx: Tx, person_id: int, outputs: Sequence[Output], channel: Channel
) -> None:
    """Record every effect among `outputs` in the turn's transaction."""
    for output in outputs:
        if isinstance(output, Handoff):
            record_audit(
                tx.session,
                actor_kind="person",
                actor_id=str(person_id),
                action="counsellor_requested",
                person_id=person_id,
                detail={"where": output.reason, "channel": str(channel)},
                now=tx.now,
            )
            flags.from_handoff(tx, person_id, output, channel)
        elif isinstance(output, AppointmentAnswer):
            appointments.record_answer(tx, person_id, output)
        elif isinstance(output, AppointmentNoted):
            _noted(services, tx, person_id, output)


def _noted(services: Services, tx: Tx, person_id: int, noted: AppointmentNoted) -> None:
    person = tx.session.get(Person, person_id)
    if person is None or not is_kind(noted.what) or noted.start <= tx.now:
        return
    appointments.add_in(
        services,
        tx,
        person,
        noted.what,
        noted.start,
        Details(place=noted.place, address=noted.address),
        origin=Origin.PERSON,
        actor=Actor("person", str(person_id)),
    )
