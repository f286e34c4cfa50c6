"""Local services from a data·inclusion export, written as `data/services/<facility>.yaml`.

The export is a JSON list of services in data·inclusion's *service* schema
(https://github.com/gip-inclusion/data-inclusion-schema). Each service becomes
one entry of our format (`dialogs.directory.Service`) when it maps to a kind that
flows ask for; the others are skipped and reported. docs/services.md has the
format, the mapping table and the command.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import yaml

from dialogs.directory import KINDS, Service

FACILITY_CODE = re.compile(r"^[a-z0-9][a-z0-9_-]*$")

NAME_RULES: tuple[tuple[str, str], ...] = (
    (r"\bccas\b|centre communal d.action sociale", "ccas"),
    (r"\bcpam\b|caisse primaire|assurance maladie", "cpam"),
    (r"\bcaf\b|caisse d.allocations familiales", "caf"),
    (r"france travail|pole emploi", "france_travail"),
    (r"mission locale", "mission_locale"),
    (r"\bsiao\b|\b115\b", "siao"),
    (r"\bpass\b|permanence d.acces aux soins", "pass"),
    (r"\bcsapa\b|addictologie", "csapa"),
    (r"\bcmp\b|centre medico.psychologique", "cmp"),
    (r"point.justice|acces au droit", "point_justice"),
    (r"\bspip\b|insertion et de probation", "spip"),
    (r"domiciliation", "domiciliation"),
    (r"\bmairie\b|hotel de ville", "mairie"),
    (r"prefecture", "prefecture"),
    (r"banque de france", "banque_de_france"),
)
"""A word of the service's `nom` (accents and case ignored) names its kind; first match wins."""

THEME_RULES: tuple[tuple[str, str], ...] = (
    ("logement-hebergement--mal-loges-sans-logis", "hebergement"),
    ("sante--faire-face-a-une-situation-daddiction", "csapa"),
    ("sante--bien-etre-psychologique", "cmp"),
    ("acces-aux-droits-et-citoyennete--accompagnement-juridique", "point_justice"),
    ("acces-aux-droits-et-citoyennete--connaitre-ses-droits", "point_justice"),
    ("equipement-et-alimentation--alimentation", "alimentation"),
    ("gestion-financiere--obtenir-une-aide-alimentaire", "alimentation"),
)
"""When the name says nothing: a `thematiques` code that is exactly one of our kinds."""

PUBLICS = {
    "tous-publics": "Toute personne",
    "adultes": "Adultes",
    "jeunes": "Jeunes",
    "jeunes-16-26": "Jeunes de 16 à 26 ans",
    "femmes": "Femmes",
    "familles": "Familles",
    "familles-enfants": "Familles",
    "demandeurs-demploi": "Personnes qui cherchent un travail",
    "demandeurs-emploi": "Personnes qui cherchent un travail",
    "beneficiaires-rsa": "Personnes au RSA",
    "sans-domicile-fixe": "Personnes sans domicile",
    "personnes-en-situation-durgence": "Personnes en situation d'urgence",
    "sortants-de-detention": "Personnes sorties de prison",
    "personnes-en-situation-juridique-specifique": "Personnes sorties de prison",
    "personnes-de-nationalite-etrangere": "Personnes étrangères",
    "personnes-exilees": "Personnes exilées",
    "personnes-en-situation-de-handicap": "Personnes en situation de handicap",
}
"""`profils` / `publics` codes in plain words; other codes are shown with spaces."""

DAYS = {"Mo": "lundi", "Tu": "mardi", "We": "mercredi", "Th": "jeudi", "Fr": "vendredi"}
DAYS |= {"Sa": "samedi", "Su": "dimanche"}
_DAY_SPAN = re.compile(r"^(Mo|Tu|We|Th|Fr|Sa|Su)(?:-(Mo|Tu|We|Th|Fr|Sa|Su))?$")
_TIME_SPAN = re.compile(r"^(\d{2}):(\d{2})-(\d{2}):(\d{2})$")
_WHAT_LENGTH = 240


class ImportRefused(Exception):
    """The export cannot be imported at all; the message says why and what to do."""


@dataclass(frozen=True)
class Skipped:
    id: str
    reason: str


@dataclass
class Imported:
    services: list[Service] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)


def read_export(path: Path) -> list[Any]:
    """The list of services of a data·inclusion JSON export (or of an API page's `items`)."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise ImportRefused(f"{path}: cannot read the file ({error.strerror})") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ImportRefused(
            f"{path}: this is not JSON ({error}); export the services of data·inclusion as JSON"
        ) from None
    if isinstance(raw, dict) and isinstance(raw.get("items"), list):
        raw = raw["items"]
    if not isinstance(raw, list):
        raise ImportRefused(
            f"{path}: a services export is a JSON list of services, not a {type(raw).__name__}"
        )
    return raw


def convert(entries: Sequence[Any]) -> Imported:
    """Our services from data·inclusion ones; what cannot be used is skipped, with why."""
    result = Imported()
    for number, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict):
            result.skipped.append(Skipped(f"n°{number}", "not a JSON object"))
            continue
        ident = _text(entry.get("id")) or f"n°{number}"
        name = _text(entry.get("nom"))
        if not name:
            result.skipped.append(Skipped(ident, "no name ('nom')"))
            continue
        kind = kind_of(name, entry.get("thematiques"))
        if kind is None:
            themes = ", ".join(_texts(entry.get("thematiques"))) or "none"
            result.skipped.append(
                Skipped(ident, f"{name!r}: no kind of ours for its name or thématiques ({themes})")
            )
            continue
        result.services.append(_service(kind, name, entry))
    return result


def kind_of(name: str, thematiques: Any) -> str | None:
    """Our kind for a service: by a word of its name, else by one of its thématiques."""
    folded = _fold(name)
    for pattern, kind in NAME_RULES:
        if re.search(pattern, folded):
            return kind
    themes = set(_texts(thematiques))
    return next((kind for code, kind in THEME_RULES if code in themes), None)


def _service(kind: str, name: str, entry: Mapping[str, Any]) -> Service:
    town = " ".join(filter(None, [_text(entry.get("code_postal")), _text(entry.get("commune"))]))
    street = ", ".join(
        filter(None, [_text(entry.get("adresse")), _text(entry.get("complement_adresse"))])
    )
    hours = next(
        (
            _text(entry.get(key))
            for key in ("horaires_accueil", "horaires_ouverture", "recurrence")
            if _text(entry.get(key))
        ),
        "",
    )
    what = _text(entry.get("presentation_resume")) or _text(entry.get("description"))
    return Service(
        kind=kind,
        name=name,
        address=", ".join(filter(None, [street, town])),
        hours=opening_hours_in_words(hours),
        phone=phone_in_words(_text(entry.get("telephone"))),
        what=_shorten(what),
        who=_audience(entry),
    )


def opening_hours_in_words(text: str) -> str:
    """OSM `opening_hours` ("Mo-Fr 08:30-12:30; PH off") in French words, or as given."""
    if text.strip() == "24/7":
        return "tous les jours, 24 h sur 24"
    parts = []
    for rule in filter(None, (r.strip() for r in text.split(";"))):
        if rule == "PH off":
            parts.append("fermé les jours fériés")
            continue
        days, _, times = rule.partition(" ")
        spans = [_DAY_SPAN.match(d) for d in days.split(",")]
        hours = [_TIME_SPAN.match(t) for t in times.split(",")] if times != "off" else []
        if not all(spans) or not all(hours) or (not hours and times != "off"):
            return text.strip()  # a form we do not read: keep the original text
        said_days = ", ".join(_days(m) for m in spans if m)
        said_hours = ", ".join(_hours(m) for m in hours if m) if hours else "fermé"
        parts.append(f"{said_days}, {said_hours}")
    return " ; ".join(parts) if parts else text.strip()


def _days(span: re.Match[str]) -> str:
    first, last = span.group(1), span.group(2)
    return f"du {DAYS[first]} au {DAYS[last]}" if last else f"le {DAYS[first]}"


def _hours(span: re.Match[str]) -> str:
    h1, m1, h2, m2 = (int(g) for g in span.groups())
    return f"{_clock(h1, m1)} - {_clock(h2, m2)}"


def _clock(hour: int, minute: int) -> str:
    return f"{hour} h {minute:02d}" if minute else f"{hour} h"


def phone_in_words(phone: str) -> str:
    """A French E.164 number (+33123456789) as it is dialled (01 23 45 67 89)."""
    found = re.fullmatch(r"\+33\s*([1-9](?:\s*\d){8})", phone)
    if found is None:
        return phone
    digits = "0" + re.sub(r"\s", "", found.group(1))
    return " ".join(digits[i : i + 2] for i in range(0, 10, 2))


def _audience(entry: Mapping[str, Any]) -> str:
    precise = _text(entry.get("publics_precisions")) or _text(entry.get("profils_precisions"))
    if precise:
        return precise
    codes = [*_texts(entry.get("publics")), *_texts(entry.get("profils"))]
    words = list(dict.fromkeys(PUBLICS.get(c, c.replace("-", " ").capitalize()) for c in codes))
    return f"{', '.join(words)}." if words else ""


def _shorten(text: str) -> str:
    """At most one short paragraph: the person reads it on a kiosk or a phone."""
    text = " ".join(text.split())
    if len(text) <= _WHAT_LENGTH:
        return text
    cut = text[:_WHAT_LENGTH]
    end = cut.rfind(". ")
    return cut[: end + 1] if end > 0 else cut[: cut.rfind(" ")] + " …"


def write_directory(services: Sequence[Service], facility: str, folder: Path) -> Path:
    """Write `<folder>/<facility>.yaml` in our format (real data: `sample: false`)."""
    if not FACILITY_CODE.match(facility):
        raise ImportRefused(
            f"the facility code {facility!r} is not valid: lowercase letters, digits, - and _"
        )
    unknown = sorted({s.kind for s in services} - KINDS.keys())
    if unknown:
        raise ImportRefused(f"unknown kinds {unknown}")
    entries = [
        {k: v for k, v in asdict(s).items() if v and k != "sample"}
        for s in sorted(services, key=lambda s: (list(KINDS).index(s.kind), s.name))
    ]
    header = (
        f"# Local services of the facility {facility}, imported from a data·inclusion\n"
        "# export by `filrouge services import` (see docs/services.md). Real data: check\n"
        "# it, then correct it by hand here or in data·inclusion and import again.\n"
    )
    body = yaml.safe_dump(
        {"sample": False, "services": entries}, allow_unicode=True, sort_keys=False, width=100
    )
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{facility}.yaml"
    path.write_text(header + body, encoding="utf-8")
    return path


def _fold(text: str) -> str:
    """Lowercase without accents, for matching names."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _text(value: Any) -> str:
    return " ".join(value.split()) if isinstance(value, str) else ""


def _texts(value: Any) -> list[str]:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []
