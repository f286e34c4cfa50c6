"""Reading `dialogs/glossary.yaml` into a `Glossary`: the file side of `dialogs.glossary`,
kept apart from the engine. Every problem is a `FlowError` with the file and line."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, get_args

import yaml

from dialogs.glossary import Glossary, Term
from dialogs.loader import FlowError, LineLoader
from dialogs.schema import Language

GLOSSARY = Path(__file__).parent / "glossary.yaml"
_ID = re.compile(r"[a-z0-9_]+")
_KEYS = {"id", "term", "means", "forms", "__line__"}


def load_glossary(path: Path = GLOSSARY) -> tuple[Glossary, list[FlowError]]:
    """The glossary of `path`, and what is wrong in it (an entry in error is left out)."""
    where = str(path)
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=LineLoader)  # noqa: S506
    except OSError as error:
        return Glossary(), [FlowError(where, 0, f"cannot read the file: {error.strerror}")]
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark else 0
        return Glossary(), [FlowError(where, line, f"this is not valid YAML: {error}")]
    entries = raw.get("terms") if isinstance(raw, dict) else None
    if not isinstance(entries, list):
        return Glossary(), [FlowError(where, 1, "the glossary is a mapping with a 'terms' list")]
    terms: list[Term] = []
    errors: list[FlowError] = []
    seen: dict[str, int] = {}
    for entry in entries:
        term, problem = _term(entry)
        if term is None:
            line = entry.get("__line__", 0) if isinstance(entry, dict) else 0
            errors.append(FlowError(where, line, problem))
            continue
        if term.id in seen:
            errors.append(
                FlowError(where, term.line, f"the id {term.id!r} is used on line {seen[term.id]}")
            )
            continue
        seen[term.id] = term.line
        terms.append(term)
    return Glossary(tuple(terms)), errors


def _term(entry: Any) -> tuple[Term | None, str]:
    if not isinstance(entry, dict):
        return None, "a term is a mapping with id, term and means"
    unknown = set(entry) - _KEYS
    if unknown:
        return None, f"unknown keys {sorted(unknown)} (known: id, term, forms, means)"
    term_id, written, means = (str(entry.get(k) or "") for k in ("id", "term", "means"))
    if not _ID.fullmatch(term_id):
        return None, f"the id {term_id!r} is not [a-z0-9_]+"
    if not written.strip() or not means.strip():
        return None, f"the term {term_id!r} needs a 'term' and a 'means'"
    forms: dict[str, tuple[str, ...]] = {}
    raw_forms = entry.get("forms") or {}
    languages = get_args(Language)
    for language, said in raw_forms.items() if isinstance(raw_forms, dict) else []:
        if language == "__line__":
            continue
        if language not in languages:
            return None, f"{term_id}: unknown language {language!r} in forms"
        if not isinstance(said, list) or not all(isinstance(s, str) and s for s in said):
            return None, f"{term_id}: the forms of {language} are a list of words"
        forms[str(language)] = tuple(said)
    return Term(term_id, written, means, forms, int(entry.get("__line__", 0))), ""
