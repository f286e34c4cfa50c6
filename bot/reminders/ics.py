"""An appointment as an .ics file ("Ajouter à mon agenda"), with the `icalendar` package.

One VEVENT whose start is written in local wall time with its TZID
(Europe/Paris) and the VTIMEZONE that defines it, so that a phone's calendar
shows 14:30 whatever its own settings. The UID is stable per appointment: a
new file for the same appointment (moved) replaces the old event in the
calendar, with a higher `sequence`. Texts are in the person's language.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event

from bot.i18n import Translator
from bot.reminders.wording import details
from dialogs.outputs import Appointment

DEFAULT_DURATION = timedelta(hours=1)
"""A calendar shows an event without an end as a line; one hour is shown as a block."""
PRODUCT = "-//Fil rouge//Rendez-vous//FR"


def uid(appointment_id: str, domain: str = "fil-rouge") -> str:
    """The event's identity in every calendar, the same for every file of one appointment."""
    return f"appointment-{appointment_id}@{domain}"


def appointment_ics(
    card: Appointment,
    translator: Translator,
    *,
    stamp: datetime,
    duration: timedelta | None = None,
    sequence: int = 0,
) -> bytes:
    """The .ics file of `card`, written at `stamp` (aware), in the translator's language."""
    zone = ZoneInfo(translator.timezone)
    start = card.start.astimezone(zone)
    event = Event()
    event.add("uid", uid(card.id))
    event.add("dtstamp", stamp.astimezone(UTC))
    event.add("sequence", sequence)
    event.add("dtstart", start)
    event.add("dtend", (card.start + (duration or DEFAULT_DURATION)).astimezone(zone))
    event.add("summary", translator.render(card.what))
    place = ", ".join(part for part in (card.place, card.address) if part)
    if place:
        event.add("location", place)
    description = details(card, translator, where=False)
    if description:
        event.add("description", "\n".join(description))

    calendar = Calendar()
    calendar.add("prodid", PRODUCT)
    calendar.add("version", "2.0")
    calendar.add_component(event)
    # The time zone's changes of hour around the appointment only, not 1970 to 2038.
    calendar.add_missing_timezones(
        first_date=date(start.year - 1, 1, 1), last_date=date(start.year + 2, 1, 1)
    )
    written: bytes = calendar.to_ical()
    return written
