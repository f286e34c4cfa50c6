"""A plain-language check of the French texts of the flows, for readers who read poorly.

Five rules, each a habit of "facile à lire et à comprendre" (FALC) writing, checked on
every text a flow shows (`dialogs.steps.msgids`), flow by flow:

* a sentence of more than `MAX_SENTENCE_WORDS` words;
* a word of more than `MAX_WORD_LETTERS` letters (a few long words people know, such
  as "accompagnement", are allowed: `LONG_WORDS_KNOWN`);
* a double negation ("ce n'est pas sans risque", "vous ne pouvez pas ne pas venir");
* an acronym used before it is explained in the flow: its first use must come with
  its meaning (« votre CPIP, votre conseiller… », « le SIAO : le service qui… »,
  « la PASS (un service de l'hôpital) ») unless everyone knows it (`KNOWN_ACRONYMS`);
* a passive form ("vous êtes convoqué", "il est remboursé"): at most
  `MAX_PASSIVES` per flow, since the administration's words sometimes need one.

Pure: texts in, findings out. `filrouge flows plain` prints the report, and
`tests/dialogs/test_plain_language.py` keeps the shipped flows within it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from dialogs import steps
from dialogs.schema import Flow, Step, texts_of

MAX_SENTENCE_WORDS = 25
MAX_WORD_LETTERS = 15
MAX_PASSIVES = 3
KNOWN_ACRONYMS = frozenset(
    {"CV", "SMS", "SIM", "EU", "UE", "ID", "RIB", "HLM", "SAMU", "PIN", "QR", "RSA", "CAF"}
)
"""Acronyms people use as words: no explanation needed in the text (the kiosk's glossary
still explains them on a tap)."""
LONG_WORDS_KNOWN = frozenset(
    {
        "accompagnement",
        "administratives",
        "administrative",
        "administration",
        "renseignements",
        "complémentaire",
        "hébergements",
        "hébergement",
        "professionnelle",
        "professionnel",
        "naturalisation",
        "internationale",
        "établissement",
        "établissements",
        "identification",
        "psychologique",
        "qu'aujourd'hui",
        "d'aujourd'hui",
        "kinésithérapeute",
        "médicaments",
        "remboursement",
        "remboursements",
        "renouvellement",
        "conditionnelle",
        "pénitentiaire",
        "pénitentiaires",
        "attestations",
        "l'accompagnement",
        "l'administration",
        "l'hébergement",
        "l'établissement",
        "l'identification",
        "l'attestation",
        "juridictionnelle",  # "l'aide juridictionnelle": its name, explained where it is used
    }
)
"""Long words of everyday administrative life that a shorter word would blur."""

_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+|\n+")
_WORD = re.compile(r"[\w'’-]+")
_ACRONYM = re.compile(r"\b[A-Z][A-Z0-9]{1,}\b")
_CLAUSE = re.compile(r",|;|:|\bou\b|\bet\b|\bmais\b")
_NEGATIONS = re.compile(r"\b(?:ne|n['’])", re.IGNORECASE)
_PAS_SANS = re.compile(r"\bpas\s+(?:sans|impossible|inutile|interdit|illégal)\b", re.IGNORECASE)
_PASSIVE = re.compile(
    r"\b(?:est|sont|êtes|serez|sera|seront|été|être|soit|soient)\s+"
    r"(?:(?:pas|plus|bien|déjà|souvent|toujours|aussi|alors)\s+)?"
    r"(\w+(?:é|ée|és|ées|is|ise|ises|it|ite|its|ites|u|ue|us|ues))\b",
    re.IGNORECASE,
)
_NOT_PARTICIPLES = frozenset(
    {
        "prêt", "prête", "prêts", "prêtes", "né", "née", "nés", "nées", "âgé", "âgée",
        "sûr", "sûre", "dû", "due", "libre", "seul", "seule", "possible", "gratuit",
        "gratuite", "valable", "important", "inscrit", "inscrite", "inscrits",
        "permis", "assis", "tenu", "tenue", "fini", "finie", "parti", "partie",
        "sorti", "sortie", "venu", "venue", "arrivé", "arrivée", "allé", "allée",
        "resté", "restée", "devenu", "devenue", "mort", "retourné", "malade", "reconnu",
        "écrit", "bu", "lu", "su", "vu", "pu", "cru", "eu", "déçu", "perdu", "perdue",
        "occupé", "occupée", "fermé", "fermée", "ouvert", "ouverte", "marié", "mariée",
        "handicapé", "handicapée", "libéré", "libérée", "détenu", "détenue", "connu",
        "connue", "prévu", "prévue", "fait", "faite", "dit", "dite", "écrite", "lié",
        "liée", "situé", "située", "valide", "habitué", "habituée", "obligé", "obligée",
        "stressé", "stressée", "fatigué", "fatiguée", "blessé", "blessée", "inquiet",
        "pressé", "pressée", "concerné", "concernée", "compris", "accompagné", "accompagnée",
        "gratuits", "gratuites",
    }
)  # fmt: skip
"""Words after "être" that say a state, not an action done to someone (or a verb whose
compound past takes "être": "vous êtes sorti")."""


@dataclass(frozen=True)
class Finding:
    flow: str
    step: str
    rule: str
    """"sentence", "long word", "double negation", "acronym", "passive"."""
    detail: str
    text: str


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_END.split(text) if s.strip()]


def words(sentence: str) -> list[str]:
    return _WORD.findall(sentence)


def check_text(text: str) -> list[tuple[str, str]]:
    """The problems of one text, as (rule, detail); acronyms and passives are checked
    across a flow (`check_flow`)."""
    found: list[tuple[str, str]] = []
    for sentence in sentences(text):
        count = len(words(sentence))
        if count > MAX_SENTENCE_WORDS:
            found.append(("sentence", f"{count} words (at most {MAX_SENTENCE_WORDS})"))
        # Two negations in one clause ("vous ne pouvez pas ne pas venir"); two clauses
        # each with its own ("je n'en ai pas, ou je ne sais pas") are plain.
        clauses = _CLAUSE.split(sentence)
        if any(len(_NEGATIONS.findall(c)) >= 2 for c in clauses) or _PAS_SANS.search(sentence):
            found.append(("double negation", sentence))
    for word in words(text):
        letters = word.strip("'’-")
        known = letters.lower() in LONG_WORDS_KNOWN or "-" in letters or letters.isupper()
        if len(letters) > MAX_WORD_LETTERS and not known:
            found.append(("long word", f"{letters} ({len(letters)} letters)"))
    return found


def passives(text: str) -> list[str]:
    """The passive forms of a text ("est remboursé")."""
    return [
        m.group(0)
        for m in _PASSIVE.finditer(text)
        if m.group(1).lower() not in _NOT_PARTICIPLES and len(m.group(1)) > 3
    ]


def explained_here(text: str, acronym: str) -> bool:
    """Whether a sentence of `text` says what `acronym` means: the acronym followed by its
    meaning (« CPIP, votre conseiller… », « SIAO : … », « PASS (…) », « CPIP est … »),
    named after it (« … : c'est la RQTH »), or as the subject of a sentence that says
    what it does (« Le SIAO cherche une place pour dormir. »)."""
    word = re.escape(acronym)
    for sentence in sentences(text):
        if acronym not in sentence:
            continue
        if re.search(rf"\b{word}\s*(?:,|:|\(|—|–|est\b|sont\b|veut dire\b)", sentence):
            return True
        if re.search(rf"\bc'est\s+(?:le|la|l'|les|un|une|votre)?\s*{word}\b", sentence):
            return True
        if re.search(rf"{word}\b[^.?!]*:\s*c'est\b", sentence):
            return True
        if re.search(rf":\s*(?:le|la|l'|les|un|une)?\s*{word}\s*[.?!]?$", sentence):
            return True  # named after what it does: "… à la place de la victime : le SARVI."
        if re.match(rf"(?:Le|La|L'|Les|Votre)\s*{word}\s+(?!a\b|peut\b|doit\b)\w+", sentence):
            return True
    return False


def check_flow(flow: Flow, known: Iterable[str] = KNOWN_ACRONYMS) -> list[Finding]:
    """Every finding of one flow, in the order a person meets its texts."""
    findings: list[Finding] = []
    seen_acronyms = set(known)
    passive_forms: list[tuple[Step | None, str, str]] = []
    labels = {
        m for s in flow.steps for r, t in steps.texts(s) if r == "option" for m in texts_of(t)
    }
    for step, msgid in steps.msgids(flow):
        where = step.id if step is not None else "(title)"
        for rule, detail in check_text(msgid):
            findings.append(Finding(flow.id, where, rule, detail, msgid))
        # A title or a button names a guide; the guide explains its words where it uses them.
        for acronym in dict.fromkeys(_ACRONYM.findall(msgid)):
            if acronym in seen_acronyms or step is None or msgid in labels:
                continue
            seen_acronyms.add(acronym)
            if not explained_here(msgid, acronym):
                findings.append(
                    Finding(
                        flow.id, where, "acronym", f"{acronym} used before it is explained", msgid
                    )
                )
        passive_forms += [(step, form, msgid) for form in passives(msgid)]
    if len(passive_forms) > MAX_PASSIVES:
        for step, form, msgid in passive_forms:
            where = step.id if step is not None else "(title)"
            detail = f"{form!r} ({len(passive_forms)} passive forms, at most {MAX_PASSIVES})"
            findings.append(Finding(flow.id, where, "passive", detail, msgid))
    return findings
