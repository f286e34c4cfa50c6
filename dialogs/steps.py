"""What a step means, written once: where it can go next, and the texts it shows.

The engine follows these ways when it runs a flow, the linter checks them, the
diagram and the catalogue draw and list them, and the Babel extractor collects
the texts. A new kind of step, or a new way out of one, is added here and all
of them follow.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

from dialogs.schema import (
    END,
    Ask,
    Branch,
    Checklist,
    Choose,
    Do,
    Flow,
    Option,
    Rule,
    Say,
    Step,
    Text,
    texts_of,
)

GO_HOME = "go_home"
"""The action that leaves every flow for the home menu."""

Why = Literal["next", "option", "rule", "else", "home"]
TextRole = Literal["say", "ask", "retry", "choose", "option", "checklist", "item"]


@dataclass(frozen=True)
class Exit:
    """One way out of a step: where to (a step id or END), and why.

    ``explicit`` is False when the way is the following step in the list (not
    written in the flow). ``option`` and ``rule`` say which button or which
    test leads there.
    """

    target: str
    why: Why
    explicit: bool = True
    option: Option | None = None
    rule: Rule | None = None


def following(flow: Flow, step: Step) -> str:
    """Where a step goes when it says nothing else: its `next`, or the step below."""
    return step.next if step.next is not None else flow.following(step.id)


def option_target(flow: Flow, step: Choose, option: Option) -> str:
    """Where pressing `option` leads."""
    return option.goto or following(flow, step)


def branch_target(flow: Flow, step: Branch, rule: Rule | None) -> str:
    """Where a branch leads when `rule` holds (None: when no rule holds)."""
    if rule is not None:
        return rule.goto
    return step.else_ if step.else_ is not None else following(flow, step)


def exits(flow: Flow, step: Step) -> list[Exit]:
    """Every way out of `step`: one per option, per rule, or the plain way on."""
    written = step.next is not None
    if isinstance(step, Choose):
        return [
            Exit(option_target(flow, step, o), "option", bool(o.goto) or written, option=o)
            for o in step.options
        ]
    if isinstance(step, Branch):
        ways = [Exit(rule.goto, "rule", rule=rule) for rule in step.branch]
        otherwise = branch_target(flow, step, None)
        return [*ways, Exit(otherwise, "else", step.else_ is not None or written)]
    if isinstance(step, Do) and step.do == GO_HOME:
        return [Exit(END, "home", explicit=False)]
    return [Exit(following(flow, step), "next", written)]


def texts(step: Step) -> Iterator[tuple[TextRole, Text]]:
    """Every text a step shows, in the order a person meets them, with its role."""
    if isinstance(step, Say):
        yield "say", step.say
    elif isinstance(step, Ask):
        yield "ask", step.ask
        if step.retry is not None:
            yield "retry", step.retry
    elif isinstance(step, Choose):
        yield "choose", step.choose
        for option in step.options:
            yield "option", option.label
    elif isinstance(step, Checklist):
        yield "checklist", step.checklist
        for item in step.items:
            yield "item", item.label


def msgids(flow: Flow) -> Iterator[tuple[Step | None, str]]:
    """Every msgid of a flow with the step that holds it (None for the flow's title)."""
    yield None, flow.title
    for step in flow.steps:
        for _role, text in texts(step):
            for msgid in texts_of(text):
                yield step, msgid
