"""Words explained on the spot: the glossary's data, where its terms are in a message,
and the engine answering "c'est quoi le SIAO" (typed) or a tapped word."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from dialogs import loader
from dialogs.engine import step
from dialogs.events import Context, Event, Pressed, Said, System
from dialogs.flowset import FlowSet
from dialogs.glossary import WORD
from dialogs.glossary_loader import load_glossary
from dialogs.outputs import Choices, Output, Text
from dialogs.state import State

TODAY = Context(today=date(2026, 5, 4))
SIAO = "SIAO : service intégré d'accueil et d'orientation."


@pytest.fixture(scope="module")
def flows() -> FlowSet:
    loaded, errors = loader.load()
    assert errors == []
    return loaded


def _started(flows: FlowSet) -> State:
    state, _out = step(flows, State(profile={"first_name": "Démo"}), System("start"), TODAY)
    return state


def _said(flows: FlowSet, state: State, event: Event) -> tuple[State, list[Output]]:
    return step(flows, state, event, TODAY)


def _texts(out: list[Output]) -> list[str]:
    return [o.text.msgid for o in out if isinstance(o, Text)]


@pytest.mark.parametrize(
    "typed",
    [
        "c'est quoi le SIAO",
        "c quoi siao ?",
        "Le SIAO, c'est quoi ?",
        "ça veut dire quoi SIAO",
        "ما هو SIAO",
        "chno howa siao",
        "what is the SIAO?",
        "ce inseamna SIAO",
    ],
)
def test_a_question_about_a_word_is_answered_and_the_question_stays_open(
    flows: FlowSet, typed: str
) -> None:
    state = _started(flows)
    after, out = _said(flows, state, Said(typed))

    assert _texts(out)[0].startswith(SIAO)
    assert isinstance(out[-1], Choices)  # the open question, asked again
    assert out[-1].seq == state.seq  # the same one: its buttons still work
    assert after.stack == state.stack


def test_a_question_that_only_contains_a_word_still_finds_its_guide(flows: FlowSet) -> None:
    _state, out = _said(flows, _started(flows), Said("qu'est-ce que je dois faire pour la CAF"))

    assert not any(text.startswith("CAF :") for text in _texts(out))
    assert "Je vous propose ce guide :" in _texts(out) or isinstance(out[-1], Choices)


def test_asking_what_without_a_word_asks_which_word(flows: FlowSet) -> None:
    _state, out = _said(flows, _started(flows), Said("que veut dire"))

    assert _texts(out)[0].startswith("Quel mot voulez-vous comprendre ?")


def test_a_tapped_word_is_explained_whatever_the_question(flows: FlowSet) -> None:
    state = _started(flows)
    _after, out = _said(flows, state, Pressed(0, WORD + "cpam"))

    assert _texts(out)[0].startswith("CPAM : caisse primaire d'assurance maladie.")
    assert isinstance(out[-1], Choices)


def test_an_unknown_tapped_word_only_shows_the_question_again(flows: FlowSet) -> None:
    _after, out = _said(flows, _started(flows), Pressed(0, WORD + "nothing"))

    assert _texts(out) == []
    assert isinstance(out[-1], Choices)


def test_terms_are_marked_once_each_acronyms_in_capitals_only(flows: FlowSet) -> None:
    text = "Votre CPIP peut faire une demande au SIAO. Le SIAO répond. Pass ton chemin, PASS."
    pieces = flows.glossary.marks(text, "fr")

    assert "".join(piece for piece, _term in pieces) == text
    marked = [(piece, term.id) for piece, term in pieces if term is not None]
    assert marked == [("CPIP", "cpip"), ("SIAO", "siao"), ("PASS", "pass")]


def test_words_are_found_in_any_case_the_longest_first(flows: FlowSet) -> None:
    pieces = flows.glossary.marks("Montrez votre Carte Vitale.", "fr")

    assert [(p, t.id) for p, t in pieces if t] == [("Carte Vitale", "vitale")]


def test_acronyms_are_found_in_a_translated_message(flows: FlowSet) -> None:
    pieces = flows.glossary.marks("يمكن لمستشارك CPIP أن يقدّم طلبًا لدى SIAO.", "ar")

    assert [t.id for _p, t in pieces if t] == ["cpip", "siao"]


def test_every_acronym_of_the_flows_is_in_the_glossary(flows: FlowSet) -> None:
    """The acronyms a person meets most (CPIP, SPIP, SIAO, CAF...) can all be asked about."""
    ids = {term.term for term in flows.glossary.terms}
    for acronym in ("CPIP", "SPIP", "SIAO", "CAF", "CPAM", "PASS", "RIB", "RSA", "AAH", "JAP"):
        assert acronym in ids


def test_a_broken_glossary_entry_is_reported_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "glossary.yaml"
    path.write_text(
        "terms:\n"
        '  - id: ok\n    term: OK\n    means: "Bien."\n'
        '  - id: Bad Id\n    term: X\n    means: "Y."\n'
        '  - id: ok\n    term: OK\n    means: "Encore."\n',
        encoding="utf-8",
    )
    glossary, errors = load_glossary(path)

    assert [t.id for t in glossary.terms] == ["ok"]
    assert [(e.line, e.message) for e in errors] == [
        (5, "the id 'Bad Id' is not [a-z0-9_]+"),
        (8, "the id 'ok' is used on line 2"),
    ]
