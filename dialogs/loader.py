"""Reading flow files: YAML to typed `Flow`s, with file and line on every error."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml
from pydantic import ValidationError

from dialogs.flowset import FlowSet
from dialogs.glossary import Glossary
from dialogs.schema import Flow, kind_of

if TYPE_CHECKING:
    from dialogs.understanding.load import Labels

FLOWS_DIR = Path(__file__).parent / "flows"
_LINE = "__line__"


@dataclass(frozen=True)
class FlowError:
    """One thing wrong in a flow file, and where."""

    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


class FlowLoadError(Exception):
    """The flows cannot be used; `errors` says where and what to fix."""

    def __init__(self, errors: list[FlowError]) -> None:
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors))


class _LineLoader(yaml.SafeLoader):
    """A safe loader that remembers the line of every mapping."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> dict[str, Any]:
    mapping: dict[str, Any] = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in mapping:
            raise yaml.constructor.ConstructorError(
                None, None, f"the key {key!r} is written twice", key_node.start_mark
            )
        mapping[key] = loader.construct_object(value_node, deep=True)
    mapping[_LINE] = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
LineLoader = _LineLoader
"""For the other data files of `dialogs/` (`dialogs/understanding/load.py`)."""
# YAML 1.1 reads `no`, `yes`, `on`, `off` as booleans: option ids like `no` must stay text.
_LineLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_LineLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", __import__("re").compile(r"^(?:true|false)$"), list("tf")
)


def parse_file(path: Path) -> tuple[Flow | None, list[FlowError]]:
    """One flow file, typed, or the errors that prevent it."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        return None, [FlowError(str(path), 0, f"cannot read the file: {error.strerror}")]
    return parse_text(text, str(path))


def parse_text(text: str, shown: str) -> tuple[Flow | None, list[FlowError]]:
    """The text of one flow file (named `shown` in errors), typed, or its errors."""
    try:
        raw = yaml.load(text, Loader=_LineLoader)  # noqa: S506
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
        line = mark.line + 1 if mark else 0
        problem = getattr(error, "problem", None) or str(error)
        advice = "check the indentation and the quotes on this line and the one before"
        return None, [FlowError(shown, line, f"this is not valid YAML ({problem}): {advice}")]
    if not isinstance(raw, dict):
        return None, [FlowError(shown, 1, "a flow file is a mapping with id, version, steps")]
    errors: list[FlowError] = []
    steps = raw.get("steps")
    if isinstance(steps, list):
        for raw_step in steps:
            if isinstance(raw_step, dict):
                try:
                    raw_step["kind"] = kind_of(raw_step)
                except ValueError as error:
                    errors.append(FlowError(shown, raw_step.get(_LINE, 0), str(error)))
                raw_step["line"] = raw_step.get(_LINE, 0)
    if errors:
        return None, errors
    try:
        flow = Flow.model_validate({**_strip_lines(raw), "path": shown})
    except ValidationError as error:
        return None, [_explain(shown, raw, issue) for issue in error.errors()]
    return flow, []


def _strip_lines(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _strip_lines(v) for k, v in value.items() if k != _LINE}
    if isinstance(value, list):
        return [_strip_lines(v) for v in value]
    return value


def _explain(path: str, raw: dict[str, Any], issue: Any) -> FlowError:
    """A pydantic issue as a line of the file and a sentence."""
    node: Any = raw
    line = raw.get(_LINE, 1)
    where: list[str] = []
    step_tag: str | None = None
    for part in issue["loc"]:
        if step_tag is not None and part == step_tag:
            step_tag = None
            continue  # the tag pydantic adds for the kind of a step, not a key of the file
        step_tag = None
        if (isinstance(node, dict) and part in node) or (
            isinstance(node, list) and isinstance(part, int) and part < len(node)
        ):
            node = node[part]
        elif isinstance(node, dict) and isinstance(part, str) and part.endswith("_"):
            node = node.get(part[:-1], node)
        else:
            if issue["type"] == "missing" and part == issue["loc"][-1]:
                where.append(str(part))  # the key to add
            continue  # otherwise a union's tag, such as 'Wording', in the location
        if isinstance(node, dict):
            line = node.get(_LINE, line)
            if "id" in node:
                where = [f"step {node['id']!r}"] if "kind" in node else where
            if "kind" in node:
                step_tag = str(node["kind"])
        if isinstance(part, str):
            where.append(part)
    if isinstance(node, dict) and not where:
        where = []
    field = ".".join(p for p in where if not p.startswith("step "))
    step_name = next((p for p in where if p.startswith("step ")), "")
    subject = " ".join(filter(None, [step_name, field]))
    message = str(issue["msg"]).removeprefix("Value error, ")
    if issue["type"] == "extra_forbidden":
        message = "this key is not part of the flow format (see docs/flows.md)"
    if issue["type"] == "missing":
        message = "this key is required"
    return FlowError(path, line, f"{subject}: {message}" if subject else message)


def load(
    paths: Iterable[Path] | None = None,
    labels: Labels | None = None,
    glossary: Path | None = None,
) -> tuple[FlowSet, list[FlowError]]:
    """Every flow in `paths` (default: the shipped flows), with what typed text
    means to them (`dialogs/understanding`), and the load errors. `labels` are the
    translations of the option labels, so that a person may type what a button
    says in their language. The words explained on the spot come from `glossary`
    (default: the shipped glossary with the shipped flows, none with other files)."""
    # Imported here: the understanding's own loader reads files with `LineLoader`.
    from dialogs.glossary_loader import GLOSSARY, load_glossary
    from dialogs.understanding.load import compile_understanding

    files = sorted(FLOWS_DIR.glob("*.yaml")) if paths is None else list(paths)
    flows: dict[str, Flow] = {}
    errors: list[FlowError] = []
    for path in files:
        flow, problems = parse_file(path)
        errors.extend(problems)
        if flow is None:
            continue
        if flow.id in flows:
            first = flows[flow.id].path
            errors.append(
                FlowError(str(path), 1, f"flow id {flow.id!r} is already used by {first}")
            )
            continue
        flows[flow.id] = flow
    understanding, problems = compile_understanding(flows, labels)
    if glossary is None and paths is None:
        glossary = GLOSSARY
    words, wrong = load_glossary(glossary) if glossary is not None else (Glossary(), [])
    return FlowSet(flows, understanding, words), errors + problems + wrong
