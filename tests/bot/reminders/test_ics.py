"""The "add to my calendar" file: read back by icalendar, at the right Paris wall time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar, Event, Timezone

from bot.i18n import Catalogs
from bot.reminders.ics import appointment_ics
from bot.settings import LOCALES_DIR
from dialogs.appointments import card
from dialogs.outputs import Appointment

CATALOGS = Catalogs.load(LOCALES_DIR)
ZONE = ZoneInfo("Europe/Paris")
STAMP = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


def paris(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=ZONE)


def convocation(start: str) -> Appointment:
    return card(
        "42",
        "spip",
        paris(start),
        place="SPIP d'Arras",
        address="12 rue de la Gare, 62000 Arras",
        with_whom="Votre CPIP",
        bring="La convocation",
    )


def read_back(data: bytes) -> tuple[Event, Timezone]:
    calendar = Calendar.from_ical(data)
    assert isinstance(calendar, Calendar)
    events = calendar.walk("VEVENT")
    zones = calendar.walk("VTIMEZONE")
    assert len(events) == 1
    assert len(zones) == 1
    event, zone = events[0], zones[0]
    assert isinstance(event, Event)
    assert isinstance(zone, Timezone)
    return event, zone


# Around the last Sundays of March and October 2026 and 2027.
@pytest.mark.parametrize(
    ("start", "wall", "utc"),
    [
        ("2026-12-03 14:30", "20261203T143000", "2026-12-03 13:30"),
        ("2026-03-28 10:00", "20260328T100000", "2026-03-28 09:00"),  # the Saturday before
        ("2026-03-30 10:00", "20260330T100000", "2026-03-30 08:00"),  # the Monday after
        ("2026-10-24 10:00", "20261024T100000", "2026-10-24 08:00"),
        ("2026-10-26 10:00", "20261026T100000", "2026-10-26 09:00"),
        ("2027-03-28 10:00", "20270328T100000", "2027-03-28 08:00"),  # the day itself
        ("2027-10-31 10:00", "20271031T100000", "2027-10-31 09:00"),  # the day itself
    ],
)
def test_the_event_starts_at_the_paris_wall_time_with_its_time_zone(
    start: str, wall: str, utc: str
) -> None:
    event, zone = read_back(appointment_ics(convocation(start), CATALOGS.get("fr"), stamp=STAMP))
    assert event["DTSTART"].params["TZID"] == "Europe/Paris"
    written = event["DTSTART"].to_ical()
    assert (written.decode() if isinstance(written, bytes) else written) == wall
    assert zone["TZID"] == "Europe/Paris"
    # The VTIMEZONE in the file, not the reader's own zoneinfo, places it in UTC.
    own = zone.to_tz(lookup_tzid=False)
    naive = datetime.strptime(wall, "%Y%m%dT%H%M%S")  # noqa: DTZ007 (a wall time, zoned below)
    assert naive.replace(tzinfo=own).astimezone(UTC).strftime("%Y-%m-%d %H:%M") == utc
    assert event.decoded("DTSTART") == paris(start)


def test_the_uid_is_the_same_for_every_file_of_one_appointment() -> None:
    first, _ = read_back(
        appointment_ics(convocation("2026-12-03 14:30"), CATALOGS.get("fr"), stamp=STAMP)
    )
    moved, _ = read_back(
        appointment_ics(
            convocation("2026-12-10 09:00"),
            CATALOGS.get("fr"),
            stamp=STAMP + timedelta(days=2),
            sequence=1,
        )
    )
    other = card("43", "spip", paris("2026-12-03 14:30"))
    third, _ = read_back(appointment_ics(other, CATALOGS.get("fr"), stamp=STAMP))
    assert str(first["UID"]) == str(moved["UID"])
    assert str(first["UID"]) != str(third["UID"])
    assert (first.decoded("SEQUENCE"), moved.decoded("SEQUENCE")) == (0, 1)


@pytest.mark.parametrize(
    ("language", "summary", "description"),
    [
        ("fr", "Convocation au SPIP", "Avec : Votre CPIP\nÀ apporter : La convocation"),
        (
            "en",
            "Appointment at the SPIP (probation service)",
            "With: Votre CPIP\nBring: La convocation",
        ),
        (
            "ro",
            "Convocare la SPIP (serviciul de probațiune)",
            "Cu: Votre CPIP\nAduceți: La convocation",
        ),
    ],
)
def test_the_event_is_written_in_the_persons_language(
    language: str, summary: str, description: str
) -> None:
    event, _ = read_back(
        appointment_ics(convocation("2026-12-03 14:30"), CATALOGS.get(language), stamp=STAMP)
    )
    assert str(event["SUMMARY"]) == summary
    assert str(event["LOCATION"]) == "SPIP d'Arras, 12 rue de la Gare, 62000 Arras"
    assert str(event["DESCRIPTION"]) == description


def test_the_event_lasts_its_duration_or_one_hour() -> None:
    known, _ = read_back(
        appointment_ics(
            convocation("2026-12-03 14:30"),
            CATALOGS.get("fr"),
            stamp=STAMP,
            duration=timedelta(minutes=45),
        )
    )
    unknown, _ = read_back(
        appointment_ics(convocation("2026-12-03 14:30"), CATALOGS.get("fr"), stamp=STAMP)
    )
    assert known.decoded("DTEND") == paris("2026-12-03 15:15")
    assert unknown.decoded("DTEND") == paris("2026-12-03 15:30")


def test_an_appointment_with_nothing_but_a_time_still_makes_a_valid_event() -> None:
    event, _ = read_back(
        appointment_ics(
            card("9", "other", paris("2026-12-03 14:30")), CATALOGS.get("fr"), stamp=STAMP
        )
    )
    assert str(event["SUMMARY"]) == "Rendez-vous"
    assert "LOCATION" not in event
    assert "DESCRIPTION" not in event
    assert event.decoded("DTSTAMP") == STAMP
