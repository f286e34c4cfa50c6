"""Local services of a facility (CCAS, CPAM, France Travail, ...), as plain data.

The bot loads a facility's directory (`data/services/<facility>.yaml`) and gives
it to the engine in the `Context`; a flow shows the services of a kind with
`do: show_service` and `args: {kind: ccas}`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

KINDS = {
    "ccas": "Centre communal d'action sociale (CCAS)",
    "cpam": "Caisse primaire d'assurance maladie (CPAM)",
    "caf": "Caisse d'allocations familiales (CAF)",
    "france_travail": "France Travail",
    "mission_locale": "Mission locale",
    "siao": "Service intégré d'accueil et d'orientation (SIAO)",
    "hebergement": "Hébergement d'urgence",
    "domiciliation": "Domiciliation",
    "pass": "Permanence d'accès aux soins de santé (PASS)",
    "csapa": "Centre de soins en addictologie (CSAPA)",
    "cmp": "Centre médico-psychologique (CMP)",
    "point_justice": "Point-justice",
    "spip": "Service pénitentiaire d'insertion et de probation (SPIP)",
    "mairie": "Mairie",
    "prefecture": "Préfecture",
    "banque_de_france": "Banque de France",
    "alimentation": "Aide alimentaire",
}
"""Every kind of service a flow may ask for, with its name in French."""


@dataclass(frozen=True)
class Service:
    """One place that helps: what the person needs to go there."""

    kind: str
    name: str
    address: str = ""
    hours: str = ""
    phone: str = ""
    what: str = ""
    """What they do there, in plain words."""
    who: str = ""
    """For whom (everyone, under 26, ...)."""
    sample: bool = False
    """True for demonstration data, which the person is told is not real."""


Directory = dict[str, tuple[Service, ...]]


def load_directory(path: Path) -> Directory:
    """A facility's services file (`data/services/<facility>.yaml`), by kind.

    Raises ValueError naming the file and the entry when an entry is not valid:
    an unknown kind, a missing name, an unknown field.
    """
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    entries = raw.get("services", []) if isinstance(raw, dict) else None
    if not isinstance(entries, list):
        raise ValueError(f"{path}: a services file is a mapping with a 'services' list")
    sample = bool(raw.get("sample", False))
    found: dict[str, list[Service]] = {}
    allowed = set(Service.__dataclass_fields__)
    for number, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict) or not entry.get("name"):
            raise ValueError(f"{path}: service {number} needs at least a 'name' and a 'kind'")
        unknown = set(entry) - allowed
        if unknown:
            raise ValueError(f"{path}: service {number} has unknown fields {sorted(unknown)}")
        if entry.get("kind") not in KINDS:
            raise ValueError(
                f"{path}: service {number} has kind {entry.get('kind')!r}; "
                f"use one of {', '.join(sorted(KINDS))}"
            )
        service = Service(**{k: str(v) for k, v in entry.items() if k != "sample"}, sample=sample)
        found.setdefault(service.kind, []).append(service)
    return {kind: tuple(services) for kind, services in found.items()}
