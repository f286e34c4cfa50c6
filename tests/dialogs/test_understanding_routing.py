"""Free text to the right guide, measured on `tests/dialogs/phrases/guides.txt`:
questions typed freely, each with the guide it should reach. The guide must be
among those offered (at most three) for at least 90 % of them."""

from __future__ import annotations

from collections import Counter

import pytest

from dialogs import loader
from dialogs.flowset import FlowSet
from dialogs.schema import Call
from dialogs.understanding.load import LANGUAGES
from tests.dialogs.phrase_tables import table

QUESTIONS = table("guides.txt")


@pytest.fixture(scope="module")
def flows() -> FlowSet:
    loaded, errors = loader.load()
    assert errors == []
    return loaded


def offered(flows: FlowSet, text: str) -> list[str]:
    understanding = flows.understanding
    return [r.flow for r in understanding.guides(understanding.read(text))]


def test_the_table_has_eighty_questions_for_guides_that_exist(flows: FlowSet) -> None:
    assert len(QUESTIONS) >= 80
    assert {guide for guide, _ in QUESTIONS} <= set(flows.flows)


def test_the_right_guide_is_offered_for_nine_questions_in_ten(flows: FlowSet) -> None:
    wrong = [
        f"[{guide}] {question} -> {offered(flows, question)}"
        for guide, question in QUESTIONS
        if guide not in offered(flows, question)
    ]
    first = sum(offered(flows, q)[:1] == [g] for g, q in QUESTIONS) / len(QUESTIONS)
    top3 = 1 - len(wrong) / len(QUESTIONS)
    print(f"routing: top-1 {first:.1%}, top-3 {top3:.1%} of {len(QUESTIONS)} questions")
    assert top3 >= 0.9, "not offered:\n" + "\n".join(wrong)
    assert first >= 0.8


def test_every_guide_a_menu_opens_can_be_found_by_typing_in_every_language(
    flows: FlowSet,
) -> None:
    # A guide on the second page of a menu is still one sentence away. (Guides belong to
    # a domain; "Noter un rendez-vous" is a part of several guides, not one of its own.)
    called = {s.call for flow in flows.flows.values() for s in flow.steps if isinstance(s, Call)}
    guides = {
        g
        for g in called
        if not any(isinstance(s, Call) for s in flows[g].steps) and flows[g].domain is not None
    }
    asked = Counter(guide for guide, _ in QUESTIONS)
    missing = [
        f"{g}: topics in {sorted(flows[g].topics)}, {asked[g]} questions in guides.txt"
        for g in sorted(guides)
        if set(flows[g].topics) != set(LANGUAGES) or asked[g] < 3
    ]
    assert {"sante_handicap", "papiers_numerique"} <= guides
    assert missing == []


@pytest.mark.parametrize(
    "text",
    [
        *("bonjour", "merci", "oui", "non", "14/03/2027", "", "😀", "?!", "je ne comprends pas"),
        *("bof 3", "j'ai 2 enfants"),  # a number is no topic
    ],
)
def test_ordinary_words_offer_no_guide(flows: FlowSet, text: str) -> None:
    assert offered(flows, text) == []


def test_a_clear_question_offers_one_guide_and_a_vague_one_several(flows: FlowSet) -> None:
    assert offered(flows, "comment avoir ma carte vitale") == ["sante_vitale"]
    several = offered(flows, "j'ai besoin de papiers pour la caf et la banque")
    assert {"papiers_caf", "papiers_banque"} <= set(several)
    assert len(several) <= 3


def test_a_guide_the_person_is_in_is_not_offered_again(flows: FlowSet) -> None:
    understanding = flows.understanding
    reading = understanding.read("comment avoir ma carte vitale")
    left_out = understanding.guides(reading, leave_out=frozenset({"sante_vitale"}))
    assert "sante_vitale" not in [r.flow for r in left_out]
