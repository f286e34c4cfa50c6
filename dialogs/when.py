"""Reading the day and time of an appointment out of what a person typed, in French.

`read_when("mardi 14h", now, "Europe/Paris")` gives a `When` (an aware local
datetime) or a `Refusal` whose reason the flow turns into a message with an
example (`Refusal.message`). Pure: `now` comes in, nothing is read from a clock.

What is understood (accents, case, extra spaces and punctuation ignored):

* a day: ``14/03/2027``, ``3/12``, ``14-03-27``, ``2027-03-14``, ``3 décembre``,
  ``le 1er mars 2027``, ``3 déc.``, ``le 15``; ``aujourd'hui``, ``demain``,
  ``après-demain``, ``dans 3 jours``, ``dans une semaine``, ``dans 2 mois``;
  ``mardi``, ``lundi prochain``, ``jeudi en huit``;
* a time: ``14h``, ``14h30``, ``14 h 30``, ``14:30``, ``9 heures``, ``midi``,
  ``midi et demie``, ``minuit``, ``8h et quart``;
* a part of the day: ``matin``, ``après-midi``, ``soir`` (also ``ce soir``,
  ``demain matin``, ``dans la matinée``, ``8h du soir``).

The rules, stated once:

* A weekday alone is the next such day **after today** ("mardi" said on a
  Tuesday is next week's: today is "aujourd'hui"); "prochain" changes nothing,
  "en huit" adds a week. A weekday given with a date must be that date's weekday.
* A date without a year is the next one to come, today included; "le 15" is the
  next 15th, today included. "dans 8 jours" is 8 days, literally.
* A part of the day alone sets a default hour (`PART_OF_DAY`: matin 9:00,
  après-midi 14:00, soir 18:00) and `When.time_guessed`, so the flow asks to
  confirm. With "après-midi" or "soir", an hour from 1 to 11 is afternoon or
  evening ("8h du soir" is 20:00).
* No time at all ("jeudi") gives `When.at = None`: the flow asks the time, then
  calls `when_at` with the day and the time.
* Refused: not understood, a time without a day, a date or time that does not
  exist (31/02, 25h), a weekday that does not match the date, a moment not in
  the future, more than `HORIZON_YEARS` ahead, and a local time the clock skips
  (the last Sunday of March, 2:00 to 3:00 in Europe/Paris).
* A local time that happens twice (the last Sunday of October, 2:00 to 3:00) is
  taken as its **first** occurrence (still summer time) and `When.repeated_hour`
  says so.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal, TypeVar
from zoneinfo import ZoneInfo

from dialogs.answers import fold
from dialogs.messages import N_

Reason = Literal[
    "unreadable",
    "no_day",
    "impossible_date",
    "impossible_time",
    "wrong_weekday",
    "past",
    "too_far",
    "skipped_hour",
]
Part = Literal["matin", "apres-midi", "soir"]

PART_OF_DAY: dict[Part, time] = {"matin": time(9), "apres-midi": time(14), "soir": time(18)}
"""The hour a part of the day stands for when no hour is typed (a guess to confirm)."""
HORIZON_YEARS = 2
"""An appointment further ahead than this is refused as a typing mistake."""

REFUSALS: dict[Reason, str] = {
    "unreadable": N_(
        "Je n'ai pas compris la date. Écrivez par exemple : mardi 14h, ou 3/12 à 9h30."
    ),
    "no_day": N_(
        "Quel jour ? Écrivez le jour et l'heure, par exemple : demain 14h, ou 3/12 à 9h30."
    ),
    "impossible_date": N_("Cette date n'existe pas. Écrivez par exemple : 3/12 à 9h30."),
    "impossible_time": N_("Cette heure n'existe pas. Écrivez par exemple : 9h30, ou 14h."),
    "wrong_weekday": N_(
        "Le jour de la semaine ne va pas avec la date. Regardez votre convocation et écrivez la date, par exemple : 3/12 à 9h30."
    ),
    "past": N_("Cette date est déjà passée. Écrivez une date à venir, par exemple : demain 14h."),
    "too_far": N_(
        "Cette date est dans plus de deux ans. Vérifiez l'année, par exemple : 3/12/2027 à 9h30."
    ),
    "skipped_hour": N_(
        "Cette heure n'existe pas cette nuit-là : on avance les montres d'une heure. Vérifiez l'heure sur votre convocation."
    ),
}
"""What to say for each refusal: why, and an example of what is understood."""


@dataclass(frozen=True)
class When:
    """A day and, when it was said, a time: what the person meant."""

    day: date
    at: datetime | None
    """The moment, aware, in the person's time zone; None when no time was said."""
    time_guessed: bool = False
    """The time stands for a part of the day ("demain matin" is 9:00): confirm it."""
    repeated_hour: bool = False
    """The local time happens twice that night: `at` is the first, in summer time."""


@dataclass(frozen=True)
class Refusal:
    reason: Reason

    @property
    def message(self) -> str:
        """The msgid to show: why it is refused, with an example."""
        return REFUSALS[self.reason]


def read_when(text: str, now: datetime, timezone: str) -> When | Refusal:
    """The appointment `text` means, seen from `now` (aware) in `timezone`."""
    zone = ZoneInfo(timezone)
    today = now.astimezone(zone).date()
    found = _scan(fold(text).replace(",", " "))
    if found is None:
        return Refusal("unreadable")
    clock = _clock(found)
    if isinstance(clock, Refusal):
        return clock
    day = _day(found, today)
    if isinstance(day, Refusal):
        return day
    if clock is None:
        return _dated(day, now, zone)
    return when_at(day, clock, now, timezone, guessed=found.clock is None)


def when_at(
    day: date, clock: time, now: datetime, timezone: str, *, guessed: bool = False
) -> When | Refusal:
    """`day` at the local wall time `clock`, checked: exists, once or twice, ahead, not too far."""
    zone = ZoneInfo(timezone)
    wall = datetime.combine(day, clock)
    first = wall.replace(tzinfo=zone, fold=0)
    if first.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != wall:
        return Refusal("skipped_hour")
    repeated = first.utcoffset() != wall.replace(tzinfo=zone, fold=1).utcoffset()
    if first <= now:
        return Refusal("past")
    if first > _years_later(now.astimezone(zone), HORIZON_YEARS):
        return Refusal("too_far")
    return When(day, first, time_guessed=guessed, repeated_hour=repeated)


def _dated(day: date, now: datetime, zone: ZoneInfo) -> When | Refusal:
    today = now.astimezone(zone).date()
    if day < today:
        return Refusal("past")
    if day > _years_later(today, HORIZON_YEARS):
        return Refusal("too_far")
    return When(day, None)


_Moment = TypeVar("_Moment", date, datetime)


def _years_later(moment: _Moment, years: int) -> _Moment:
    try:
        return moment.replace(year=moment.year + years)
    except ValueError:  # 29 February
        return moment.replace(year=moment.year + years, day=28)


# --- Scanning: the folded text is read piece by piece; a piece nobody knows refuses it.

_END = r"(?![a-z0-9])"
_MONTHS = {
    "janvier": 1, "janv": 1, "fevrier": 2, "fevr": 2, "fev": 2, "mars": 3, "avril": 4,
    "avr": 4, "mai": 5, "juin": 6, "juillet": 7, "juil": 7, "aout": 8, "septembre": 9,
    "sept": 9, "octobre": 10, "oct": 10, "novembre": 11, "nov": 11, "decembre": 12, "dec": 12,
}  # fmt: skip
_WEEKDAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
_NUMBERS = {
    "un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6, "sept": 7,
    "huit": 8, "neuf": 9, "dix": 10, "onze": 11, "douze": 12, "quinze": 15, "vingt": 20,
}  # fmt: skip
_MONTH = "(" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_NUMBER = r"(\d{1,3}|" + "|".join(_NUMBERS) + ")"
_DAY_NUMBER = r"(\d{1,2}|1er|premier)"
_PART = r"(matinee|matin|apres-midi|apres midi|aprem|soiree|soir)"
_PARTS: dict[str, Part] = {
    "matin": "matin", "matinee": "matin", "apres-midi": "apres-midi", "apres midi": "apres-midi",
    "aprem": "apres-midi", "soir": "soir", "soiree": "soir",
}  # fmt: skip
_EXTRA_MINUTES: dict[str | None, int] = {"demie": 30, "demi": 30, "quart": 15, None: 0}
_FILLERS = r"(?:(?:le|la|a|au|vers|pour|du|de|et|ce|cet|cette)(?![a-z0-9])|l'|d')"


@dataclass
class _Found:
    """What the pieces of a text said; each thing may be said once."""

    date: tuple[int, int, int | None] | None = None
    """(day, month, year or None) of a written date."""
    day_of_month: int | None = None
    ahead: tuple[int, int] | None = None
    """(days, months) from today."""
    weekday: int | None = None
    weeks_later: int = 0
    clock: tuple[int, int] | None = None
    part: Part | None = None
    said: set[str] = field(default_factory=set)

    def once(self, what: str) -> bool:
        if what in self.said:
            return False
        self.said.add(what)
        return True


def _number(word: str) -> int:
    return _NUMBERS[word] if word in _NUMBERS else int(word)


def _day_number(word: str) -> int:
    return 1 if word in ("1er", "premier") else int(word)


def _iso(found: _Found, m: re.Match[str]) -> bool:
    found.date = (int(m[3]), int(m[2]), int(m[1]))
    return found.once("day")


def _numeric(found: _Found, m: re.Match[str]) -> bool:
    year = None if m[3] is None else int(m[3]) + (2000 if len(m[3]) == 2 else 0)
    found.date = (int(m[1]), int(m[2]), year)
    return found.once("day")


def _named(found: _Found, m: re.Match[str]) -> bool:
    found.date = (_day_number(m[1]), _MONTHS[m[2]], None if m[3] is None else int(m[3]))
    return found.once("day")


def _clock_piece(found: _Found, m: re.Match[str]) -> bool:
    extra = _EXTRA_MINUTES[m[3]]
    if m[2] is not None and extra:
        return False  # "14h30 et demie"
    found.clock = (int(m[1]), int(m[2] or 0) + extra)
    return found.once("time")


def _noon(found: _Found, m: re.Match[str]) -> bool:
    found.clock = (12 if m[1] == "midi" else 0, _EXTRA_MINUTES[m[2]])
    return found.once("time")


def _relative(found: _Found, m: re.Match[str]) -> bool:
    found.ahead = ({"aujourd'hui": 0, "aujourdhui": 0, "auj": 0, "demain": 1}.get(m[1], 2), 0)
    return found.once("day")


def _in(found: _Found, m: re.Match[str]) -> bool:
    count, unit = _number(m[1]), m[2]
    if unit.startswith("jour"):
        found.ahead = (count, 0)
    elif unit.startswith("semaine"):
        found.ahead = (7 * count, 0)
    else:
        found.ahead = (0, count)
    return found.once("day")


def _this_part(found: _Found, m: re.Match[str]) -> bool:
    found.ahead = (0, 0)
    found.part = _PARTS[m[1]]
    return found.once("day") and found.once("part")


def _part(found: _Found, m: re.Match[str]) -> bool:
    found.part = _PARTS[m[1]]
    return found.once("part")


def _weekday(found: _Found, m: re.Match[str]) -> bool:
    found.weekday = _WEEKDAYS.index(m[1])
    found.weeks_later = {"en huit": 1, "en quinze": 2}.get(m[2] or "", 0)
    return found.once("weekday")


def _day_of_month(found: _Found, m: re.Match[str]) -> bool:
    found.day_of_month = _day_number(m[1])
    return found.once("day")


_PIECES: tuple[tuple[re.Pattern[str], Callable[[_Found, re.Match[str]], bool]], ...] = tuple(
    (re.compile(pattern if pattern is _FILLERS else pattern + _END), handler)
    for pattern, handler in (
        (r"(\d{4})-(\d{1,2})-(\d{1,2})", _iso),
        (r"(\d{1,2}) ?[/.\-] ?(\d{1,2})(?: ?[/.\-] ?(\d{4}|\d{2}))?", _numeric),
        (rf"(?:le )?{_DAY_NUMBER} {_MONTH}(?: (\d{{4}}))?", _named),
        (
            r"(\d{1,2}) ?(?:h|heures?|:) ?(\d{2})?(?: ?min(?:utes?)?)?(?: et (demie?|quart))?",
            _clock_piece,
        ),
        (r"(midi|minuit)(?: et (demie?|quart))?", _noon),
        (r"(aujourd'hui|aujourdhui|auj|apres-demain|apres demain|demain)", _relative),
        (rf"dans {_NUMBER} (jours?|semaines?|mois)", _in),
        (rf"(?:ce|cet|cette) {_PART}", _this_part),
        (rf"(?:dans la |dans l'|en |du |de l'|l'){_PART}", _part),
        (_PART, _part),
        (rf"(?:ce )?({'|'.join(_WEEKDAYS)})(?: (prochain|en huit|en quinze))?", _weekday),
        (rf"(?:le )?{_DAY_NUMBER}", _day_of_month),
        (_FILLERS, lambda found, m: True),
    )
)


def _scan(text: str) -> _Found | None:
    found, position = _Found(), 0
    while position < len(text):
        if text[position] == " ":
            position += 1
            continue
        for pattern, handler in _PIECES:
            m = pattern.match(text, position)
            if m:
                if not handler(found, m):
                    return None
                position = m.end()
                break
        else:
            return None
    return found if found.said else None


# --- Resolving what was found into a day and a time.


def _day(found: _Found, today: date) -> date | Refusal:
    if found.date is not None:
        day: date | Refusal = _written(*found.date, today)
    elif found.day_of_month is not None:
        day = _next_day_of_month(found.day_of_month, today)
    elif found.ahead is not None:
        day = _months_later(today, found.ahead[1]) + timedelta(days=found.ahead[0])
    elif found.weekday is not None:
        ahead = (found.weekday - today.weekday()) % 7 or 7
        return today + timedelta(days=ahead + 7 * found.weeks_later)
    else:
        return Refusal("no_day")
    if isinstance(day, date) and found.weekday is not None and day.weekday() != found.weekday:
        return Refusal("wrong_weekday")
    return day


def _written(day: int, month: int, year: int | None, today: date) -> date | Refusal:
    # Without a year: the next one to come (29/02 waits for a leap year).
    years = (year,) if year is not None else tuple(range(today.year, today.year + 5))
    for candidate in years:
        try:
            written = date(candidate, month, day)
        except ValueError:
            continue
        if year is not None or written >= today:
            return written
    return Refusal("impossible_date")


def _next_day_of_month(day: int, today: date) -> date | Refusal:
    first = today.replace(day=1)
    for months in range(13):
        try:
            candidate = _months_later(first, months).replace(day=day)
        except ValueError:
            continue
        if candidate >= today:
            return candidate
    return Refusal("impossible_date")


def _months_later(day: date, months: int) -> date:
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    for last in (day.day, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable: every month has a 28th")


def _clock(found: _Found) -> time | Refusal | None:
    if found.clock is None:
        return None if found.part is None else PART_OF_DAY[found.part]
    hour, minute = found.clock
    if hour > 23 or minute > 59:
        return Refusal("impossible_time")
    if found.part in ("apres-midi", "soir") and 1 <= hour <= 11:
        hour += 12
    if found.part == "matin" and hour >= 12:
        return Refusal("unreadable")
    return time(hour, minute)
