"""The interpreter: `step(flows, state, event, context) -> (state, outputs)`.

Pure: no clock, no I/O, no channel. The state given is never changed; a new
one is returned. Any event on any state gives a valid state and never raises
(see the property tests in `tests/dialogs/test_engine_properties.py`).
"""

from __future__ import annotations

from datetime import date

from dialogs import answers, messages
from dialogs.actions import REGISTRY, ActionCall, plan_of
from dialogs.answering import (
    TICKED,
    answer_ask,
    answer_checklist,
    answer_choose,
    holds,
)
from dialogs.events import Context, Event, Pressed, Said, System
from dialogs.flowset import FlowSet
from dialogs.outputs import Checklist as ChecklistShown
from dialogs.outputs import Choices, Handoff, Output, Prompt, Question, Text
from dialogs.render import message, pick, prompt_of
from dialogs.schema import (
    END,
    WAITING_KINDS,
    Ask,
    Branch,
    Call,
    Checklist,
    Choose,
    Do,
    Flow,
    Say,
    SetValues,
    Step,
)
from dialogs.state import Frame, State
from dialogs.steps import GO_HOME, branch_target, following

MAX_AUTO_STEPS = 200
INTERRUPTED = "__interrupted__"
"""Set on a frame whose question the safety net interrupted (see `_safety_net`)."""
_NO_CONTEXT = Context(today=date(2000, 1, 1))
"""For reading the open prompt: the outputs of a recovery are not shown there."""
MISSES_BEFORE_HELP = 3
MENU, HELP = "menu", "help"


def step(
    flows: FlowSet, state: State, event: Event, context: Context
) -> tuple[State, list[Output]]:
    """Run one event through the conversation."""
    new = state.model_copy(deep=True)
    out = _step(flows, new, event, context)
    prompts = [o for o in out if isinstance(o, Choices | Question | ChecklistShown)]
    new.prompt = prompts[-1] if prompts else None
    return new, out


def _step(flows: FlowSet, new: State, event: Event, context: Context) -> list[Output]:
    shown: list[Output] = []
    moved = _recover(flows, new, shown, context)
    # Every path below ends on the open prompt: recovery's own would show it twice.
    out: list[Output] = [o for o in shown if not isinstance(o, Prompt)]
    if isinstance(event, System):
        _system(flows, new, event, out, context)
    elif _is_global(event, messages.MENU_WORDS, MENU) and new.started:
        new.misses = 0
        _go_home_silently(flows, new)
        _run(flows, new, out, context)
    elif _is_global(event, messages.HELP_WORDS, HELP):
        _help(flows, new, out, context)
    elif isinstance(event, Said) and _in_distress(flows, new, event):
        _safety_net(flows, new, out, context)
    elif not new.started:
        _go_home(flows, new, out, context)
    elif moved or (isinstance(event, Pressed) and event.seq != new.seq):
        # A stale button, or any answer to a question that vanished under the person.
        out += [Text(message(messages.CLOSED, new)), *_reprompt(flows, new)]
    else:
        _answer(flows, new, event, context, out)
    return out


def _in_distress(flows: FlowSet, state: State, said: Said) -> bool:
    """Words of distress, said anywhere but inside the safety net already."""
    if messages.DISTRESS_FLOW not in flows.flows:
        return False
    if any(frame.flow == messages.DISTRESS_FLOW for frame in state.stack):
        return False
    folded = answers.fold(said.text)
    return any(answers.fold(word) in folded for word in messages.DISTRESS_WORDS)


def _safety_net(flows: FlowSet, state: State, out: list[Output], ctx: Context) -> None:
    """Open the safety net on top of whatever was going on, and tell a counsellor.

    It is called like a flow: when it ends, the person is back where they were.
    """
    state.misses = 0
    where = f"{state.stack[-1].flow}/{state.stack[-1].step}" if state.stack else "menu"
    out.append(Handoff(reason=f"{messages.DISTRESS_FLOW}:{where}"))
    if not state.stack:
        _go_home_silently(flows, state)
    net = flows[messages.DISTRESS_FLOW]
    # The frame below waits on its question: it is asked again when the net ends.
    state.stack[-1].locals[INTERRUPTED] = True
    state.stack.append(Frame(flow=net.id, version=net.version, step=net.first()))
    _run(flows, state, out, ctx)


def current_prompt(flows: FlowSet, state: State) -> Prompt | None:
    """The question now open, as it was last shown (same `seq`), or None."""
    copy = state.model_copy(deep=True)
    _recover(flows, copy, [], _NO_CONTEXT)
    prompts = _reprompt(flows, copy)
    return prompts[0] if prompts else None


def recover(flows: FlowSet, state: State) -> tuple[State, list[Output]]:
    """The state with every frame on a step that exists (see `_recover`)."""
    copy = state.model_copy(deep=True)
    out: list[Output] = []
    _recover(flows, copy, out, _NO_CONTEXT)
    return copy, out


def _recover(flows: FlowSet, state: State, out: list[Output], ctx: Context) -> bool:
    """Move a person parked where a flow changed to a place that exists.

    A frame on a step that still exists stays there, even if the version moved.
    A frame on a vanished step (or a caller no longer on a `call`) goes to its
    flow's `recovery` step and the frames above it are dropped. A vanished flow
    is dropped with everything above it; its caller restarts at its recovery.
    Returns whether the person was moved: the question now open is then a new
    one (new `seq`, shown in `out`), which nothing sent before may answer.
    """
    moved = False
    for index, frame in enumerate(state.stack):
        flow = flows.get(frame.flow)
        if flow is None:
            del state.stack[index:]
            if state.stack:
                _park(flows[state.stack[-1].flow], state.stack[-1])
            moved = True
            break
        here = flow.step(frame.step)
        above = state.stack[index + 1] if index + 1 < len(state.stack) else None
        calls_above = above is not None and (
            (isinstance(here, Call) and here.call == above.flow)
            or (frame.locals.get(INTERRUPTED) is True and above.flow == messages.DISTRESS_FLOW)
        )
        if (here is None and frame.step != END) or (above is not None and not calls_above):
            del state.stack[index + 1 :]
            _park(flow, frame)
            moved = True
            break
        frame.version = flow.version
    if not state.stack:
        return moved  # a conversation that never started stays unstarted
    top = flows[state.stack[-1].flow].step(state.stack[-1].step)
    if moved or top is None or top.kind not in WAITING_KINDS:
        _run(flows, state, out, ctx)
    return moved


def _park(flow: Flow, frame: Frame) -> None:
    frame.step, frame.version, frame.locals = flow.recovery, flow.version, {}


def _system(flows: FlowSet, state: State, event: System, out: list[Output], ctx: Context) -> None:
    if event.name == "released":
        state.released = True
        out.append(Text(message(messages.RELEASED, state)))
    elif event.name == "linked":
        # A phone was just linked: who, what is done, then the question left open.
        out.extend([Text(message(messages.LINKED, state)), plan_of(state, flows)])
        if not state.started:
            _go_home(flows, state, out, ctx)
            return
    elif event.name in ("start", "resume") and not state.started:
        _go_home(flows, state, out, ctx)
        return
    elif event.name in ("start", "resume"):
        out.append(Text(message(messages.WELCOME_BACK, state)))
    out.extend(_reprompt(flows, state))


def _is_global(event: Event, words: set[str], value: str) -> bool:
    if isinstance(event, Pressed):
        return event.value == value
    return isinstance(event, Said) and answers.fold(event.text) in words


def _go_home(flows: FlowSet, state: State, out: list[Output], ctx: Context) -> None:
    home = flows.home
    state.stack = [Frame(flow=home.id, version=home.version, step=home.first())]
    state.misses = 0
    _run(flows, state, out, ctx)


def _go_home_silently(flows: FlowSet, state: State) -> None:
    """Back to the home menu without its greeting (a flow ended, or `go_home`)."""
    home = flows.home
    state.stack = [Frame(flow=home.id, version=home.version, step=home.recovery)]


def _help(flows: FlowSet, state: State, out: list[Output], ctx: Context) -> None:
    state.misses = 0
    where = f"{state.stack[-1].flow}/{state.stack[-1].step}" if state.stack else "menu"
    out.extend([Handoff(reason=where), Text(message(messages.HANDOFF_SENT, state))])
    if state.started:
        out.extend(_reprompt(flows, state))
    else:
        _go_home(flows, state, out, ctx)


def _answer(
    flows: FlowSet, state: State, event: Pressed | Said, ctx: Context, out: list[Output]
) -> None:
    frame = state.stack[-1]
    flow = flows[frame.flow]
    current = flow.step(frame.step)
    target: str | None = None
    if isinstance(current, Ask):
        target = answer_ask(flow, state, current, event, ctx)
    elif isinstance(current, Choose):
        target = answer_choose(flow, state, current, event)
    elif isinstance(current, Checklist):
        verdict = answer_checklist(flow, state, current, event)
        if verdict == TICKED:
            state.misses = 0
            state.seq += 1
            out.append(prompt_of(state, current))
            return
        target = verdict
    if target is None or current is None:
        _missed(flows, state, current, out)
        return
    state.misses = 0
    frame.step, frame.locals = target, {}
    _run(flows, state, out, ctx)


def _missed(flows: FlowSet, state: State, current: Step | None, out: list[Output]) -> None:
    state.misses += 1
    if isinstance(current, Ask):
        retry = current.retry or messages.RETRY[current.expect]
        out.append(Text(message(pick(retry, state), state)))
    else:
        out.append(Text(message(messages.NOT_UNDERSTOOD, state)))
    if state.misses >= MISSES_BEFORE_HELP:
        out.append(Text(message(messages.OFFER_HELP, state)))
    out.extend(_reprompt(flows, state))


def _reprompt(flows: FlowSet, state: State) -> list[Prompt]:
    if not state.stack:
        return []
    current = flows[state.stack[-1].flow].step(state.stack[-1].step)
    if not isinstance(current, Ask | Choose | Checklist):
        return []
    return [prompt_of(state, current, offer_help=state.misses >= MISSES_BEFORE_HELP)]


def _run(flows: FlowSet, state: State, out: list[Output], ctx: Context) -> None:
    """Carry out the steps that do not wait, until a question is open."""
    for _ in range(MAX_AUTO_STEPS):
        frame = state.stack[-1]
        if frame.step == END:
            _return(flows, state)
            continue
        flow = flows[frame.flow]
        current = flow.step(frame.step)
        if isinstance(current, Say):
            out.append(Text(message(pick(current.say, state), state)))
        elif isinstance(current, SetValues):
            state.answers.update(current.set)
        elif isinstance(current, Branch):
            rule = next((r for r in current.branch if holds(r.if_, state)), None)
            frame.step = branch_target(flow, current, rule)
            continue
        elif isinstance(current, Call):
            callee = flows[current.call]
            state.stack.append(Frame(flow=callee.id, version=callee.version, step=callee.first()))
            continue
        elif isinstance(current, Do) and current.do == GO_HOME:
            _go_home_silently(flows, state)
            continue
        elif isinstance(current, Do):
            out.extend(
                REGISTRY[current.do].run(state, ActionCall(flows, flow, current, ctx.directory))
            )
        elif current is not None:
            state.seq += 1
            out.append(prompt_of(state, current))
            return
        frame.step = following(flow, current) if current is not None else END
    out.append(Text(message(messages.LOOP_GUARD, state)))
    _go_home_silently(flows, state)
    home = flows.home.step(flows.home.recovery)
    if isinstance(home, Ask | Choose | Checklist):
        state.seq += 1
        out.append(prompt_of(state, home))


def _return(flows: FlowSet, state: State) -> None:
    """The flow on top ended: back to its caller's next step, or to the menu."""
    state.stack.pop()
    if not state.stack:
        _go_home_silently(flows, state)
        return
    caller = state.stack[-1]
    if caller.locals.pop(INTERRUPTED, False):
        return  # back on the question the safety net interrupted
    flow = flows[caller.flow]
    call = flow.step(caller.step)
    caller.step = following(flow, call) if call is not None else flow.recovery
