"""Local services of a facility (CCAS, CPAM, France Travail, ...), as plain data.

The bot loads a facility's directory (`data/services/<facility>.yaml`, read by
`dialogs.directory_loader`) and gives it to the engine in the `Context`; a flow
shows the services of a kind with `do: show_service` and `args: {kind: ccas}`.
Plain types only here: the engine imports them, and no file reading.
"""

from __future__ import annotations

from dataclasses import dataclass

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
