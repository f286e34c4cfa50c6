"""Checks across flows: every problem names the file, the line and what to fix."""

from __future__ import annotations

from pathlib import Path

from dialogs.flowset import FlowSet
from dialogs.lint import check
from dialogs.loader import FlowError, load
from dialogs.steps import msgids

FIXTURES = Path(__file__).parent / "fixtures"
BROKEN = FIXTURES / "broken"
HOME = FIXTURES / "home.yaml"


def lint(name: str) -> list[tuple[int, str]]:
    """The (line, message) of every problem found in one broken file, beside a home."""
    flows, errors = load([HOME, BROKEN / name])
    assert errors == []
    found = check(flows)
    assert {e.path for e in found} <= {str(BROKEN / name)}
    return [(e.line, e.message) for e in found]


def engine_flows() -> FlowSet:
    flows, errors = load(sorted((FIXTURES / "engine").glob("*.yaml")))
    assert errors == []
    return flows


def test_consistent_flows_pass() -> None:
    assert check(engine_flows()) == []


def test_a_missing_home_flow_is_reported() -> None:
    flows, _ = load([BROKEN / "unreachable.yaml"])
    assert any("no 'home' flow" in e.message for e in check(flows))


def test_a_duplicate_step_id_is_reported_on_the_second() -> None:
    assert lint("duplicate_step.yaml") == [(9, "the step id 'intro' is used twice in this flow")]


def test_dangling_next_goto_and_else_are_each_reported_at_their_step() -> None:
    assert lint("dangling.yaml") == [
        (6, "goes to 'lost', but no step of this flow has that id"),
        (12, "goes to 'astray', but no step of this flow has that id"),
        (17, "goes to 'nowhere', but no step of this flow has that id"),
    ]


def test_a_call_to_an_unknown_flow_is_reported() -> None:
    assert lint("unknown_call.yaml") == [
        (9, "calls the flow 'no_such_flow', which does not exist"),
    ]


def test_an_unknown_action_lists_the_known_ones_and_a_missing_argument_is_named() -> None:
    assert lint("actions.yaml") == [
        (
            10,
            "unknown action 'send_sms' (known actions: answer_appointment, ask_counsellor, go_home, mark_done, "
            "note_appointment, show_cv, show_plan, show_service)",
        ),
        (13, "the action 'mark_done' needs the argument 'item'"),
    ]


def test_an_unreachable_step_is_reported() -> None:
    assert lint("unreachable.yaml") == [(10, "the step 'orphan' can never be reached")]


def test_a_branch_on_an_answer_never_saved_and_a_placeholder_never_saved_are_reported() -> None:
    assert lint("unsaved.yaml") == [
        (6, "tests the answer 'ghost', never saved"),
        (10, "the text uses {birthday}, which is never saved"),
    ]


def test_first_name_is_always_there_for_placeholders() -> None:
    assert all("first_name" not in message for _, message in lint("unsaved.yaml"))


def test_a_text_missing_from_a_catalog_is_reported_with_its_language_and_line() -> None:
    flows = engine_flows()
    every_msgid = {msgid for flow in flows.flows.values() for _, msgid in msgids(flow)}
    assert check(flows, {"en": every_msgid, "ar": every_msgid}) == []
    errors = check(flows, {"en": every_msgid - {"Votre date de naissance ?"}})
    assert errors == [
        FlowError(
            str(FIXTURES / "engine" / "questions.yaml"),
            14,
            "the text 'Votre date de naissance ?' has no en translation (run scripts/catalogs, "
            "then translate it in locales/en/LC_MESSAGES/messages.po)",
        )
    ]


def test_both_wordings_of_a_text_need_a_translation() -> None:
    flows = engine_flows()
    every_msgid = {msgid for flow in flows.flows.values() for _, msgid in msgids(flow)}
    errors = check(flows, {"ro": every_msgid - {"Demandez ces papiers à la mairie :"}})
    assert [(e.line, e.message) for e in errors] == [
        (
            7,
            "the text 'Demandez ces papiers à la mairie :' has no ro translation (run "
            "scripts/catalogs, then translate it in locales/ro/LC_MESSAGES/messages.po)",
        ),
    ]


def test_a_missing_flow_title_translation_is_reported_at_line_1() -> None:
    flows = engine_flows()
    every_msgid = {msgid for flow in flows.flows.values() for _, msgid in msgids(flow)}
    errors = check(flows, {"en": every_msgid - {"Carte d'identité"}})
    assert [(Path(e.path).name, e.line) for e in errors] == [("papiers.yaml", 1)]


def test_an_option_named_like_a_global_button_is_reported() -> None:
    assert lint("reserved_option.yaml") == [
        (
            6,
            "the option id 'help' is the global 'help' button: choose another id",
        )
    ]
