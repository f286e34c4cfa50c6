"""Turning flow steps into channel-neutral outputs (wording, parameters, buttons)."""

from __future__ import annotations

import string

from dialogs import messages, moment
from dialogs.outputs import Button, CheckItem, Choices, Message, Prompt, Question
from dialogs.outputs import Checklist as ChecklistOut
from dialogs.schema import Ask, Checklist, Choose, Text
from dialogs.state import State

_FORMATTER = string.Formatter()


def pick(text: Text, state: State) -> str:
    """The msgid of a text for where the person is now (inside or outside)."""
    if isinstance(text, str):
        return text
    return text.outside if state.released else text.inside


def placeholders(msgid: str) -> list[str]:
    """The `{names}` a msgid uses; raises ValueError on a malformed one."""
    return [name for _, name, _, _ in _FORMATTER.parse(msgid) if name]


def message(msgid: str, state: State) -> Message:
    """A message with the values of its placeholders, from profile and answers."""
    params: dict[str, str] = {}
    for name in placeholders(msgid):
        value = state.profile.get(name, state.answers.get(name))
        params[name] = "" if value is None else str(value)
    return Message(msgid, params)


def prompt_of(state: State, step: Ask | Choose | Checklist, offer_help: bool = False) -> Prompt:
    """The prompt a waiting step shows, numbered with the state's `seq`."""
    help_shown = isinstance(step, Choose) and any(
        pick(o.label, state) == messages.HELP_BUTTON for o in step.options
    )
    extra = (
        (Button("help", Message(messages.HELP_BUTTON)),) if offer_help and not help_shown else ()
    )
    if isinstance(step, Ask):
        quick: tuple[Button, ...] = ()
        if step.expect == "yesno":
            quick = (Button("yes", Message(messages.YES)), Button("no", Message(messages.NO)))
        shown = Question(
            message(pick(step.ask, state), state), step.expect, state.seq, quick + extra
        )
        return moment.prompt(state, step, shown) if step.expect == "moment" else shown
    if isinstance(step, Choose):
        buttons = tuple(Button(o.id, message(pick(o.label, state), state)) for o in step.options)
        return Choices(message(pick(step.choose, state), state), buttons + extra, state.seq)
    ticked = state.stack[-1].locals.get("ticked", []) if state.stack else []
    items = tuple(
        CheckItem(i.id, message(pick(i.label, state), state), i.id in ticked) for i in step.items
    )
    return ChecklistOut(
        message(pick(step.checklist, state), state),
        items,
        Message(messages.CHECKLIST_DONE),
        state.seq,
    )


def pressable(prompt: Prompt) -> tuple[Button, ...]:
    """Every button a prompt shows, checklist items and its done button included."""
    if isinstance(prompt, ChecklistOut):
        ticks = tuple(Button(f"tick:{item.id}", item.label) for item in prompt.items)
        return (*ticks, Button("done", prompt.done_label))
    return prompt.buttons
