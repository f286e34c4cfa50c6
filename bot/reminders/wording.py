"""What an appointment card says, as text, in the person's language.

Channel-neutral: the kiosk and Telegram put this text in their own frame and
render the card's buttons their own way. The day and time are Babel's, in the
translator's time zone (Europe/Paris): "jeudi 3 décembre à 14 h 30". The year
is said only when it is not this year.

The relative line tells the truth at `now`, the moment the text is written: a
reminder planned for the day before but sent the same morning after downtime
says "Aujourd'hui à 14 h 30", not "Demain". The rule:

* under an hour: "Dans 40 minutes";
* under three hours and within five minutes of a whole hour: "Dans 2 heures";
* the same day: "Aujourd'hui à 14 h 30"; the next day: "Demain à 14 h 30";
* later: "Dans 7 jours" (calendar days in the time zone);
* once the time has come: "L'heure de ce rendez-vous est passée."
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from babel.dates import format_datetime

from bot.i18n import Translator, fill
from dialogs.messages import N_
from dialogs.outputs import Appointment

_DAY = "EEEE d MMMM"
_DAY_AND_YEAR = "EEEE d MMMM y"
_TIME = {"fr": "H 'h' mm"}
_TIME_DEFAULT = "HH:mm"
_NEAR_WHOLE_HOUR = 5
"""Minutes off a whole hour that "Dans 2 heures" may round away."""

# TRANSLATORS: {day} is Babel's "jeudi 3 décembre" in your language, {time} is "14:30".
AT = N_("{day} à {time}")
TODAY = N_("Aujourd'hui à {time}")
TOMORROW = N_("Demain à {time}")
PASSED = N_("L'heure de ce rendez-vous est passée.")
WHERE = N_("Où : {place}")
DIRECTIONS = N_("Comment y aller : {directions}")
WITH_WHOM = N_("Avec : {with_whom}")
BRING = N_("À apporter : {bring}")


def card_text(
    card: Appointment, translator: Translator, now: datetime, *, with_relative: bool = True
) -> str:
    """The card as lines of text: heading, when (relative, then the date), where, who, what.

    `with_relative=False` leaves out the relative line: for a text read at an unknown
    later time (the kiosk's transcript waits for the next visit), the date alone stays
    true.
    """
    what = translator.render(card.what)
    lines = [fill(translator.gettext(card.heading.msgid), {**card.heading.params, "what": what})]
    if with_relative:
        lines.append(relative(card.start, translator, now))
    lines.append(moment(card.start, translator, now))
    return "\n".join([*lines, *details(card, translator)])


def details(card: Appointment, translator: Translator, *, where: bool = True) -> list[str]:
    """The lines of what is known: where, how to get there, with whom, what to bring."""
    place = ", ".join(part for part in (card.place, card.address) if part) if where else ""
    known = (
        (WHERE, "place", place),
        (DIRECTIONS, "directions", card.directions),
        (WITH_WHOM, "with_whom", card.with_whom),
        (BRING, "bring", card.bring),
    )
    return [fill(translator.gettext(msgid), {name: value}) for msgid, name, value in known if value]


def moment(start: datetime, translator: Translator, now: datetime) -> str:
    """The day and time of `start`, as people say it ("jeudi 3 décembre à 14 h 30")."""
    zone = ZoneInfo(translator.timezone)
    local = start.astimezone(zone)
    pattern = _DAY if local.year == now.astimezone(zone).year else _DAY_AND_YEAR
    day = format_datetime(local, pattern, locale=translator.language)
    return fill(translator.gettext(AT), {"day": day, "time": clock(start, translator)})


def clock(start: datetime, translator: Translator) -> str:
    """The local time of `start` ("14 h 30" in French, "14:30" elsewhere)."""
    local = start.astimezone(ZoneInfo(translator.timezone))
    pattern = _TIME.get(translator.language, _TIME_DEFAULT)
    return format_datetime(local, pattern, locale=translator.language)


def relative(start: datetime, translator: Translator, now: datetime) -> str:
    """How far `start` is from `now`, truthfully ("Demain à 14 h 30", "Dans 2 heures")."""
    minutes = round((start - now) / timedelta(minutes=1))
    if minutes <= 0:
        return translator.gettext(PASSED)
    if minutes < 60:
        text = translator.ngettext("Dans {n} minute", "Dans {n} minutes", minutes)
        return fill(text, {"n": str(minutes)})
    off_hour = min(minutes % 60, 60 - minutes % 60)
    if minutes < 180 and off_hour <= _NEAR_WHOLE_HOUR:
        hours = round(minutes / 60)
        return fill(
            translator.ngettext("Dans {n} heure", "Dans {n} heures", hours), {"n": str(hours)}
        )
    zone = ZoneInfo(translator.timezone)
    days = (start.astimezone(zone).date() - now.astimezone(zone).date()).days
    if days == 0:
        return fill(translator.gettext(TODAY), {"time": clock(start, translator)})
    if days == 1:
        return fill(translator.gettext(TOMORROW), {"time": clock(start, translator)})
    return fill(translator.ngettext("Dans {n} jour", "Dans {n} jours", days), {"n": str(days)})
