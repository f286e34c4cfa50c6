"""A Babel extractor for flow files: every text of `dialogs/flows/*.yaml` becomes a msgid.

Registered as the `filrouge_flows` extraction method (see `babel.cfg` and the
`babel.extractors` entry point in `pyproject.toml`). It reads a flow as the
service does (`dialogs.loader`) and takes its texts where the engine takes them
(`dialogs.steps`), so that the catalogs hold exactly what a person can be
shown. A file that does not load yields nothing: `filrouge flows check` says
what is wrong with it, with its line.

Each message carries the line of its step and, as comments for translators,
the step's `source:` (the fiche or organisation a counsellor can check) and,
for a text that differs inside and outside, which wording it is.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping
from typing import IO, Any

from dialogs import steps
from dialogs.loader import parse_text
from dialogs.schema import Wording

Extracted = tuple[int, str | None, str, list[str]]
"""(line, keyword, msgid, comments) as Babel expects from an extractor."""


def extract_flows(
    fileobj: IO[bytes],
    keywords: Collection[str],
    comment_tags: Collection[str],
    options: Mapping[str, Any],
) -> Iterator[Extracted]:
    """Yield every text of one flow file, in file order, with its step's line."""
    encoding = str(options.get("encoding", "utf-8"))
    name = str(getattr(fileobj, "name", "<flow>"))
    try:
        text = fileobj.read().decode(encoding)
    except UnicodeDecodeError:
        return
    flow, _errors = parse_text(text, name)
    if flow is None:
        return
    yield 1, None, flow.title, ["flow title"]
    for step in flow.steps:
        comments = [f"source: {step.source}"]
        for _role, wording in steps.texts(step):
            if isinstance(wording, Wording):
                yield step.line, None, wording.inside, [*comments, "wording: inside"]
                yield step.line, None, wording.outside, [*comments, "wording: outside"]
            else:
                yield step.line, None, wording, list(comments)


def extract_glossary(
    fileobj: IO[bytes],
    keywords: Collection[str],
    comment_tags: Collection[str],
    options: Mapping[str, Any],
) -> Iterator[Extracted]:
    """Yield the explanation of every term of the glossary (`dialogs/glossary.yaml`)."""
    from pathlib import Path

    from dialogs.glossary_loader import load_glossary

    name = str(getattr(fileobj, "name", ""))
    glossary, _errors = load_glossary(Path(name))
    for term in glossary.terms:
        yield term.line, None, term.means, [f"glossary: explains {term.term!r}"]
