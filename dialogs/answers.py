"""Reading a typed answer out of what a person typed.

Lenient on form (spaces, dots, "14h30", "oui"/"da"/"نعم"), strict on meaning:
an answer that does not fit returns None and the engine asks again.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from dialogs.schema import AnswerKind

Parsed = str | int | float | bool

YES = {
    "oui",
    "o",
    "ouais",
    "ok",
    "d'accord",
    "daccord",
    "yes",
    "y",
    "da",
    "si",
    "sim",
    "نعم",
    "ايه",
}
NO = {"non", "n", "no", "nu", "nao", "لا"}
MONTHS = {
    "janvier": 1, "fevrier": 2, "mars": 3, "avril": 4, "mai": 5, "juin": 6, "juillet": 7,
    "aout": 8, "septembre": 9, "octobre": 10, "novembre": 11, "decembre": 12,
}  # fmt: skip
TEXT_LIMIT = 500


def fold(text: str) -> str:
    """Lower case, accents and extra spaces removed: what matching compares."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.replace("’", "'").split()).strip(" .!?")


def parse(kind: AnswerKind, text: str, today: date) -> Parsed | None:
    """The answer of `kind` in `text`, or None when it does not fit."""
    folded = fold(text)
    if not folded:
        return None
    match kind:
        case "yesno":
            return True if folded in YES else False if folded in NO else None
        case "date":
            return _date(folded, today)
        case "time":
            return _time(folded)
        case "number":
            return _number(folded)
        case "phone":
            return _phone(folded)
        case "text":
            return text.strip() if len(text.strip()) <= TEXT_LIMIT else None
        case "moment":
            return None  # needs a clock: read by `dialogs.moment`


def _date(text: str, today: date) -> str | None:
    numeric = re.fullmatch(r"(\d{1,2})[/.\- ](\d{1,2})(?:[/.\- ](\d{2}|\d{4}))?", text)
    named = re.fullmatch(r"(\d{1,2})(?:er)? ([a-z]+)(?: (\d{4}))?", text)
    if numeric:
        day, month, year = numeric.group(1), numeric.group(2), numeric.group(3)
        month_number = int(month)
    elif named and named.group(2) in MONTHS:
        day, year = named.group(1), named.group(3)
        month_number = MONTHS[named.group(2)]
    else:
        return None
    full_year = today.year if year is None else int(year) + (2000 if len(year) == 2 else 0)
    try:
        return date(full_year, month_number, int(day)).isoformat()
    except ValueError:
        return None


def _time(text: str) -> str | None:
    found = re.fullmatch(r"(\d{1,2})(?: ?(?:h|:|heures?) ?(\d{2})?)?", text)
    if not found:
        return None
    hour, minute = int(found.group(1)), int(found.group(2) or 0)
    if hour > 23 or minute > 59:
        return None
    return f"{hour:02d}:{minute:02d}"


def _number(text: str) -> int | float | None:
    cleaned = text.replace(" ", "").replace(",", ".")
    if re.fullmatch(r"-?\d{1,9}", cleaned):
        return int(cleaned)
    if re.fullmatch(r"-?\d{1,9}\.\d{1,4}", cleaned):
        return float(cleaned)
    return None


def _phone(text: str) -> str | None:
    digits = re.sub(r"[ .\-()]", "", text)
    if re.fullmatch(r"(\+33|0033)[1-9]\d{8}", digits):
        digits = "0" + digits[-9:]
    if not re.fullmatch(r"0[1-9]\d{8}", digits):
        return None
    return " ".join(digits[i : i + 2] for i in range(0, 10, 2))
