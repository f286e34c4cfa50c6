"""The flow extractor finds exactly the texts the engine can show, at their step's line."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from dialogs import loader, steps
from dialogs.babel_extract import extract_flows

FLOW_FILES = sorted(loader.FLOWS_DIR.glob("*.yaml"))


def _extract(text: str) -> list[tuple[int, str | None, str, list[str]]]:
    return list(extract_flows(io.BytesIO(text.encode()), ["_"], [], {}))


@pytest.mark.parametrize("path", FLOW_FILES, ids=lambda path: path.stem)
def test_the_extractor_finds_every_text_of_a_shipped_flow(path: Path) -> None:
    flow, errors = loader.parse_file(path)
    assert flow is not None, errors
    with path.open("rb") as handle:
        found = [(line, msgid) for line, _, msgid, _ in extract_flows(handle, ["_"], [], {})]
    expected = [(step.line if step else 0, msgid) for step, msgid in steps.msgids(flow)]
    # The title has no step: its line is the flow's; every other text is at its step's line.
    assert [m for _, m in found] == [m for _, m in expected]
    assert [line for line, _ in found[1:]] == [line for line, _ in expected[1:]]


def test_a_step_gives_its_line_and_source_to_the_translators() -> None:
    found = _extract(
        "id: x\nversion: 1\ntitle: Titre\nrecovery: a\nsteps:\n"
        "  - id: a\n"
        "    ask:\n"
        "      inside: Dedans ?\n"
        "      outside: Dehors ?\n"
        "    retry: Oui ou non.\n"
        "    expect: yesno\n"
        "    save: a\n"
        "    source: service-public.fr F677\n"
        "  - id: b\n"
        "    choose: Choisissez.\n"
        "    options: [{id: o, label: Un}, {id: p, label: {inside: Deux, outside: Trois}}]\n"
        "    source: fil-rouge\n"
    )
    assert [(line, msgid) for line, _, msgid, _ in found] == [
        (1, "Titre"),
        (6, "Dedans ?"),
        (6, "Dehors ?"),
        (6, "Oui ou non."),
        (14, "Choisissez."),
        (14, "Un"),
        (14, "Deux"),
        (14, "Trois"),
    ]
    assert found[1][3] == ["source: service-public.fr F677", "wording: inside"]
    assert found[5][3] == ["source: fil-rouge"]


@pytest.mark.parametrize("text", ["steps: [", "- just\n- a list\n", "", "id: x\nsteps: 3\n"])
def test_a_broken_file_yields_nothing_and_does_not_raise(text: str) -> None:
    assert _extract(text) == []
