"""`filrouge understand`, run as a counsellor checking a phrasing would run it."""

from __future__ import annotations

import json

import pytest

from tests.bot.test_cli import filrouge


def test_json_is_one_object_with_the_category_and_the_ranked_guides() -> None:
    done = filrouge("understand", "--json", "jveux mourir, g avalé tous mes cachets")
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout)  # one object: the whole output parses
    assert found == {"safety": "overdose", "flows": found["flows"]}
    assert isinstance(found["flows"], list)


def test_json_ranks_the_guides_best_first() -> None:
    found = json.loads(filrouge("understand", "--json", "comment avoir ma carte vitale").stdout)
    assert found["safety"] is None
    assert found["flows"][0] == {"id": "sante_vitale", "score": found["flows"][0]["score"]}
    scores = [f["score"] for f in found["flows"]]
    assert scores == sorted(scores, reverse=True)
    assert all(0 < s <= 1 for s in scores)


@pytest.mark.parametrize("text", ["", "😀😀", "?!?", "\u202e" + "x" * 3000])
def test_odd_text_gives_an_empty_answer_not_an_error(text: str) -> None:
    done = filrouge("understand", "--json", text)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"safety": None, "flows": []}


def test_the_explanation_names_the_phrase_the_words_and_what_fil_rouge_would_do() -> None:
    done = filrouge("understand", "--language", "ar", "il m'a frapé hier")
    assert done.returncode == 0, done.stderr
    assert "Safety net: violence" in done.stdout
    assert 'phrase "m\'a frappé" [fr]' in done.stdout
    assert "(one letter apart)" in done.stdout
    assert "Fil rouge would: open the safety net" in done.stdout


def test_the_guides_are_shown_with_their_title_in_the_language_asked() -> None:
    done = filrouge("understand", "--language", "en", "je cherche un logement social")
    assert "logement_social" in done.stdout
    assert "Social housing" in done.stdout or "social housing" in done.stdout
    assert "Fil rouge would: offer" in done.stdout


def test_a_risk_spoken_of_is_named_with_the_guide_it_offers() -> None:
    done = filrouge("understand", "j'ai peur de faire une overdose en sortant")
    assert done.returncode == 0, done.stderr
    assert "Safety net: no" in done.stdout
    assert "A risk spoken of, not happening: 'peur de faire une overdose' [fr]" in done.stdout
    assert "Fil rouge would: offer one guide" in done.stdout
