"""A Babel extractor for flow files: every text of `dialogs/flows/*.yaml` becomes a msgid.

Registered as the `filrouge_flows` extraction method (see `babel.cfg` and the
`babel.extractors` entry point in `pyproject.toml`). It walks the YAML nodes
rather than the typed `Flow`, so that a flow still being written (or broken)
yields what it can; `tests/dialogs/test_catalogs.py` checks that it finds
exactly the texts of `dialogs.lint.step_texts`.

Each message carries the line of its step and, as a comment for translators,
the step's `source:` (the fiche or organisation a counsellor can check).
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping
from typing import IO, Any

import yaml

Extracted = tuple[int, str | None, str, list[str]]
"""(line, keyword, msgid, comments) as Babel expects from an extractor."""

_STEP_TEXTS = ("say", "ask", "retry", "choose", "checklist")
"""Keys of a step whose value is a text (a string or an inside / outside pair)."""
_LABELLED = ("options", "items")
"""Keys of a step whose entries each have a text `label`."""
_WORDINGS = ("inside", "outside")


def extract_flows(
    fileobj: IO[bytes],
    keywords: Collection[str],
    comment_tags: Collection[str],
    options: Mapping[str, Any],
) -> Iterator[Extracted]:
    """Yield every text of one flow file, in file order, with its step's line."""
    encoding = str(options.get("encoding", "utf-8"))
    try:
        root = yaml.compose(fileobj.read().decode(encoding), Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return  # the loader reports the broken file, with its line
    if not isinstance(root, yaml.MappingNode):
        return
    title = _get(root, "title")
    if title is not None:
        yield from _texts(title, _line(root), ["flow title"])
    steps = _get(root, "steps")
    if not isinstance(steps, yaml.SequenceNode):
        return
    for step in steps.value:
        if isinstance(step, yaml.MappingNode):
            yield from _step(step)


def _step(step: yaml.MappingNode) -> Iterator[Extracted]:
    line = _line(step)
    source = _get(step, "source")
    comments = [f"source: {source.value}"] if isinstance(source, yaml.ScalarNode) else []
    for key in _STEP_TEXTS:
        text = _get(step, key)
        if text is not None:
            yield from _texts(text, line, comments)
    for key in _LABELLED:
        entries = _get(step, key)
        if not isinstance(entries, yaml.SequenceNode):
            continue
        for entry in entries.value:
            label = _get(entry, "label") if isinstance(entry, yaml.MappingNode) else None
            if label is not None:
                yield from _texts(label, line, comments)


def _texts(node: yaml.Node, line: int, comments: list[str]) -> Iterator[Extracted]:
    """The msgids of a text node: a string, or an inside / outside pair."""
    if isinstance(node, yaml.ScalarNode) and node.value:
        yield line, None, node.value, list(comments)
    elif isinstance(node, yaml.MappingNode):
        for wording in _WORDINGS:
            part = _get(node, wording)
            if isinstance(part, yaml.ScalarNode) and part.value:
                yield line, None, part.value, [*comments, f"wording: {wording}"]


def _get(mapping: yaml.MappingNode, key: str) -> yaml.Node | None:
    for key_node, value_node in mapping.value:
        if isinstance(key_node, yaml.ScalarNode) and key_node.value == key:
            return value_node  # type: ignore[no-any-return]
    return None


def _line(node: yaml.Node) -> int:
    return int(node.start_mark.line) + 1
