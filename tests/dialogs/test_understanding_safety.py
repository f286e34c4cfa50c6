"""The safety net's recall and false alarms, measured on phrase tables a
counsellor can read (`tests/dialogs/phrases/distress.txt` and `ordinary.txt`).

Every phrase of distress, whatever its spelling or language, must open the net
at its category; at most 1 ordinary sentence in 20 may open it.
"""

from __future__ import annotations

from collections import Counter

import pytest

from dialogs import loader
from dialogs.flowset import FlowSet
from tests.dialogs.phrase_tables import table

DISTRESS = table("distress.txt")
ORDINARY = table("ordinary.txt")
CATEGORIES = ("suicide", "overdose", "violence", "sans_abri")
LANGUAGES = ("fr", "ar", "en", "ro")


@pytest.fixture(scope="module")
def flows() -> FlowSet:
    loaded, errors = loader.load()
    assert errors == []
    return loaded


def category_of(flows: FlowSet, text: str) -> str | None:
    understanding = flows.understanding
    alarm = understanding.alarm(understanding.read(text))
    return alarm.category.id if alarm else None


def test_the_tables_are_big_enough_in_every_language_and_category() -> None:
    assert len(DISTRESS) >= 60
    assert len(ORDINARY) >= 60
    sections = Counter(section for section, _ in DISTRESS)
    for category in CATEGORIES:
        for language in LANGUAGES:
            assert sections[f"{category} {language}"] >= 3, (category, language)
    assert {section for section, _ in ORDINARY} == set(LANGUAGES)


def test_every_phrase_of_distress_opens_the_net_at_its_category(flows: FlowSet) -> None:
    missed = [
        f"[{section}] {phrase} -> {category_of(flows, phrase)}"
        for section, phrase in DISTRESS
        if category_of(flows, phrase) != section.split()[0]
    ]
    recall = 1 - len(missed) / len(DISTRESS)
    print(f"safety net recall: {recall:.1%} of {len(DISTRESS)} phrases")
    assert missed == [], "missed:\n" + "\n".join(missed)


def test_at_most_one_ordinary_sentence_in_twenty_opens_the_net(flows: FlowSet) -> None:
    alarms = [
        f"[{section}] {phrase} -> {category_of(flows, phrase)}"
        for section, phrase in ORDINARY
        if category_of(flows, phrase) is not None
    ]
    rate = len(alarms) / len(ORDINARY)
    print(f"false alarms: {rate:.1%} of {len(ORDINARY)} sentences")
    assert rate <= 1 / 20, "false alarms:\n" + "\n".join(alarms)


@pytest.mark.parametrize(
    "text",
    [
        "x" * 2000,
        "😢😭🙏",
        "?!...,;",
        "\u202ebonjour\u202c",
        "مرحبا hello bună",
        "a" * 10 + " " + "b" * 10,
    ],
    ids=["very long", "emoji only", "punctuation only", "RTL override", "mixed scripts", "runs"],
)
def test_odd_input_opens_nothing_and_raises_nothing(flows: FlowSet, text: str) -> None:
    assert category_of(flows, text) is None


@pytest.mark.parametrize(
    "text",
    [
        "je veux mourir" + " bla" * 300,
        "\u202eje veux mourir\u202c",
        "😢 je veux mourir 😢",
        "bonjour أريد أن أموت",
    ],
    ids=["at the start of a very long text", "in an RTL override", "among emoji", "mixed scripts"],
)
def test_distress_is_found_inside_odd_input(flows: FlowSet, text: str) -> None:
    assert category_of(flows, text) == "suicide"


def test_the_longest_phrase_decides_between_two_categories(flows: FlowSet) -> None:
    assert category_of(flows, "je vais me tuer") == "suicide"
    assert category_of(flows, "il va me tuer") == "violence"
    assert category_of(flows, "j'ai avalé tous mes cachets pour mourir") == "overdose"


def offered(flows: FlowSet, text: str) -> list[str]:
    understanding = flows.understanding
    return [r.flow for r in understanding.guides(understanding.read(text))]


def test_a_question_about_the_risk_of_overdose_offers_the_guide_and_not_the_net(
    flows: FlowSet,
) -> None:
    # "j'ai peur de faire une overdose en sortant" wants the guide; the same words
    # when it is happening ("il respire plus, il a pris trop de came") are in
    # distress.txt and open the net.
    questions = [q for guide, q in table("guides.txt") if guide == "sante_overdose"]
    assert len(questions) >= 4
    wrong = [
        f"{q} -> net {category_of(flows, q)}, guides {offered(flows, q)}"
        for q in questions
        if category_of(flows, q) is not None or "sante_overdose" not in offered(flows, q)
    ]
    assert wrong == []


def test_a_risk_spoken_of_silences_only_its_own_words(flows: FlowSet) -> None:
    assert category_of(flows, "j'ai peur de faire une overdose en sortant") is None
    assert category_of(flows, "j'ai peur de faire une overdose, il respire plus") == "overdose"
    assert category_of(flows, "j'ai peur de faire une overdose, je veux mourir") == "suicide"
    # Met only word after word: a fear and an overdose a few words apart is distress.
    assert category_of(flows, "j'ai peur, mon pote vient de faire une overdose") == "overdose"


def test_questions_for_the_guides_do_not_open_the_net_either(flows: FlowSet) -> None:
    questions = table("guides.txt")
    alarms = [
        f"[{guide}] {q} -> {category_of(flows, q)}"
        for guide, q in questions
        if category_of(flows, q) is not None
    ]
    assert len(alarms) / len(questions) <= 1 / 20, "false alarms:\n" + "\n".join(alarms)
