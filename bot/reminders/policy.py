"""When an appointment is recalled: the reminder policy, as data and pure functions.

Nothing here reads a clock or a database: the worker gives `now`, the appointment's
kind and aware start, and the time zone (Europe/Paris), and stores what comes back.

The rules, in one place (`RULES`):

* Justice convocations (`spip`, `jap`): **J-7** (seven days before, at the
  appointment's own local time), **J-1** (the day before at 18:00 local) and
  **H-2** (two hours before). Every other kind: **J-2** (two days before, at the
  appointment's local time) and **H-2**.
* "Days before" are calendar days on the local wall clock: J-1 at 18:00 is 18:00
  in Paris the day before, whatever the UTC offset (summer or winter time, or a
  change of hour in between). "Hours before" is elapsed time.
* **No reminder at night**, 22:00 to 08:00 local (`NIGHT_STARTS`, `NIGHT_ENDS`):
  one due from 22:00 to midnight moves back to 20:00 that evening
  (`EVENING`); one due from midnight to 08:00 moves to 08:00 that morning when
  that is still at least `MIN_LEAD` (1 hour) before the appointment, otherwise
  back to 20:00 the evening before.
* Two reminders less than `MIN_GAP` (3 hours) apart after that are one too many:
  the earlier is dropped (the later one says the same, closer to the time).
* **None in the past**: `reminders` gives only those still ahead of `now`.
* After downtime, a reminder that is late goes out only while it is still useful
  (`still_useful`, `decide`): late by less than its window (`USEFUL_FOR`), more
  than `LAST_CALL` (30 minutes) before the appointment, and not at night (it
  waits for 08:00 if it is still useful then). The windows are shorter than the
  gaps between reminders, so after any downtime at most one reminder of an
  appointment goes out (a property the tests check). Its wording says the truth
  at the time it is sent.
* The **follow-up** (`follow_up_at`) asks what happened: the next day at the
  local time the appointment ended (24 hours after it, 23 or 25 across a change
  of hour), moved forward to 08:00 when that falls at night.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from dialogs.appointments import JUSTICE, AppointmentKind

Label = Literal["J-7", "J-2", "J-1", "H-2"]


@dataclass(frozen=True)
class Rule:
    """One reminder: `days_before` at a local wall time, or `hours_before` in elapsed time."""

    label: Label
    days_before: int = 0
    wall_time: time | None = None
    """With `days_before`: the local time of that day; None is the appointment's own."""
    hours_before: int = 0


RULES: dict[str, tuple[Rule, ...]] = {
    "justice": (
        Rule("J-7", days_before=7),
        Rule("J-1", days_before=1, wall_time=time(18)),
        Rule("H-2", hours_before=2),
    ),
    "other": (Rule("J-2", days_before=2), Rule("H-2", hours_before=2)),
}
NIGHT_STARTS = time(22)
NIGHT_ENDS = time(8)
EVENING = time(20)
MIN_LEAD = timedelta(hours=1)
"""A reminder moved to 08:00 must still come at least this long before the appointment."""
MIN_GAP = timedelta(hours=3)
LAST_CALL = timedelta(minutes=30)
"""No reminder goes out later than this before the appointment."""
USEFUL_FOR: dict[Label, timedelta] = {
    "J-7": timedelta(days=3),
    "J-2": timedelta(hours=24),
    "J-1": timedelta(hours=12),
    "H-2": timedelta(minutes=90),
}
"""How late (after downtime) each reminder may still go out."""


@dataclass(frozen=True)
class Reminder:
    label: Label
    at: datetime
    """When it goes out: aware, in UTC."""


@dataclass(frozen=True)
class Decision:
    """What the worker does with a due reminder: send it now, wait, or drop it."""

    action: Literal["send", "wait", "drop"]
    until: datetime | None = None
    """With "wait": when to decide again (aware, UTC)."""
    why: str = ""
    """With "drop" or "wait": a word for the log (too_late, too_close, night, early)."""


def rules_for(kind: AppointmentKind) -> tuple[Rule, ...]:
    return RULES["justice" if kind in JUSTICE else "other"]


def schedule(kind: AppointmentKind, start: datetime, timezone: str) -> tuple[Reminder, ...]:
    """Every reminder of an appointment, night rule applied, in time order (past ones too)."""
    zone = ZoneInfo(timezone)
    planned = sorted(
        (
            Reminder(rule.label, _daytime(_ideal(rule, start, zone), start, zone))
            for rule in rules_for(kind)
        ),
        key=lambda reminder: reminder.at,
    )
    kept = [
        reminder
        for i, reminder in enumerate(planned)
        if reminder.at <= start - LAST_CALL
        and all(later.at - reminder.at >= MIN_GAP for later in planned[i + 1 :])
    ]
    return tuple(kept)


def reminders(
    kind: AppointmentKind, start: datetime, now: datetime, timezone: str
) -> tuple[Reminder, ...]:
    """The reminders still to send for an appointment starting at `start`, seen at `now`."""
    return tuple(reminder for reminder in schedule(kind, start, timezone) if reminder.at > now)


def still_useful(label: Label, due: datetime, start: datetime, now: datetime) -> bool:
    """Whether a reminder due at `due` is still worth sending at `now` (late after downtime)."""
    return now - due <= USEFUL_FOR[label] and now <= start - LAST_CALL


def decide(
    label: Label,
    due: datetime,
    start: datetime,
    now: datetime,
    timezone: str,
) -> Decision:
    """What to do, at `now`, with the reminder `label` due at `due` (checked at fire time)."""
    if now < due:
        return Decision("wait", due, "early")
    if now > start - LAST_CALL:
        return Decision("drop", why="too_close")
    if not still_useful(label, due, start, now):
        return Decision("drop", why="too_late")
    zone = ZoneInfo(timezone)
    local = now.astimezone(zone)
    if _is_night(local.time()):
        next_morning = local.date() + timedelta(days=1 if local.time() >= NIGHT_STARTS else 0)
        morning = _at(next_morning, NIGHT_ENDS, zone)
        if still_useful(label, due, start, morning):
            return Decision("wait", morning, "night")
        return Decision("drop", why="night")
    return Decision("send")


def follow_up_at(start: datetime, timezone: str, duration: timedelta | None = None) -> datetime:
    """When to ask the person what happened: the next day at the local time it ended."""
    zone = ZoneInfo(timezone)
    end = (start + (duration or timedelta())).astimezone(zone)
    wall = end.replace(tzinfo=None) + timedelta(days=1)
    if wall.time() >= NIGHT_STARTS:
        wall = datetime.combine(wall.date() + timedelta(days=1), NIGHT_ENDS)
    elif wall.time() < NIGHT_ENDS:
        wall = datetime.combine(wall.date(), NIGHT_ENDS)
    return _at(wall.date(), wall.time(), zone)


def _ideal(rule: Rule, start: datetime, zone: ZoneInfo) -> datetime:
    """The reminder's local wall time before the night rule (naive, local)."""
    if rule.days_before:
        local = start.astimezone(zone)
        return datetime.combine(
            local.date() - timedelta(days=rule.days_before), rule.wall_time or local.time()
        )
    return (start - timedelta(hours=rule.hours_before)).astimezone(zone).replace(tzinfo=None)


def _daytime(wall: datetime, start: datetime, zone: ZoneInfo) -> datetime:
    """`wall` (local) out of the night, as an aware UTC datetime."""
    if wall.time() >= NIGHT_STARTS:
        return _at(wall.date(), EVENING, zone)
    if wall.time() < NIGHT_ENDS:
        morning = _at(wall.date(), NIGHT_ENDS, zone)
        if start - morning >= MIN_LEAD:
            return morning
        return _at(wall.date() - timedelta(days=1), EVENING, zone)
    return _at(wall.date(), wall.time(), zone)


def _at(day: date, clock: time, zone: ZoneInfo) -> datetime:
    """A local wall time as an aware UTC datetime (a time that happens twice: the first)."""
    return datetime.combine(day, clock, tzinfo=zone).astimezone(UTC)


def _is_night(clock: time) -> bool:
    return clock >= NIGHT_STARTS or clock < NIGHT_ENDS
