"""The reminder worker: due rows become the person's messages once, checked at fire time.

The clock is moved, never slept on: each test sets the Paris time and runs the
rounds due now (`ReminderWorker.run_due`), as `filrouge serve` does every second.
Démo A is inside (the kiosk) unless a phone is linked; it is Tuesday 1 December
2026, 10:00 in Paris.
"""

from __future__ import annotations

import threading

import pytest

from bot import appointments
from bot.flags import list_flags
from bot.release import release
from bot.reminders.fire import fire
from bot.turn import Inbound, run_turn
from dialogs.events import Pressed, System
from storage.enums import AppointmentStatus, Channel, FlagReason
from storage.reminders import claim_due, finish, reminders_of
from tests.bot.reminders.scene import PHONE, Scene, paris


def outcomes(scene: Scene, appointment_id: int) -> list[tuple[str, str | None, str]]:
    with scene.services.read() as tx:
        rows = reminders_of(tx.session, appointment_id)
    return [(r.label, r.outcome.value if r.outcome else None, r.detail) for r in rows]


def press(scene: Scene, value: str, inbound_id: str) -> None:
    run_turn(scene.services, Inbound(scene.person_id, Channel.KIOSK, Pressed(0, value), inbound_id))


def test_a_reminder_waits_at_the_kiosk_with_what_when_where_and_its_two_answers(
    scene: Scene,
) -> None:
    made = scene.add("spip", "2026-12-03 14:30", place="SPIP d'Arras", bring="La convocation")
    [notice] = scene.said()
    assert notice.text.startswith("Nouveau rendez-vous : Convocation au SPIP\n")

    scene.at("2026-12-02 17:59")
    assert scene.run().sent == 0
    scene.at("2026-12-02 18:00")
    assert scene.run().sent == 1

    reminder = scene.said()[-1]
    assert reminder.text.splitlines() == [
        "Rappel : Convocation au SPIP",
        "jeudi 3 décembre à 14 h 30",
        "Où : SPIP d'Arras",
        "À apporter : La convocation",
    ]
    assert [b["value"] for b in reminder.payload["buttons"]] == [
        f"appt:{made.id}:yes",
        f"appt:{made.id}:no",
    ]
    assert scene.run().sent == 0  # sent once
    assert outcomes(scene, made.id)[0] == ("J-1", "sent", "kiosk")


def test_on_a_linked_phone_the_reminder_is_an_outbox_message_with_three_buttons(
    scene: Scene,
) -> None:
    scene.link_phone()
    made = scene.add("health", "2026-12-04 09:30", place="Cabinet médical")
    scene.outbox()  # the notice of the new appointment
    scene.at("2026-12-02 09:30")

    assert scene.run().sent == 1
    [row] = scene.outbox()
    assert (row.method, row.chat_id, row.person_id) == ("sendMessage", PHONE, scene.person_id)
    lines = row.payload["text"].splitlines()
    assert lines[:3] == [
        "Rappel : Rendez-vous de santé",
        "Dans 2 jours",
        "vendredi 4 décembre à 9 h 30",
    ]
    keys = [k[0] for k in row.payload["reply_markup"]["inline_keyboard"]]
    assert [(k["text"], k["callback_data"]) for k in keys] == [
        ("J'y serai", f"v1:0:appt:{made.id}:yes"),
        ("Je ne peux pas venir", f"v1:0:appt:{made.id}:no"),
        ("Ajouter à mon agenda", f"v1:0:appt:{made.id}:ics"),
    ]


def test_after_downtime_a_useful_reminder_goes_with_true_words_and_an_old_one_is_dropped(
    scene: Scene,
) -> None:
    scene.link_phone()
    made = scene.add("health", "2026-12-04 14:30")  # J-2 Wednesday 14:30, H-2 Friday 12:30
    scene.outbox()

    scene.at("2026-12-03 11:00")  # down for almost a day: J-2 is still useful
    assert scene.run().sent == 1
    [row] = scene.outbox()
    assert row.payload["text"].splitlines()[1] == "Demain à 14 h 30"  # not "Dans 2 jours"

    scene.at("2026-12-04 13:50")  # H-2 came due at 12:30 and nobody sent it: 80 minutes late
    assert scene.run().sent == 1
    assert scene.outbox()[0].payload["text"].splitlines()[1] == "Dans 40 minutes"

    late = scene.add("health", "2026-12-10 14:30")
    scene.at("2026-12-09 15:00")  # J-2 (8 Dec, 14:30) is 24 h 30 late: dropped, logged
    assert scene.run().dropped == 1
    assert outcomes(scene, late.id)[0] == ("J-2", "dropped", "too_late")
    assert outcomes(scene, made.id)[:2] == [
        ("J-2", "sent", "telegram"),
        ("H-2", "sent", "telegram"),
    ]


def test_a_reminder_due_at_night_waits_for_eight_in_the_morning(scene: Scene) -> None:
    made = scene.add("spip", "2026-12-10 14:30")  # J-7: Thursday 3 December 14:30
    scene.at("2026-12-04 02:00")  # the server was off until the night after
    assert scene.run().waiting == 1
    scene.at("2026-12-04 07:59")
    assert scene.run().sent == 0
    scene.at("2026-12-04 08:00")
    assert scene.run().sent == 1
    assert outcomes(scene, made.id)[0] == ("J-7", "sent", "kiosk")


def test_a_cancelled_appointment_says_so_and_its_reminders_never_go(scene: Scene) -> None:
    made = scene.add("spip", "2026-12-03 14:30")
    appointments.cancel(scene.services, made.id, by="cpip.demo", note="juge absent")

    assert scene.said()[-1].text.startswith("Rendez-vous annulé : Convocation au SPIP\n")
    assert "buttons" not in scene.said()[-1].payload or not scene.said()[-1].payload["buttons"]
    scene.at("2026-12-04 12:00")
    assert scene.run().sent == 0
    assert {outcome for _label, outcome, _why in outcomes(scene, made.id)} == {"cancelled"}
    history = appointments.get(scene.services, made.id).changes
    assert (history[-1].status, history[-1].note) == (AppointmentStatus.CANCELLED, "juge absent")


def test_a_moved_appointment_is_reminded_at_its_new_time_only(scene: Scene) -> None:
    made = scene.add("health", "2026-12-04 14:30")
    moved = appointments.move(scene.services, made.id, paris("2026-12-08 10:00"), by="cpip.demo")

    assert scene.said()[-1].text.startswith("Rendez-vous déplacé : Rendez-vous de santé\n")
    assert "mardi 8 décembre à 10 h 00" in scene.said()[-1].text
    scene.at("2026-12-02 14:30")  # the old J-2
    assert scene.run().sent == 0
    scene.at("2026-12-06 10:00")  # the new J-2
    assert scene.run().sent == 1
    assert moved.sequence == 1
    assert next(o for o in outcomes(scene, made.id) if o[1] != "cancelled") == (
        "J-2",
        "sent",
        "kiosk",
    )


def test_after_i_cannot_come_the_reminders_stop_and_once_confirmed_only_that_answer_stays(
    scene: Scene,
) -> None:
    no = scene.add("spip", "2026-12-10 14:30")
    yes = scene.add("health", "2026-12-11 14:30")
    run_turn(scene.services, Inbound(scene.person_id, Channel.KIOSK, System("start"), "login:1"))
    press(scene, f"appt:{no.id}:no", "m-1")
    press(scene, f"appt:{yes.id}:yes", "m-2")

    scene.at("2026-12-09 14:30")
    done = scene.run()
    assert (done.sent, done.dropped) == (1, 1)  # J-2 of the health one; J-7 of the convocation
    [card] = [e for e in scene.said() if e.text.startswith("Rappel")]
    assert [b["value"] for b in card.payload["buttons"]] == [f"appt:{yes.id}:no"]
    assert outcomes(scene, no.id)[0] == ("J-7", "dropped", "cannot_come")


def test_the_day_after_an_appointment_not_marked_done_the_person_is_asked_and_a_counsellor_told(
    scene: Scene,
) -> None:
    made = scene.add("jap", "2026-12-02 11:00")
    done = scene.add("health", "2026-12-02 15:00")
    appointments.mark_done(scene.services, done.id, by="cpip.demo")

    scene.at("2026-12-03 10:59")
    scene.run()
    assert not [e for e in scene.said() if e.text.startswith("Ce rendez-vous est passé")]
    scene.at("2026-12-03 15:30")
    scene.run()

    [asked] = [e for e in scene.said() if e.text.startswith("Ce rendez-vous est passé")]
    assert asked.text.startswith("Ce rendez-vous est passé : Convocation chez le juge (JAP)\n")
    assert [b["value"] for b in asked.payload["buttons"]] == [
        f"appt:{made.id}:went",
        f"appt:{made.id}:missed",
    ]
    [flag] = list_flags(scene.services, open_only=True)
    assert (flag.reason, flag.appointment_id) == (FlagReason.MISSED, made.id)
    assert outcomes(scene, done.id)[-1] == ("follow-up", "dropped", "done")


def test_released_without_a_phone_the_reminder_waits_at_the_kiosk_and_a_counsellor_is_told(
    scene: Scene,
) -> None:
    release(scene.services, scene.person_id)
    made = scene.add("spip", "2026-12-03 14:30")
    scene.at("2026-12-02 18:00")
    scene.run()
    scene.at("2026-12-03 12:30")
    scene.run()

    assert [o[:2] for o in outcomes(scene, made.id)[:2]] == [("J-1", "sent"), ("H-2", "sent")]
    [flag] = list_flags(scene.services, open_only=True)
    assert (flag.reason, flag.times) == (FlagReason.UNREACHABLE, 2)
    assert "no phone linked" in flag.detail["why"]


def test_a_convocation_is_reminded_at_paris_wall_time_across_the_march_change(
    scene: Scene,
) -> None:
    # Clocks go forward on Sunday 28 March 2027: J-7 is in winter time, J-1 and H-2 in summer.
    scene.at("2027-03-01 10:00")
    made = scene.add("spip", "2027-03-30 10:00")
    with scene.services.read() as tx:
        due = [(r.label, r.due_at.isoformat()) for r in reminders_of(tx.session, made.id)]
    assert due == [
        ("J-7", "2027-03-23T09:00:00+00:00"),  # 10:00 in Paris, UTC+1
        ("J-1", "2027-03-29T16:00:00+00:00"),  # 18:00 in Paris, UTC+2
        ("H-2", "2027-03-30T06:00:00+00:00"),  # 08:00 in Paris
        ("follow-up", "2027-03-31T08:00:00+00:00"),  # the next day at 10:00
    ]
    for moment, sent in [
        ("2027-03-23 09:59", 0),
        ("2027-03-23 10:00", 1),  # J-7
        ("2027-03-29 17:59", 0),
        ("2027-03-29 18:00", 1),  # J-1
        ("2027-03-30 08:00", 1),  # H-2
    ]:
        scene.at(moment)
        assert scene.run().sent == sent, moment


def test_a_convocation_is_reminded_at_paris_wall_time_across_the_october_change(
    scene: Scene,
) -> None:
    # Clocks go back on Sunday 31 October 2027, 3:00 to 2:00.
    scene.at("2027-10-01 10:00")
    made = scene.add("spip", "2027-11-01 10:00")
    with scene.services.read() as tx:
        due = [(r.label, r.due_at.isoformat()) for r in reminders_of(tx.session, made.id)]
    assert due == [
        ("J-7", "2027-10-25T08:00:00+00:00"),  # 10:00 in Paris, UTC+2
        ("J-1", "2027-10-31T17:00:00+00:00"),  # 18:00 in Paris, UTC+1
        ("H-2", "2027-11-01T07:00:00+00:00"),
        ("follow-up", "2027-11-02T09:00:00+00:00"),
    ]
    for moment, sent in [("2027-10-25 10:00", 1), ("2027-10-31 17:59", 0), ("2027-10-31 18:00", 1)]:
        scene.at(moment)
        assert scene.run().sent == sent, moment
    assert [e.text.splitlines()[1] for e in scene.said()[-2:]] == [
        "lundi 1 novembre à 10 h 00",
        "lundi 1 novembre à 10 h 00",
    ]


@pytest.mark.pg
def test_a_cancel_while_its_reminder_is_being_written_waits_and_comes_after_it(
    scene: Scene,
) -> None:
    if scene.services.engine.dialect.name != "postgresql":
        pytest.skip("SQLite has one writer at a time: the cancel waits its turn anyway")
    made = scene.add("spip", "2026-12-03 14:30")
    scene.at("2026-12-02 18:00")
    done: list[str] = []
    with scene.services.write() as tx:  # a worker's round, held open in the middle
        [due] = claim_due(tx.session, tx.now, 10)
        fired = fire(scene.services, tx, due)
        cancelling = threading.Thread(
            target=lambda: done.append(appointments.cancel(scene.services, made.id).status)
        )
        cancelling.start()
        cancelling.join(1.0)
        assert cancelling.is_alive(), "the cancel waits for the reminder being written"
        assert fired.ended is not None
        finish(tx.session, [fired.ended], tx.now)
    cancelling.join(30)
    assert done == [AppointmentStatus.CANCELLED]
    firsts = [e.text.splitlines()[0] for e in scene.said()]
    assert firsts[-2:] == [
        "Rappel : Convocation au SPIP",
        "Rendez-vous annulé : Convocation au SPIP",
    ]
