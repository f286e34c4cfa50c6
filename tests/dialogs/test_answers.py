"""What a person may type for each kind of question, and what is refused."""

from __future__ import annotations

from datetime import date

import pytest

from dialogs.answers import TEXT_LIMIT, fold, parse

TODAY = date(2026, 5, 4)


@pytest.mark.parametrize(
    "typed",
    [
        "oui",
        "Oui",
        "OUI !",
        "o",
        "ouais",
        "ok",
        "d'accord",
        "D’accord",
        "yes",
        "da",
        "sí",
        "sim",
        "نعم",
    ],
)
def test_yes_is_understood_in_several_languages(typed: str) -> None:
    assert parse("yesno", typed, TODAY) is True


@pytest.mark.parametrize("typed", ["non", "Non.", "n", "no", "nu", "não", "لا"])
def test_no_is_understood_in_several_languages(typed: str) -> None:
    assert parse("yesno", typed, TODAY) is False


@pytest.mark.parametrize("typed", ["peut-être", "", "   ", "oui non", "1"])
def test_a_yes_no_question_refuses_anything_else(typed: str) -> None:
    assert parse("yesno", typed, TODAY) is None


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("14/03/2027", "2027-03-14"),
        ("14-03-27", "2027-03-14"),
        ("14.03.2027", "2027-03-14"),
        ("3 mars", "2026-03-03"),
        ("1er août 2027", "2027-08-01"),
        ("3 Février 2028", "2028-02-03"),
        ("14/03", "2026-03-14"),
    ],
)
def test_a_date_is_read_in_the_ways_people_write_it(typed: str, meant: str) -> None:
    assert parse("date", typed, TODAY) == meant


@pytest.mark.parametrize("typed", ["31/02/2027", "32/01", "14/13/2027", "3 brumaire", "demain", ""])
def test_a_date_that_does_not_exist_is_refused(typed: str) -> None:
    assert parse("date", typed, TODAY) is None


@pytest.mark.parametrize(
    ("typed", "meant"),
    [("14h30", "14:30"), ("9h", "09:00"), ("14:30", "14:30"), ("9 h 05", "09:05"), ("8", "08:00")],
)
def test_a_time_is_read_as_hours_and_minutes(typed: str, meant: str) -> None:
    assert parse("time", typed, TODAY) == meant


@pytest.mark.parametrize("typed", ["25h", "14h60", "midi", "14h3"])
def test_a_time_that_does_not_exist_is_refused(typed: str) -> None:
    assert parse("time", typed, TODAY) is None


@pytest.mark.parametrize(
    ("typed", "meant"), [("3", 3), ("12,5", 12.5), ("1 250", 1250), ("1 250,75", 1250.75)]
)
def test_a_number_may_use_a_decimal_comma_and_spaces(typed: str, meant: float) -> None:
    assert parse("number", typed, TODAY) == meant


@pytest.mark.parametrize("typed", ["douze", "12 euros", "1,2,3"])
def test_a_number_written_in_words_is_refused(typed: str) -> None:
    assert parse("number", typed, TODAY) is None


@pytest.mark.parametrize(
    "typed",
    ["06 12 34 56 78", "0612345678", "06.12.34.56.78", "+33 6 12 34 56 78", "+33612345678"],
)
def test_a_french_phone_number_is_kept_in_one_written_form(typed: str) -> None:
    assert parse("phone", typed, TODAY) == "06 12 34 56 78"


@pytest.mark.parametrize("typed", ["06 12 34", "06 12 34 56 78 90", "+44 20 7946 0958", "00 12"])
def test_a_phone_number_too_short_or_not_french_is_refused(typed: str) -> None:
    assert parse("phone", typed, TODAY) is None


def test_a_text_answer_is_kept_as_typed_without_surrounding_spaces() -> None:
    assert parse("text", "  Chez ma sœur, à Lyon  ", TODAY) == "Chez ma sœur, à Lyon"


def test_a_text_answer_of_500_characters_is_kept_and_longer_is_refused() -> None:
    assert parse("text", "a" * TEXT_LIMIT, TODAY) == "a" * TEXT_LIMIT
    assert parse("text", "a" * (TEXT_LIMIT + 1), TODAY) is None


def test_an_empty_text_answer_is_refused() -> None:
    assert parse("text", "   ", TODAY) is None


def test_folding_ignores_case_accents_and_extra_spaces() -> None:
    assert fold("  Élément   Éducatif ! ") == "element educatif"
