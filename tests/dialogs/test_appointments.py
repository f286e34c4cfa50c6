"""An appointment card: what the person is shown, and the two answers it offers."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from dialogs.appointments import KINDS, answer_value, card, read_answer
from dialogs.outputs import Appointment, Output

START = datetime(2026, 12, 3, 14, 30, tzinfo=ZoneInfo("Europe/Paris"))


def test_a_reminder_card_offers_i_will_come_and_i_cannot_come() -> None:
    shown = card("42", "spip", START, place="SPIP d'Arras", bring="Votre convocation")
    assert [(b.label.msgid, b.value) for b in shown.buttons] == [
        ("J'y serai", "appt:42:yes"),
        ("Je ne peux pas venir", "appt:42:no"),
    ]
    assert shown.heading.msgid == "Rappel : {what}"
    assert shown.what.msgid == "Convocation au SPIP"
    assert (shown.place, shown.bring) == ("SPIP d'Arras", "Votre convocation")


def test_the_card_holds_the_start_in_utc() -> None:
    assert card("42", "health", START).start == datetime(2026, 12, 3, 13, 30, tzinfo=UTC)


def test_a_cancelled_appointment_has_nothing_to_answer() -> None:
    shown = card("42", "health", START, heading="cancelled")
    assert shown.heading.msgid == "Rendez-vous annulé : {what}"
    assert shown.buttons == ()


def test_a_naive_start_is_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        card("42", "health", datetime(2026, 12, 3, 14, 30))  # noqa: DTZ001


def test_every_kind_has_its_own_name() -> None:
    assert len(set(KINDS.values())) == len(KINDS)


def test_the_card_is_an_output_of_its_own_kind() -> None:
    output: Output = card("42", "other", START)
    assert isinstance(output, Appointment)
    assert output.kind == "appointment"


@pytest.mark.parametrize(
    ("value", "meant"),
    [
        ("appt:42:yes", ("42", "yes")),
        ("appt:7f3a:no", ("7f3a", "no")),
        ("appt:42:maybe", None),
        ("appt::yes", None),
        ("menu", None),
        ("opt:appt:yes", None),
    ],
)
def test_a_pressed_button_is_read_back_as_an_answer_to_an_appointment(
    value: str, meant: tuple[str, str] | None
) -> None:
    assert read_answer(value) == meant


def test_an_answer_value_round_trips_and_refuses_an_ambiguous_id() -> None:
    assert read_answer(answer_value("abc", "no")) == ("abc", "no")
    with pytest.raises(ValueError, match="':'"):
        answer_value("a:b", "yes")
