"""The shipped flows, as scripted conversations a counsellor can read.

Each `conversations/*.txt` is one test: the person's turns are played through
the engine and Fil rouge must answer exactly the `<` lines (see `script.py` for
the format). Together, the conversations must go through every step of every
shipped flow.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from dialogs import lint, loader
from dialogs.flowset import FlowSet
from tests.dialogs.script import Run, ScriptError, read, run

CONVERSATIONS = Path(__file__).parent / "conversations"
SCRIPTS = sorted(CONVERSATIONS.glob("*.txt"))


@pytest.fixture(scope="module")
def flows() -> FlowSet:
    loaded, errors = loader.load()
    errors += lint.check(loaded)
    assert not errors, "\n".join(str(e) for e in errors)
    return loaded


@pytest.fixture(scope="module")
def runs(flows: FlowSet) -> dict[str, Run]:
    return {path.name: run(read(path), flows) for path in SCRIPTS}


def test_there_are_conversations() -> None:
    assert SCRIPTS, f"no scripted conversation in {CONVERSATIONS}"


@pytest.mark.parametrize("path", SCRIPTS, ids=lambda path: path.stem)
def test_conversation_goes_as_written(path: Path, runs: dict[str, Run]) -> None:
    mismatch = runs[path.name].mismatch
    if mismatch is not None:
        pytest.fail(str(mismatch), pytrace=False)


def test_every_step_of_every_flow_is_in_a_conversation(
    flows: FlowSet, runs: dict[str, Run]
) -> None:
    visited = set().union(*(r.visited for r in runs.values()))
    missing = [
        f"{flow.path}:{step.line}: {flow.id}/{step.id}"
        for flow in flows.flows.values()
        for step in flow.steps
        if (flow.id, step.id) not in visited
    ]
    assert not missing, "no conversation goes through these steps; write one:\n" + "\n".join(
        missing
    )


# The reader and runner themselves.


def _script(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "essai.txt"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_wrong_answer_shows_the_expected_and_the_actual_line(
    tmp_path: Path, flows: FlowSet
) -> None:
    path = _script(
        tmp_path,
        "# essai\nprofile: first_name=Démo\n> [start]\n< Bonjour Démo. Je suis quelqu'un d'autre.\n",
    )
    mismatch = run(read(path), flows).mismatch
    assert mismatch is not None
    shown = str(mismatch)
    assert "essai.txt:4: after `> [start]`" in shown
    assert "expected: < Bonjour Démo. Je suis quelqu'un d'autre." in shown
    assert "actual:   < Bonjour Démo. Je suis Fil rouge." in shown


def test_a_missing_answer_line_is_reported(tmp_path: Path, flows: FlowSet) -> None:
    path = _script(tmp_path, "profile: first_name=Démo\n> [start]\n")
    mismatch = run(read(path), flows).mismatch
    assert mismatch is not None
    assert "expected: (nothing more)" in str(mismatch)


def test_a_button_that_is_not_on_screen_is_a_script_error(tmp_path: Path, flows: FlowSet) -> None:
    path = _script(tmp_path, "> [Cuisine]\n")
    with pytest.raises(ScriptError, match=r"essai\.txt:1: no button \[Cuisine\]"):
        run(read(path), flows)


def test_a_line_that_is_neither_turn_nor_answer_is_refused(tmp_path: Path) -> None:
    path = _script(tmp_path, "> [start]\nBonjour\n")
    with pytest.raises(ScriptError, match=r"essai\.txt:2"):
        read(path)
