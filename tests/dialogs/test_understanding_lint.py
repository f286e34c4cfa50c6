"""`filrouge flows check` on the phrases typed text is matched against: topics
and synonyms that could not work, or would compete, are errors that say what to fix."""

from __future__ import annotations

import shutil
from pathlib import Path

from dialogs.flowset import FlowSet
from dialogs.lint import check
from dialogs.loader import load
from dialogs.understanding import lint as understanding_lint
from dialogs.understanding.load import PHRASES_DIR, compile_understanding

HOME = Path(__file__).parent / "fixtures" / "home.yaml"
GUIDE = """id: {id}
version: 1
title: "Un guide"
recovery: where
topics:
{topics}
synonyms:
{synonyms}
steps:
  - id: where
    choose: "Où ?"
    source: fil-rouge
    options:
      - {{id: here, label: "Ici"}}
      - {{id: there, label: "Là-bas"}}
"""


def problems(tmp_path: Path, *guides: tuple[str, str, str]) -> list[str]:
    paths = [HOME]
    for flow_id, topics, synonyms in guides:
        path = tmp_path / f"{flow_id}.yaml"
        path.write_text(GUIDE.format(id=flow_id, topics=topics, synonyms=synonyms), "utf-8")
        paths.append(path)
    flows, errors = load(paths)
    assert errors == []
    return [f"{Path(e.path).name}: {e.message}" for e in check(flows)]


FINE = '  fr: ["carte vitale"]\n  en: ["health card"]', "  where:\n    here:\n      fr: [ici]"


def test_topics_and_synonyms_that_can_work_pass(tmp_path: Path) -> None:
    assert problems(tmp_path, ("vitale", *FINE)) == []


def test_a_topic_in_two_guides_is_reported_on_the_second(tmp_path: Path) -> None:
    found = problems(tmp_path, ("vitale", *FINE), ("autre", *FINE))
    assert found == [
        "autre.yaml: topics: fr 'carte vitale' is also a topic of 'vitale': keep it in one guide only",
        "autre.yaml: topics: en 'health card' is also a topic of 'vitale': keep it in one guide only",
    ]


def test_an_empty_language_a_repeated_topic_and_a_topic_of_stopwords_are_reported(
    tmp_path: Path,
) -> None:
    topics = '  fr: ["Carte vitale", "carte  VITALE", "je le"]\n  ro: []'
    found = problems(tmp_path, ("vitale", topics, FINE[1]))
    assert "vitale.yaml: topics: ro has no phrase: write some, or remove the language" in found
    assert "vitale.yaml: topics: fr 'carte  VITALE' is written twice" in found
    assert any("'je le' has only words that say no topic" in f for f in found)


def test_synonyms_of_a_missing_step_or_option_or_of_two_options_are_reported(
    tmp_path: Path,
) -> None:
    synonyms = (
        "  ailleurs:\n    here:\n      fr: [ici]\n"
        "  where:\n    nulle_part:\n      fr: [rien]\n    here:\n      fr: [dehors]\n"
        "    there:\n      fr: [dehors]"
    )
    found = problems(tmp_path, ("vitale", FINE[0], synonyms))
    assert "vitale.yaml: synonyms: 'ailleurs' is not a choice (choose:) of this flow" in found
    assert "vitale.yaml: synonyms: the step 'where' has no option 'nulle_part'" in found
    assert (
        "vitale.yaml: synonyms of where: fr 'dehors' is given to both 'here' and 'there'" in found
    )


def test_an_about_phrase_that_contains_no_phrase_of_its_category_is_reported(
    tmp_path: Path,
) -> None:
    phrases = tmp_path / "phrases"
    shutil.copytree(PHRASES_DIR, phrases)
    overdose = phrases / "safety" / "overdose.yaml"
    written = overdose.read_text("utf-8")
    assert "\nabout:\n  fr:\n" in written
    overdose.write_text(
        written.replace("\nabout:\n  fr:\n", "\nabout:\n  fr:\n    - peur de sortir\n"), "utf-8"
    )
    flows, errors = load([HOME])
    assert errors == []
    understanding, errors = compile_understanding(flows.flows, root=phrases)
    assert errors == []
    found = understanding_lint.check(FlowSet(flows.flows, understanding))
    assert [(Path(e.path).name, e.message) for e in found] == [
        (
            "overdose.yaml",
            "about: fr 'peur de sortir' contains no phrase of 'overdose': "
            "it would silence nothing, so say the risk with one",
        )
    ]
