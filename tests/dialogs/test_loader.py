"""Reading flow files: every error names the file, the line and what to fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from dialogs.loader import FlowError, FlowLoadError, load, parse_file
from dialogs.schema import Choose

FIXTURES = Path(__file__).parent / "fixtures"
BROKEN = FIXTURES / "broken"


def only_error(name: str) -> FlowError:
    flow, errors = parse_file(BROKEN / name)
    assert flow is None
    assert len(errors) == 1, errors
    assert errors[0].path == str(BROKEN / name)
    return errors[0]


def test_invalid_yaml_is_reported_at_its_line_with_advice() -> None:
    error = only_error("invalid_yaml.yaml")
    assert error.line == 10
    assert "not valid YAML" in error.message
    assert "indentation" in error.message


def test_a_step_with_no_kind_is_reported_at_the_step() -> None:
    error = only_error("no_kind.yaml")
    assert error.line == 9
    assert "exactly one of say, ask" in error.message
    assert "found: none" in error.message


def test_a_step_with_two_kinds_names_both() -> None:
    error = only_error("two_kinds.yaml")
    assert error.line == 9
    assert "found: say, ask" in error.message


def test_an_unknown_key_is_named_with_its_step() -> None:
    error = only_error("unknown_key.yaml")
    assert error.line == 9
    assert error.message.startswith("step 'question' sauve:")
    assert "not part of the flow format" in error.message


def test_a_step_without_source_is_told_to_add_it() -> None:
    error = only_error("missing_source.yaml")
    assert error.line == 9
    assert error.message == "step 'unsourced' source: this key is required"


def test_a_flow_id_used_by_two_files_is_reported_on_the_second_naming_the_first() -> None:
    first, second = BROKEN / "same_id_first.yaml", BROKEN / "same_id_second.yaml"
    flows, errors = load([first, second])
    assert errors == [
        FlowError(str(second), 1, f"flow id 'doublon' is already used by {first}"),
    ]
    assert flows["doublon"].title == "Premier"


def test_an_error_reads_as_file_colon_line_colon_message() -> None:
    error = only_error("no_kind.yaml")
    assert str(error).startswith(f"{BROKEN / 'no_kind.yaml'}:9: a step has exactly one of")
    assert str(FlowLoadError([error])) == str(error)


def test_a_missing_file_is_an_error_not_a_crash() -> None:
    flow, errors = parse_file(BROKEN / "absent.yaml")
    assert flow is None
    assert "cannot read the file" in errors[0].message


def test_yaml_yes_and_no_as_option_ids_stay_text() -> None:
    flow, errors = parse_file(BROKEN / "yes_no_ids.yaml")
    assert errors == []
    assert flow is not None
    pick = flow.step("pick")
    assert isinstance(pick, Choose)
    assert [o.id for o in pick.options] == ["yes", "no", "on"]


def test_each_step_remembers_its_line() -> None:
    flow, _ = parse_file(FIXTURES / "engine" / "questions.yaml")
    assert flow is not None
    assert [(s.id, s.line) for s in flow.steps] == [
        ("intro", 6),
        ("has_job", 9),
        ("birth", 14),
        ("thanks", 20),
    ]


@pytest.mark.parametrize("name", ["invalid_yaml.yaml", "no_kind.yaml", "unknown_key.yaml"])
def test_a_broken_file_does_not_stop_the_others_from_loading(name: str) -> None:
    flows, errors = load([BROKEN / name, FIXTURES / "home.yaml"])
    assert len(errors) == 1
    assert list(flows.flows) == ["home"]
