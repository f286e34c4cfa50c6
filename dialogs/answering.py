"""Reading an answer at the open step, and the tests branches make: pure helpers
of the engine (`dialogs/engine.py`), which moves the conversation on with them."""

from __future__ import annotations

from dialogs import answers, messages
from dialogs.events import Context, Pressed, Said
from dialogs.render import pick
from dialogs.schema import Ask, Checklist, Choose, Condition, Flow
from dialogs.state import State
from dialogs.steps import following, option_target

DONE, TICK = "done", "tick:"
"""Button values of a checklist: its "C'est fait" and each item's toggle."""
TICKED = "ticked"
"""What `answer_checklist` returns after a toggle: the checklist stays open."""


def answer_ask(
    flow: Flow, state: State, ask: Ask, event: Pressed | Said, ctx: Context
) -> str | None:
    if isinstance(event, Pressed):
        text = {"yes": "oui", "no": "non"}.get(event.value, "") if ask.expect == "yesno" else ""
    else:
        text = event.text
    value = answers.parse(ask.expect, text, ctx.today)
    if value is None:
        return None
    state.answers[ask.save] = value
    return following(flow, ask)


def answer_choose(
    flow: Flow, state: State, choose: Choose, event: Pressed | Said, meant: str | None = None
) -> str | None:
    """The step an option leads to, chosen by its button, or typed: its label, its
    number, its id, or `meant`, the option the typed words mean (`dialogs.understanding`)."""
    chosen = None
    if isinstance(event, Pressed):
        chosen = next((o for o in choose.options if o.id == event.value), None)
    else:
        said = answers.fold(event.text)
        for number, option in enumerate(choose.options, start=1):
            labels = {answers.fold(pick(option.label, state))}
            if said in labels or said in (str(number), option.id):
                chosen = option
                break
        else:
            chosen = next((o for o in choose.options if o.id == meant), None)
    if chosen is None:
        return None
    if choose.save:
        state.answers[choose.save] = chosen.id
    return option_target(flow, choose, chosen)


def answer_checklist(
    flow: Flow, state: State, checklist: Checklist, event: Pressed | Said
) -> str | None:
    """The step to go to when finished, "ticked" after a toggle, None for a miss."""
    frame = state.stack[-1]
    ids = [item.id for item in checklist.items]
    if isinstance(event, Pressed):
        finished = event.value == DONE
        toggle = event.value.removeprefix(TICK) if event.value.startswith(TICK) else None
    else:
        said = answers.fold(event.text)
        finished = said in messages.DONE_WORDS
        # By number, compared as text: int() fails on some Unicode digits and on huge numbers.
        toggle = next((i for n, i in enumerate(ids, start=1) if said == str(n)), None)
    ticked = [str(i) for i in frame.locals.get("ticked", [])]
    if finished:
        state.answers[checklist.save] = [i for i in ids if i in ticked]
        return following(flow, checklist)
    if toggle in ids:
        frame.locals["ticked"] = [i for i in ids if (i in ticked) != (i == toggle)]
        return TICKED
    return None


def holds(condition: Condition, state: State) -> bool:
    if condition.released is not None:
        return state.released == condition.released
    if condition.done is not None:
        domain, item = condition.done.split("/", 1)
        return state.is_done(domain, item)
    value = state.answers.get(condition.answer or "")
    if condition.present is not None:
        return (condition.answer in state.answers) == condition.present
    if condition.in_ is not None:
        return any(same(value, expected) for expected in condition.in_)
    return same(value, condition.equals)


def same(value: object, expected: object) -> bool:
    """Equality where a yes/no answer never equals a number (Python has True == 1)."""
    if isinstance(value, bool) != isinstance(expected, bool):
        return False
    return value == expected
