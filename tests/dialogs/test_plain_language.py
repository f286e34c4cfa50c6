"""Plain French in every flow: short sentences, short words, no double negation, every
acronym explained where a guide first uses it, few passive forms."""

from __future__ import annotations

from pathlib import Path

import pytest

from dialogs import loader
from dialogs.flowset import FlowSet
from dialogs.plain_language import check_flow, check_text, explained_here, passives
from tests.bot.test_cli import filrouge


@pytest.fixture(scope="module")
def shipped() -> FlowSet:
    flows, errors = loader.load()
    assert errors == []
    return flows


def test_every_shipped_flow_is_plain(shipped: FlowSet) -> None:
    found = {
        flow.id: [f"{x.step}: {x.rule}: {x.detail}" for x in check_flow(flow)]
        for flow in shipped.flows.values()
    }
    assert {flow: problems for flow, problems in found.items() if problems} == {}


def test_a_long_sentence_and_a_long_word_are_found() -> None:
    long = " ".join(["mot"] * 26) + "."
    assert check_text(long) == [("sentence", "26 words (at most 25)")]
    assert check_text("Une incompréhensibilité.") == [
        ("long word", "incompréhensibilité (19 letters)")
    ]
    assert check_text("Votre accompagnement commence.") == []  # a long word people know


@pytest.mark.parametrize(
    "text",
    ["Vous ne pouvez pas ne pas venir.", "Ce n'est pas sans risque.", "Ce n'est pas impossible."],
)
def test_a_double_negation_is_found(text: str) -> None:
    assert [rule for rule, _ in check_text(text)] == ["double negation"]


def test_two_clauses_each_with_its_negation_are_plain() -> None:
    assert check_text("Je n'en ai pas, ou je ne sais pas.") == []


@pytest.mark.parametrize(
    ("text", "explained"),
    [
        ("Demandez à votre CPIP, votre conseiller d'insertion et de probation.", True),
        ("Le SIAO cherche une place pour dormir.", True),
        ("La MDPH peut vous reconnaître travailleur handicapé : c'est la RQTH.", True),
        ("Un service de l'État peut vous la réclamer : le SARVI.", True),
        ("Demandez à votre CPIP.", False),
        ("L'hôpital a une PASS. Voulez-vous savoir ce que c'est ?", False),
    ],
)
def test_an_acronym_is_explained_where_it_is_first_used(text: str, explained: bool) -> None:
    acronym = next(w for w in ("CPIP", "SIAO", "RQTH", "SARVI", "PASS") if w in text)
    assert explained_here(text, acronym) is explained


def test_a_passive_is_found_a_state_is_not() -> None:
    assert passives("Le dossier est envoyé par la CAF.") == ["est envoyé"]
    assert passives("Vous êtes libéré demain. La PASS est gratuite.") == []


def test_flows_plain_reports_per_flow_and_fails_on_a_problem(tmp_path: Path) -> None:
    flow = tmp_path / "jargon.yaml"
    flow.write_text(
        'id: jargon\nversion: 1\ntitle: "Un guide"\nrecovery: start\nsteps:\n'
        '  - id: start\n    say: "Demandez à votre CPIP. Ce n\'est pas sans intérêt."\n'
        "    source: fil-rouge\n",
        encoding="utf-8",
    )

    done = filrouge("flows", "plain", str(flow))
    shipped = filrouge("flows", "plain")

    assert done.returncode == 1
    assert f"jargon ({flow}): 2 problem(s)" in done.stdout
    assert "  start: double negation: Ce n'est pas sans intérêt." in done.stdout
    assert "  start: acronym: CPIP used before it is explained" in done.stdout
    assert shipped.returncode == 0, shipped.stdout
    assert "0 to rewrite" in shipped.stdout
