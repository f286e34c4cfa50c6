"""Checks across flows: targets, calls, actions, reachability, catalogs.

`loader` makes sure each file is well formed; this module makes sure the flows
make sense together. Both report `FlowError`s with file and line.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Set
from typing import get_args

from dialogs import steps
from dialogs.actions import REGISTRY
from dialogs.appointments import ANSWER_FLOW, Answer, is_kind
from dialogs.flowset import HOME, FlowSet
from dialogs.loader import FlowError
from dialogs.render import placeholders
from dialogs.schema import (
    END,
    Ask,
    Branch,
    Call,
    Checklist,
    Choose,
    Do,
    Flow,
    SetValues,
    Step,
    texts_of,
)
from dialogs.understanding import lint as understanding_lint

PROFILE_FIELDS = frozenset({"first_name"})
RESERVED_VALUES = frozenset({"menu", "help", "urgent"})
"""Button values the engine reads before any flow: an option with such an id
would never reach its flow."""


def check(flows: FlowSet, catalogs: Mapping[str, Set[str]] | None = None) -> list[FlowError]:
    """Every problem found in `flows`; `catalogs` maps a language to its msgids."""
    errors: list[FlowError] = []
    if HOME not in flows.flows:
        errors.append(FlowError("dialogs/flows", 0, "there is no 'home' flow (the main menu)"))
    saved = {key for flow in flows.flows.values() for key in _saved_keys(flow)}
    errors.extend(understanding_lint.check(flows))
    for flow in flows.flows.values():
        errors.extend(_check_flow(flow, flows, saved | PROFILE_FIELDS))
        for language, msgids in sorted((catalogs or {}).items()):
            for step, msgid in steps.msgids(flow):
                if msgid not in msgids:
                    errors.append(
                        _at(
                            flow,
                            step,
                            f"the text {msgid!r} has no {language} translation "
                            f"(run scripts/catalogs, then translate it in "
                            f"locales/{language}/LC_MESSAGES/messages.po)",
                        )
                    )
    errors.extend(_check_glossary(flows, catalogs or {}))
    return errors


def _check_glossary(flows: FlowSet, catalogs: Mapping[str, Set[str]]) -> Iterator[FlowError]:
    """Every explanation of the glossary translated in every language."""
    from dialogs.glossary_loader import GLOSSARY

    for term in flows.glossary.terms:
        for language, msgids in sorted(catalogs.items()):
            if term.means not in msgids:
                yield FlowError(
                    str(GLOSSARY),
                    term.line,
                    f"the explanation of {term.term!r} has no {language} translation "
                    f"(run scripts/catalogs, then translate it in "
                    f"locales/{language}/LC_MESSAGES/messages.po)",
                )


def _msgids_of_step(step: Step) -> Iterator[str]:
    for _role, text in steps.texts(step):
        yield from texts_of(text)


def _saved_keys(flow: Flow) -> Iterator[str]:
    for step in flow.steps:
        if isinstance(step, Ask | Checklist) or (isinstance(step, Choose) and step.save):
            yield str(step.save)
        elif isinstance(step, SetValues):
            yield from step.set


def _check_flow(flow: Flow, flows: FlowSet, known_answers: Set[str]) -> Iterator[FlowError]:
    ids = [step.id for step in flow.steps]
    for step in flow.steps:
        if ids.count(step.id) > 1 and ids.index(step.id) != flow.steps.index(step):
            yield _at(flow, step, f"the step id {step.id!r} is used twice in this flow")
    for name, target in (("start", flow.start), ("recovery", flow.recovery)):
        if target is not None and flow.step(target) is None:
            yield FlowError(flow.path, 1, f"{name}: there is no step {target!r} in this flow")
    for entry in flow.entries:
        if flow.step(entry) is None:
            yield FlowError(flow.path, 1, f"entries: there is no step {entry!r} in this flow")
    if flow.id == ANSWER_FLOW:
        for answer in get_args(Answer):
            if answer not in flow.entries:
                yield FlowError(
                    flow.path,
                    1,
                    f"entries: the answer {answer!r} of an appointment card needs its step "
                    "(the engine opens this flow there)",
                )
    for step in flow.steps:
        for way in steps.exits(flow, step):
            if way.target != END and flow.step(way.target) is None:
                yield _at(
                    flow, step, f"goes to {way.target!r}, but no step of this flow has that id"
                )
        yield from _check_step(flow, step, flows, known_answers)
    reachable = _reachable(flow)
    for step in flow.steps:
        if step.id not in reachable:
            yield _at(flow, step, f"the step {step.id!r} can never be reached")


def _check_step(
    flow: Flow, step: Step, flows: FlowSet, known_answers: Set[str]
) -> Iterator[FlowError]:
    if isinstance(step, Call) and step.call not in flows.flows:
        yield _at(flow, step, f"calls the flow {step.call!r}, which does not exist")
    if isinstance(step, Do):
        spec = REGISTRY.get(step.do)
        if spec is None:
            known = ", ".join(sorted(REGISTRY))
            yield _at(flow, step, f"unknown action {step.do!r} (known actions: {known})")
        else:
            for missing in sorted(spec.required - step.args.keys()):
                yield _at(flow, step, f"the action {step.do!r} needs the argument {missing!r}")
            for extra in sorted(step.args.keys() - spec.allowed):
                yield _at(flow, step, f"the action {step.do!r} takes no argument {extra!r}")
            if step.do == "mark_done" and not (flow.domain or step.args.get("domain")):
                yield _at(flow, step, "mark_done needs a domain: give the flow a 'domain'")
            if step.do == "answer_appointment" and step.args.get("answer") not in get_args(Answer):
                answers = ", ".join(get_args(Answer))
                yield _at(flow, step, f"answer_appointment: 'answer' is one of {answers}")
            kind = step.args.get("kind")
            if step.do == "note_appointment" and kind is not None and not is_kind(str(kind)):
                yield _at(flow, step, f"note_appointment: unknown kind of appointment {kind!r}")
    if isinstance(step, Choose):
        for option in step.options:
            if option.id in RESERVED_VALUES:
                yield _at(
                    flow,
                    step,
                    f"the option id {option.id!r} is the global {option.id!r} button: "
                    "choose another id",
                )
    if isinstance(step, Branch):
        for rule in step.branch:
            if rule.if_.answer is not None and rule.if_.answer not in known_answers:
                yield _at(flow, step, f"tests the answer {rule.if_.answer!r}, never saved")
    for text in _msgids_of_step(step):
        try:
            names = placeholders(text)
        except ValueError as error:
            yield _at(flow, step, f"the text {text!r} has a broken {{placeholder}}: {error}")
            continue
        for name in names:
            if name not in known_answers:
                yield _at(flow, step, f"the text uses {{{name}}}, which is never saved")


def _reachable(flow: Flow) -> set[str]:
    seen: set[str] = set()
    todo = [flow.first(), flow.recovery, *flow.entries]
    while todo:
        step_id = todo.pop()
        step = flow.step(step_id)
        if step is None or step_id in seen:
            continue
        seen.add(step_id)
        todo.extend(way.target for way in steps.exits(flow, step))
    return seen


def _at(flow: Flow, step: Step | None, message: str) -> FlowError:
    return FlowError(flow.path, step.line if step is not None else 1, message)
