"""What a reminder says, in French, English, Arabic and Romanian, true when it is sent."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.i18n import Catalogs
from bot.reminders.wording import card_text, moment, relative
from bot.settings import LOCALES_DIR
from dialogs.appointments import card

CATALOGS = Catalogs.load(LOCALES_DIR)
ZONE = ZoneInfo("Europe/Paris")
START = datetime(2026, 12, 3, 14, 30, tzinfo=ZONE)  # a Thursday


def paris(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=ZONE)


CONVOCATION = card(
    "42",
    "spip",
    START,
    place="SPIP d'Arras",
    address="12 rue de la Gare, 62000 Arras",
    directions="Bus 1, arrêt Gare",
    with_whom="Votre CPIP",
    bring="Votre pièce d'identité et la convocation",
)


def test_a_convocation_reminder_says_what_when_where_with_whom_and_what_to_bring() -> None:
    text = card_text(CONVOCATION, CATALOGS.get("fr"), paris("2026-12-02 18:00"))
    assert text.splitlines() == [
        "Rappel : Convocation au SPIP",
        "Demain à 14 h 30",
        "jeudi 3 décembre à 14 h 30",
        "Où : SPIP d'Arras, 12 rue de la Gare, 62000 Arras",
        "Comment y aller : Bus 1, arrêt Gare",
        "Avec : Votre CPIP",
        "À apporter : Votre pièce d'identité et la convocation",
    ]


@pytest.mark.parametrize(
    ("language", "lines"),
    [
        (
            "en",
            [
                "Reminder: Appointment at the SPIP (probation service)",
                "In 7 days",
                "Thursday 3 December at 14:30",
            ],
        ),
        (
            "ar",
            [
                "تذكير: استدعاء إلى مصلحة الإدماج والمراقبة (SPIP)",
                "بعد 7 أيام",
                "الخميس 3 ديسمبر، الساعة 14:30",
            ],
        ),
        (
            "ro",
            [
                "Memento: Convocare la SPIP (serviciul de probațiune)",
                "Peste 7 zile",
                "joi 3 decembrie, ora 14:30",
            ],
        ),
        ("fr", ["Rappel : Convocation au SPIP", "Dans 7 jours", "jeudi 3 décembre à 14 h 30"]),
    ],
)
def test_the_reminder_is_written_in_the_persons_language(language: str, lines: list[str]) -> None:
    text = card_text(CONVOCATION, CATALOGS.get(language), paris("2026-11-26 14:30"))
    assert text.splitlines()[:3] == lines


def test_what_is_not_known_is_not_shown() -> None:
    bare = card("7", "health", START)
    text = card_text(bare, CATALOGS.get("fr"), paris("2026-12-01 14:30"))
    assert text.splitlines() == [
        "Rappel : Rendez-vous de santé",
        "Dans 2 jours",
        "jeudi 3 décembre à 14 h 30",
    ]


@pytest.mark.parametrize(
    ("now", "said"),
    [
        ("2026-11-26 14:30", "Dans 7 jours"),
        ("2026-12-01 09:00", "Dans 2 jours"),
        ("2026-12-02 18:00", "Demain à 14 h 30"),
        ("2026-12-02 23:59", "Demain à 14 h 30"),
        ("2026-12-03 00:01", "Aujourd'hui à 14 h 30"),  # the J-1 reminder, sent late
        ("2026-12-03 08:00", "Aujourd'hui à 14 h 30"),
        ("2026-12-03 13:00", "Aujourd'hui à 14 h 30"),  # 1 h 30: not rounded to 2 hours
        ("2026-12-03 12:30", "Dans 2 heures"),
        ("2026-12-03 12:34", "Dans 2 heures"),
        ("2026-12-03 13:30", "Dans 1 heure"),
        ("2026-12-03 13:50", "Dans 40 minutes"),
        ("2026-12-03 14:29", "Dans 1 minute"),
        ("2026-12-03 14:30", "L'heure de ce rendez-vous est passée."),
    ],
)
def test_the_relative_time_is_true_at_the_moment_it_is_sent(now: str, said: str) -> None:
    assert relative(START, CATALOGS.get("fr"), paris(now)) == said


@pytest.mark.parametrize(
    ("language", "days", "said"),
    [
        ("fr", 2, "Dans 2 jours"),
        ("en", 2, "In 2 days"),
        ("ar", 2, "بعد 2 يومين"),
        ("ar", 3, "بعد 3 أيام"),
        ("ar", 11, "بعد 11 يومًا"),
        ("ar", 100, "بعد 100 يوم"),
        ("ro", 2, "Peste 2 zile"),
        ("ro", 20, "Peste 20 de zile"),
    ],
)
def test_days_take_the_plural_form_of_each_language(language: str, days: int, said: str) -> None:
    now = START - timedelta(days=days)
    assert relative(START, CATALOGS.get(language), now) == said


@pytest.mark.parametrize(
    ("language", "minutes", "said"),
    [
        ("fr", 1, "Dans 1 minute"),
        ("fr", 45, "Dans 45 minutes"),
        ("en", 1, "In 1 minute"),
        ("ar", 1, "بعد 1 دقيقة"),
        ("ar", 10, "بعد 10 دقائق"),
        ("ro", 1, "Peste 1 minut"),
        ("ro", 45, "Peste 45 de minute"),
        ("ro", 120, "Peste 2 ore"),
        ("ar", 120, "بعد 2 ساعتين"),
        ("en", 60, "In 1 hour"),
    ],
)
def test_minutes_and_hours_take_the_plural_form_of_each_language(
    language: str, minutes: int, said: str
) -> None:
    now = START - timedelta(minutes=minutes)
    assert relative(START, CATALOGS.get(language), now) == said


@pytest.mark.parametrize(
    ("start", "said"),
    [
        ("2026-06-30 09:05", "mardi 30 juin à 9 h 05"),  # summer time
        ("2026-12-29 09:05", "mardi 29 décembre à 9 h 05"),  # winter time
        ("2026-10-25 14:00", "dimanche 25 octobre à 14 h 00"),  # the day of the change
        ("2027-01-05 10:00", "mardi 5 janvier 2027 à 10 h 00"),  # next year: the year is said
    ],
)
def test_the_day_and_time_are_paris_wall_clock_time(start: str, said: str) -> None:
    as_stored = paris(start).astimezone(ZoneInfo("UTC"))
    assert moment(as_stored, CATALOGS.get("fr"), paris("2026-06-01 10:00")) == said


def test_a_moved_appointment_says_so() -> None:
    moved = card("42", "jap", START, heading="moved")
    text = card_text(moved, CATALOGS.get("en"), paris("2026-11-20 10:00"))
    assert text.splitlines()[0] == "Appointment moved: Hearing with the judge (JAP)"
