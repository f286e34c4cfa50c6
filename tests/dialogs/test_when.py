"""Typing the day and time of an appointment, in the ways people write it in French.

Seen from Tuesday 24 November 2026, 10:00 in Paris.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from dialogs.when import REFUSALS, Refusal, When, read_when, when_at

PARIS = "Europe/Paris"
NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)  # Tuesday, 10:00 in Paris


def read(text: str, now: datetime = NOW) -> When | Refusal:
    return read_when(text, now, PARIS)


def moment(found: When | Refusal) -> datetime:
    """The moment found, in Paris time."""
    assert isinstance(found, When), found
    assert found.at is not None
    assert found.at.tzinfo == ZoneInfo(PARIS)
    return found.at


def local(found: When | Refusal) -> str:
    return moment(found).strftime("%a %Y-%m-%d %H:%M")


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("mardi 14h", "Tue 2026-12-01 14:00"),
        ("Mardi 14H", "Tue 2026-12-01 14:00"),
        ("mardi prochain à 14h", "Tue 2026-12-01 14:00"),
        ("3/12 à 9h30", "Thu 2026-12-03 09:30"),
        ("03/12 9:30", "Thu 2026-12-03 09:30"),
        ("le 3 décembre à 14 h 30", "Thu 2026-12-03 14:30"),
        ("3 decembre 14h30", "Thu 2026-12-03 14:30"),
        ("3 déc. 14h30", "Thu 2026-12-03 14:30"),
        ("jeudi 3 décembre 2026 à 14\u202fh\u202f30", "Thu 2026-12-03 14:30"),
        ("lundi prochain 10h", "Mon 2026-11-30 10:00"),
        ("lundi 10h", "Mon 2026-11-30 10:00"),
        ("lundi, 10h", "Mon 2026-11-30 10:00"),
        ("ce lundi à 10 heures", "Mon 2026-11-30 10:00"),
        ("samedi 9 h", "Sat 2026-11-28 09:00"),
        ("après-demain 16h", "Thu 2026-11-26 16:00"),
        ("apres demain a 16 heures", "Thu 2026-11-26 16:00"),
        ("14/03/2027 8h", "Sun 2027-03-14 08:00"),
        ("14-03-27 8h", "Sun 2027-03-14 08:00"),
        ("14.03.2027 à 8h00", "Sun 2027-03-14 08:00"),
        ("2027-03-14 08:00", "Sun 2027-03-14 08:00"),
        ("1er mars 2027 à 14h", "Mon 2027-03-01 14:00"),
        ("3 février à 9h", "Wed 2027-02-03 09:00"),
        ("dans 3 jours à 11h", "Fri 2026-11-27 11:00"),
        ("dans trois jours 11h", "Fri 2026-11-27 11:00"),
        ("dans une semaine à 10h", "Tue 2026-12-01 10:00"),
        ("dans 2 semaines 9h", "Tue 2026-12-08 09:00"),
        ("dans un mois 9h", "Thu 2026-12-24 09:00"),
        ("aujourd'hui 15h", "Tue 2026-11-24 15:00"),
        ("aujourd’hui à 15h", "Tue 2026-11-24 15:00"),
        ("auj 15h", "Tue 2026-11-24 15:00"),
        ("ce soir 18h", "Tue 2026-11-24 18:00"),
        ("DEMAIN, 14H", "Wed 2026-11-25 14:00"),
        ("vers 14h demain", "Wed 2026-11-25 14:00"),
        ("demain 8h du soir", "Wed 2026-11-25 20:00"),
        ("jeudi 2h de l'après-midi", "Thu 2026-11-26 14:00"),
        ("vendredi soir 7h", "Fri 2026-11-27 19:00"),
        ("demain midi", "Wed 2026-11-25 12:00"),
        ("demain midi et demie", "Wed 2026-11-25 12:30"),
        ("jeudi 8h et quart", "Thu 2026-11-26 08:15"),
        ("jeudi en huit 9h", "Thu 2026-12-03 09:00"),
        ("mercredi 2 décembre à 14h", "Wed 2026-12-02 14:00"),
        ("le mardi 1er décembre à 9h", "Tue 2026-12-01 09:00"),
        ("le 15 à 10h", "Tue 2026-12-15 10:00"),
        ("le 30 à 10h", "Mon 2026-11-30 10:00"),
        ("24/11 à 18h", "Tue 2026-11-24 18:00"),
        ("24/11/2028 9h", "Fri 2028-11-24 09:00"),
    ],
)
def test_a_typed_day_and_time_is_read_as_the_moment_meant(typed: str, meant: str) -> None:
    found = read(typed)
    assert local(found) == meant
    assert not getattr(found, "time_guessed", True)


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("demain matin", "Wed 2026-11-25 09:00"),
        ("demain dans la matinée", "Wed 2026-11-25 09:00"),
        ("demain après-midi", "Wed 2026-11-25 14:00"),
        ("demain aprem", "Wed 2026-11-25 14:00"),
        ("demain soir", "Wed 2026-11-25 18:00"),
        ("cet après-midi", "Tue 2026-11-24 14:00"),
        ("ce soir", "Tue 2026-11-24 18:00"),
        ("dimanche matin", "Sun 2026-11-29 09:00"),
        ("3/12 en soirée", "Thu 2026-12-03 18:00"),
    ],
)
def test_a_part_of_the_day_gives_its_default_hour_marked_as_a_guess(typed: str, meant: str) -> None:
    found = read(typed)
    assert local(found) == meant
    assert getattr(found, "time_guessed", False)


@pytest.mark.parametrize(
    ("typed", "day"),
    [
        ("jeudi", date(2026, 11, 26)),
        ("mardi", date(2026, 12, 1)),
        ("demain", date(2026, 11, 25)),
        ("3/12", date(2026, 12, 3)),
        ("le 15", date(2026, 12, 15)),
        ("aujourd'hui", date(2026, 11, 24)),
    ],
)
def test_a_day_without_a_time_leaves_the_time_to_ask(typed: str, day: date) -> None:
    assert read(typed) == When(day, None)


def test_the_time_asked_afterwards_completes_the_day() -> None:
    found = read("jeudi")
    assert isinstance(found, When)
    assert local(when_at(found.day, time(14, 30), NOW, PARIS)) == "Thu 2026-11-26 14:30"


def test_today_and_tomorrow_are_those_of_paris_not_of_utc() -> None:
    late_evening = datetime(2026, 11, 24, 23, 30, tzinfo=UTC)  # already Wednesday in Paris
    assert local(read("demain 9h", late_evening)) == "Thu 2026-11-26 09:00"


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("", "unreadable"),
        ("bientôt", "unreadable"),
        ("la semaine prochaine", "unreadable"),
        ("dans 2 heures", "unreadable"),
        ("demain demain 14h", "unreadable"),
        ("demain 14h 15h", "unreadable"),
        ("demain matin 15h", "unreadable"),
        ("jeudi 14h30 et demie", "unreadable"),
        ("jeudi 14h3", "unreadable"),
        ("14h", "no_day"),
        ("à 9h30", "no_day"),
        ("le matin", "no_day"),
        ("31/02 à 9h", "impossible_date"),
        ("32/01", "impossible_date"),
        ("14/13/2027 9h", "impossible_date"),
        ("demain 25h", "impossible_time"),
        ("demain 14h60", "impossible_time"),
        ("mardi 3 décembre 14h", "wrong_weekday"),
        ("demain mardi 14h", "wrong_weekday"),
        ("24/11 à 9h", "past"),
        ("ce matin", "past"),
        ("23/11/2026 15h", "past"),
        ("23/11/2026", "past"),
        ("25/11/2028 10h", "too_far"),
        ("dans 25 mois 9h", "too_far"),
        ("3/12/2030", "too_far"),
    ],
)
def test_what_cannot_be_an_appointment_is_refused_with_its_reason(typed: str, reason: str) -> None:
    assert read(typed) == Refusal(reason)  # type: ignore[arg-type]


def test_every_refusal_gives_an_example_or_what_to_check() -> None:
    for reason, message in REFUSALS.items():
        assert Refusal(reason).message == message
        assert "par exemple" in message or "Vérifiez" in message, reason


@pytest.mark.parametrize(
    "typed", ["28/03/2027 2h30", "dimanche 28 mars 2027 à 2h", "29/03/2026 2h59"]
)
def test_a_time_skipped_by_the_spring_clock_change_is_refused(typed: str) -> None:
    early_2026 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
    assert read(typed, early_2026) == Refusal("skipped_hour")


def test_the_hour_after_the_spring_change_exists() -> None:
    assert moment(read("28/03/2027 3h")).astimezone(UTC) == datetime(2027, 3, 28, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    ("typed", "utc_hour"),
    [("31/10/2027 2h30", 0), ("dimanche 25 octobre 2026 2h", 0)],
)
def test_a_time_that_happens_twice_in_october_is_the_first_one(typed: str, utc_hour: int) -> None:
    early_2026 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
    found = read(typed, early_2026)
    assert getattr(found, "repeated_hour", False)
    assert moment(found).utcoffset() == timedelta(hours=2)  # still summer time
    assert moment(found).astimezone(UTC).hour == utc_hour


def test_the_hour_after_the_october_change_happens_once() -> None:
    found = read("31/10/2027 3h")
    assert not getattr(found, "repeated_hour", True)
    assert moment(found).astimezone(UTC).hour == 2
