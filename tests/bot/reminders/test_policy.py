"""When a person is reminded of an appointment: the policy, in Paris wall-clock time."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.reminders.policy import (
    LAST_CALL,
    MIN_GAP,
    Decision,
    Reminder,
    decide,
    follow_up_at,
    reminders,
    schedule,
    still_useful,
)
from dialogs.appointments import KINDS, AppointmentKind

PARIS = "Europe/Paris"
ZONE = ZoneInfo(PARIS)
OTHER_KINDS = [kind for kind in KINDS if kind not in ("spip", "jap")]


def paris(text: str) -> datetime:
    """An aware moment from a Paris wall time, "2026-12-03 14:30"."""
    return datetime.fromisoformat(text).replace(tzinfo=ZONE)


def seen(found: tuple[Reminder, ...]) -> list[tuple[str, str]]:
    """(label, Paris wall time) of each reminder, checking each is aware UTC."""
    assert all(reminder.at.tzinfo is UTC for reminder in found)
    return [(r.label, r.at.astimezone(ZONE).strftime("%a %Y-%m-%d %H:%M")) for r in found]


START = paris("2026-12-03 14:30")  # a Thursday
LONG_BEFORE = paris("2026-11-20 10:00")


@pytest.mark.parametrize("kind", ["spip", "jap"])
def test_a_justice_convocation_is_recalled_a_week_before_the_evening_before_and_two_hours_before(
    kind: AppointmentKind,
) -> None:
    assert seen(reminders(kind, START, LONG_BEFORE, PARIS)) == [
        ("J-7", "Thu 2026-11-26 14:30"),
        ("J-1", "Wed 2026-12-02 18:00"),
        ("H-2", "Thu 2026-12-03 12:30"),
    ]


@pytest.mark.parametrize("kind", OTHER_KINDS)
def test_other_appointments_are_recalled_two_days_and_two_hours_before(
    kind: AppointmentKind,
) -> None:
    assert seen(reminders(kind, START, LONG_BEFORE, PARIS)) == [
        ("J-2", "Tue 2026-12-01 14:30"),
        ("H-2", "Thu 2026-12-03 12:30"),
    ]


@pytest.mark.parametrize(
    ("now", "left"),
    [
        ("2026-12-02 19:00", ["H-2"]),
        ("2026-12-02 18:00", ["H-2"]),
        ("2026-12-02 17:59", ["J-1", "H-2"]),
        ("2026-12-03 13:00", []),
    ],
)
def test_no_reminder_is_planned_in_the_past(now: str, left: list[str]) -> None:
    assert [r.label for r in reminders("spip", START, paris(now), PARIS)] == left


def test_an_early_convocation_is_recalled_the_evening_before_once() -> None:
    # H-2 would be 06:30, and 08:00 is too late for an 08:30 convocation: 20:00 the
    # evening before, which makes the 18:00 reminder two hours earlier one too many.
    assert seen(reminders("spip", paris("2026-12-08 08:30"), LONG_BEFORE, PARIS)) == [
        ("J-7", "Tue 2026-12-01 08:30"),
        ("H-2", "Mon 2026-12-07 20:00"),
    ]


def test_a_reminder_due_before_eight_waits_for_eight_when_that_is_still_an_hour_ahead() -> None:
    assert seen(reminders("health", paris("2026-12-08 09:30"), LONG_BEFORE, PARIS)) == [
        ("J-2", "Sun 2026-12-06 09:30"),
        ("H-2", "Tue 2026-12-08 08:00"),
    ]


def test_a_reminder_due_late_in_the_evening_comes_at_eight_that_evening() -> None:
    assert seen(reminders("spip", paris("2026-12-09 00:30"), LONG_BEFORE, PARIS)) == [
        ("J-7", "Wed 2026-12-02 08:00"),
        ("H-2", "Tue 2026-12-08 20:00"),
    ]


@given(
    kind=st.sampled_from(list(KINDS)),
    start=st.datetimes(
        min_value=datetime(2026, 1, 1),  # noqa: DTZ001 (made aware by `timezones`)
        max_value=datetime(2028, 12, 31),  # noqa: DTZ001
        timezones=st.just(ZONE),
    ),
)
def test_no_reminder_ever_comes_at_night_late_or_twice_in_a_row(
    kind: AppointmentKind, start: datetime
) -> None:
    planned = schedule(kind, start, PARIS)
    assert planned, "every appointment planned far enough ahead gets a reminder"
    for reminder in planned:
        local = reminder.at.astimezone(ZONE).time()
        assert local.hour >= 8
        assert local.hour < 22
        assert reminder.at <= start - LAST_CALL
    for earlier, later in itertools.pairwise(planned):
        assert later.at - earlier.at >= MIN_GAP


# The last Sundays of March and October: 29/03 and 25/10 in 2026, 28/03 and 31/10 in 2027.
@pytest.mark.parametrize(
    ("kind", "start", "expected"),
    [
        (  # Monday after the spring change: J-7 in winter time, J-1 and H-2 in summer time
            "spip",
            "2026-03-30 10:00",
            [("J-7", "2026-03-23 09:00"), ("J-1", "2026-03-29 16:00"), ("H-2", "2026-03-30 06:00")],
        ),
        (  # Monday after the autumn change: J-7 in summer time, the rest in winter time
            "jap",
            "2026-10-26 10:00",
            [("J-7", "2026-10-19 08:00"), ("J-1", "2026-10-25 17:00"), ("H-2", "2026-10-26 07:00")],
        ),
        (  # on the day of the spring change: H-2 of 10:00 is 08:00 on the wall
            "health",
            "2027-03-28 10:00",
            [("J-2", "2027-03-26 09:00"), ("H-2", "2027-03-28 06:00")],
        ),
        (  # on the day of the autumn change: H-2 would be 07:00, it waits for 08:00
            "spip",
            "2027-10-31 09:00",
            [("J-7", "2027-10-24 07:00"), ("J-1", "2027-10-30 16:00"), ("H-2", "2027-10-31 07:00")],
        ),
    ],
)
def test_reminders_keep_the_paris_wall_clock_across_a_change_of_hour(
    kind: AppointmentKind, start: str, expected: list[tuple[str, str]]
) -> None:
    far_before = paris(start) - timedelta(days=30)
    found = reminders(kind, paris(start), far_before, PARIS)
    assert [(r.label, r.at.strftime("%Y-%m-%d %H:%M")) for r in found] == expected  # in UTC
    wall = {r.label: r.at.astimezone(ZONE).strftime("%H:%M") for r in found}
    assert wall.get("J-1", "18:00") == "18:00"


def test_a_reminder_on_time_is_sent() -> None:
    due = paris("2026-12-02 18:00")
    assert decide("J-1", due, START, due, PARIS) == Decision("send")


def test_a_reminder_late_after_downtime_is_sent_while_it_is_still_useful() -> None:
    due = paris("2026-12-02 18:00")
    assert decide("J-1", due, START, paris("2026-12-02 21:30"), PARIS) == Decision("send")
    assert still_useful("J-1", due, START, due + timedelta(hours=12))
    assert not still_useful("J-1", due, START, due + timedelta(hours=12, minutes=1))


def test_a_reminder_too_late_is_dropped() -> None:
    due = paris("2026-11-26 14:30")
    assert decide("J-7", due, START, paris("2026-11-30 15:00"), PARIS) == Decision(
        "drop", why="too_late"
    )


def test_no_reminder_goes_out_in_the_last_half_hour() -> None:
    due = paris("2026-12-03 12:30")
    assert decide("H-2", due, START, paris("2026-12-03 13:50"), PARIS) == Decision("send")
    assert decide("H-2", due, START, paris("2026-12-03 14:05"), PARIS) == Decision(
        "drop", why="too_close"
    )


def test_a_late_reminder_found_at_night_waits_for_eight_if_still_useful_then() -> None:
    due = paris("2026-11-26 14:30")
    assert decide("J-7", due, START, paris("2026-11-26 23:00"), PARIS) == Decision(
        "wait", paris("2026-11-27 08:00").astimezone(UTC), "night"
    )
    assert decide("J-7", due, START, paris("2026-11-27 03:00"), PARIS) == Decision(
        "wait", paris("2026-11-27 08:00").astimezone(UTC), "night"
    )
    evening_before = paris("2026-12-02 18:00")
    assert decide("J-1", evening_before, START, paris("2026-12-02 23:00"), PARIS) == (
        Decision("drop", why="night")
    )


def test_a_reminder_not_yet_due_waits() -> None:
    due = paris("2026-12-02 18:00")
    assert decide("J-1", due, START, paris("2026-12-02 17:00"), PARIS) == Decision(
        "wait", due, "early"
    )


@settings(max_examples=400)
@given(
    kind=st.sampled_from(list(KINDS)),
    start=st.datetimes(
        min_value=datetime(2026, 1, 1),  # noqa: DTZ001 (made aware by `timezones`)
        max_value=datetime(2027, 12, 31),  # noqa: DTZ001
        timezones=st.just(ZONE),
    ),
    down_hours=st.integers(min_value=1, max_value=24 * 10),
    back_before=st.integers(min_value=0, max_value=24 * 8 * 60),
)
def test_after_any_downtime_at_most_one_reminder_of_an_appointment_goes_out(
    kind: AppointmentKind, start: datetime, down_hours: int, back_before: int
) -> None:
    back = start - timedelta(minutes=back_before)
    missed = [
        r for r in schedule(kind, start, PARIS) if back - timedelta(hours=down_hours) < r.at <= back
    ]
    sent = [r for r in missed if decide(r.label, r.at, start, back, PARIS).action == "send"]
    assert len(sent) <= 1


@pytest.mark.parametrize(
    ("start", "duration", "follow_up"),
    [
        ("2026-12-03 14:30", None, "Fri 2026-12-04 14:30"),
        ("2026-12-03 14:30", timedelta(hours=1), "Fri 2026-12-04 15:30"),
        ("2026-12-03 07:00", None, "Fri 2026-12-04 08:00"),
        ("2026-12-03 22:30", None, "Sat 2026-12-05 08:00"),
        ("2026-10-24 14:00", None, "Sun 2026-10-25 14:00"),  # 25 hours: the autumn change
        ("2027-03-27 14:00", None, "Sun 2027-03-28 14:00"),  # 23 hours: the spring change
    ],
)
def test_the_follow_up_asks_the_next_day_at_the_time_it_ended(
    start: str, duration: timedelta | None, follow_up: str
) -> None:
    at = follow_up_at(paris(start), PARIS, duration)
    assert at.tzinfo is UTC
    assert at.astimezone(ZONE).strftime("%a %Y-%m-%d %H:%M") == follow_up
