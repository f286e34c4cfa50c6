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
from dialogs.appointments import ANSWER_FLOW, ENGINE_ANSWERS, Answer, read_answer
from dialogs.events import Context, Event, Pressed, Said, System
from dialogs.flowset import FlowSet
from dialogs.glossary import WORD, Term
from dialogs.moment import Asking, Refused, answer_moment
from dialogs.outputs import (
    AppointmentAnswer,
    Button,
    Choices,
    Handoff,
    Message,
    Output,
    Prompt,
    Question,
    Text,
)
from dialogs.outputs import Checklist as ChecklistShown
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
from dialogs.understanding.compiled import Category
from dialogs.understanding.phrases import Reading
from dialogs.understanding.text import words as typed_words

MAX_AUTO_STEPS = 200
INTERRUPTED = "__interrupted__"
"""Set on a frame whose question another flow interrupted (the safety net, or a
guide opened from typed text): the id of that flow, which comes back here."""
OFFER = "__offer__"
"""Set on a frame while guides found for a typed sentence are offered (`_offer`)."""
GUIDE = "guide:"
"""Value of an offered guide's button: `guide:<flow id>`; `guide:` alone declines."""
MAX_DEPTH = 8
"""A guide opened from typed text on a deeper stack starts from the menu."""
_NO_CONTEXT = Context(today=date(2000, 1, 1))
"""For reading the open prompt: the outputs of a recovery are not shown there."""
MISSES_BEFORE_HELP = 3
MENU, HELP, URGENT = "menu", "help", "urgent"
_MENU = {answers.fold(word) for word in messages.MENU_WORDS}
_HELP = {answers.fold(word) for word in messages.HELP_WORDS}
_URGENT = {answers.fold(word) for word in messages.URGENT_WORDS}


def step(
    flows: FlowSet, state: State, event: Event, context: Context
) -> tuple[State, list[Output]]:
    """Run one event through the conversation."""
    new = state.fork()
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
    elif _is_global(event, _MENU, MENU) and new.started:
        new.misses = 0
        _go_home_silently(flows, new)
        _run(flows, new, out, context)
    elif _is_global(event, _HELP, HELP):
        _help(flows, new, out, context)
    elif _is_global(event, _URGENT, URGENT):
        _safety_net(flows, new, None, out, context)
    elif isinstance(event, Pressed) and (meant := read_answer(event.value)) is not None:
        _appointment(flows, new, *meant, out, context)
    elif isinstance(event, Pressed) and event.value.startswith(WORD) and new.started:
        # A word of a message tapped (the kiosk): its explanation, the question stays.
        _explain(flows, new, flows.glossary.get(event.value.removeprefix(WORD)), out)
    elif isinstance(event, Said):
        _said(flows, new, event, moved, out, context)
    elif not new.started:
        _go_home(flows, new, out, context)
    elif moved or event.seq != new.seq:
        # A stale button, or any answer to a question that vanished under the person.
        out += [Text(message(messages.CLOSED, new)), *_reprompt(flows, new)]
    else:
        _answer(flows, new, event, context, out)
    return out


def _said(
    flows: FlowSet, state: State, said: Said, moved: bool, out: list[Output], ctx: Context
) -> None:
    """Typed text, read once, in this order: words of urgent distress; a question
    about a word of the glossary ("c'est quoi le SIAO"); the answer to the open
    question (guides on offer, a question, a choice, a checklist); other distress
    (nowhere to sleep); the guides it speaks of; small talk."""
    understanding = flows.understanding
    reading = understanding.read(said.text)
    alarm = understanding.alarm(reading) if messages.DISTRESS_FLOW in flows.flows else None
    if alarm is not None and (alarm.category.urgent or not state.started):
        _safety_net(flows, state, alarm.category, out, ctx)
    elif not state.started:
        _go_home(flows, state, out, ctx)
    elif moved:
        out.extend([Text(message(messages.CLOSED, state)), *_reprompt(flows, state)])
    elif (term := _word_asked(flows, reading, said)) is not None:
        _explain(flows, state, term, out)
    elif _answer(flows, state, said, ctx, out, reading, quiet=True):
        return
    elif alarm is not None:
        _safety_net(flows, state, alarm.category, out, ctx)
    else:
        _understand(flows, state, said, reading, out)


def _understand(
    flows: FlowSet, state: State, said: Said, reading: Reading, out: list[Output]
) -> None:
    """Text that answers nothing open: guides to offer, a natural answer, or a miss."""
    frame = state.stack[-1]
    current = flows[frame.flow].step(frame.step)
    if isinstance(current, Ask) and _is_an_answer(said.text):
        _missed(flows, state, current, out)  # a yes/no, a date, a number: never a topic
        return
    on_stack = frozenset(f.flow for f in state.stack)
    guides = flows.understanding.guides(reading, leave_out=on_stack)
    if guides:
        state.misses = 0
        frame.locals[OFFER] = [g.flow for g in guides]
        state.seq += 1
        out.append(_offer_prompt(flows, state))
        return
    kind = flows.understanding.small_talk(reading)
    if kind is None:
        _missed(flows, state, current, out)
        return
    out.append(Text(message(messages.SMALL_TALK[kind], state)))
    out.extend(_reprompt(flows, state, offer_help=kind == "confused"))


def _word_asked(flows: FlowSet, reading: Reading, said: Said) -> Term | None:
    """The word of the glossary a typed question is about: just after "c'est quoi"
    (an article may come between: "c'est quoi le SIAO"), or just before ("le RIB,
    c'est quoi ?"). Anything else ("qu'est-ce que je dois faire pour la CAF") is
    not a question about a word."""
    spans = flows.understanding.questions(reading)
    if not spans or not flows.glossary.terms:
        return None
    words = typed_words(said.text)
    for start, end in spans:
        for at in range(end, min(end + 3, len(words))):
            found = flows.glossary.term_at(words, at)
            if found is not None:
                return found[0]
        for at in range(max(0, start - 6), start):
            found = flows.glossary.term_at(words, at)
            if found is not None and at + found[1] == start:
                return found[0]
    return None


def _explain(flows: FlowSet, state: State, term: Term | None, out: list[Output]) -> None:
    """A word explained, then the open question again (an unknown word: the question)."""
    state.misses = 0
    if term is not None:
        out.append(Text(Message(term.means)))
    out.extend(_reprompt(flows, state))


def _is_an_answer(text: str) -> bool:
    return any(
        answers.parse(kind, text, _NO_CONTEXT.today) is not None
        for kind in ("yesno", "date", "time", "number", "phone")
    )


def _offer_prompt(flows: FlowSet, state: State) -> Choices:
    """The guides offered on the top frame, one button each, and "Non, merci"."""
    offered = [f for f in state.stack[-1].locals.get(OFFER, []) if f in flows.flows]
    text = messages.OFFER_ONE if len(offered) == 1 else messages.OFFER_SOME
    buttons = tuple(Button(GUIDE + f, Message(flows[f].title)) for f in offered)
    return Choices(
        Message(text), (*buttons, Button(GUIDE, Message(messages.OFFER_NONE))), state.seq
    )


def _answer_offer(
    flows: FlowSet,
    state: State,
    event: Pressed | Said,
    reading: Reading | None,
    out: list[Output],
    ctx: Context,
) -> bool:
    """An answer to guides on offer: open one, or decline and see the question again.
    Anything else closes the offer and is read as usual (False)."""
    frame = state.stack[-1]
    offered = [str(f) for f in frame.locals.pop(OFFER, [])]
    chosen: str | None = None
    if isinstance(event, Pressed) and event.value.startswith(GUIDE):
        chosen = event.value.removeprefix(GUIDE)
    elif isinstance(event, Said) and reading is not None:
        kinds = flows.understanding.small_talk_kinds(reading)
        if "no" in kinds:
            chosen = ""
        elif "yes" in kinds and len(offered) == 1:
            chosen = offered[0]
    if chosen is None:
        return False
    state.misses = 0
    if chosen in offered and chosen in flows.flows:
        _open(flows, state, flows[chosen], flows[chosen].first(), out, ctx)
    else:
        out.extend(_reprompt(flows, state, renew=True))
    return True


def _open(
    flows: FlowSet, state: State, flow: Flow, at: str, out: list[Output], ctx: Context
) -> None:
    """Run `flow` from `at` above the open question, which is asked again when it ends."""
    if len(state.stack) >= MAX_DEPTH:
        _go_home_silently(flows, state)
    state.stack[-1].locals[INTERRUPTED] = flow.id
    state.stack.append(Frame(flow=flow.id, version=flow.version, step=at))
    _run(flows, state, out, ctx)


def _safety_net(
    flows: FlowSet, state: State, category: Category | None, out: list[Output], ctx: Context
) -> None:
    """Open the safety net above whatever was going on, and tell a counsellor.

    At the step of `category`, or at its start ("Aide urgente"). It is called
    like a flow: when it ends, the person is back where they were. Opened again
    from inside, it starts again at the new step, above the same place.
    """
    net = flows.get(messages.DISTRESS_FLOW)
    if net is None:
        _help(flows, state, out, ctx)  # no net among these flows: a counsellor, at least
        return
    state.misses = 0
    opened = next((i for i, f in enumerate(state.stack) if f.flow == net.id), None)
    if opened is not None:
        del state.stack[opened:]
    if not state.stack:
        _go_home_silently(flows, state)
    below = state.stack[-1]
    below.locals.pop(OFFER, None)
    kind = category.id if category is not None else URGENT
    out.append(Handoff(reason=f"{net.id}:{kind}:{below.flow}/{below.step}", about="distress"))
    at = category.step if category is not None and net.step(category.step) else net.first()
    _open(flows, state, net, at, out, ctx)


_ALREADY: dict[Answer, str] = {
    "yes": "confirmed",
    "no": "cannot_come",
    "went": "done",
    "missed": "missed",
}
"""The status an answer leaves an appointment in: pressing it again changes nothing."""


def _appointment(
    flows: FlowSet,
    state: State,
    appointment_id: str,
    answer: Answer,
    out: list[Output],
    ctx: Context,
) -> None:
    """A card's button, whatever question is open: the `rendez_vous` flow opens above
    it at the step of the answer (why one cannot come, what to do), and the person is
    back on their question when it ends. What the bot records, the flow's actions say."""
    facts = ctx.appointment
    flow = flows.get(ANSWER_FLOW)
    if not state.started:
        _go_home_silently(flows, state)
    state.misses = 0
    if facts is None or facts.id != appointment_id:
        said = messages.APPOINTMENT_GONE
    elif facts.status == "cancelled":
        said = messages.APPOINTMENT_CANCELLED
    elif facts.status == _ALREADY[answer]:
        said = messages.APPOINTMENT_ALREADY
    elif flow is None or flow.step(answer) is None:
        out.append(AppointmentAnswer(appointment_id, answer))
        said = messages.APPOINTMENT_NOTED
    else:
        for key in ENGINE_ANSWERS:
            state.answers.pop(key, None)
        state.answers.update({"rdv_id": appointment_id, "rdv_kind": facts.kind})
        opened = next((i for i, f in enumerate(state.stack) if f.flow == flow.id), None)
        if opened is not None:
            del state.stack[opened:]
        if not state.stack:
            _go_home_silently(flows, state)
        state.stack[-1].locals.pop(OFFER, None)
        _open(flows, state, flow, answer, out, ctx)
        return
    out.append(Text(message(said, state)))
    out.extend(_reprompt(flows, state, renew=True))


def current_prompt(flows: FlowSet, state: State) -> Prompt | None:
    """The question now open, as it was last shown (same `seq`), or None."""
    copy = state.fork()
    _recover(flows, copy, [], _NO_CONTEXT)
    prompts = _reprompt(flows, copy)
    return prompts[0] if prompts else None


def recover(flows: FlowSet, state: State) -> tuple[State, list[Output]]:
    """The state with every frame on a step that exists (see `_recover`)."""
    copy = state.fork()
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
        interrupted = frame.locals.get(INTERRUPTED)
        calls_above = above is not None and (
            (isinstance(here, Call) and here.call == above.flow)
            or interrupted == above.flow
            or (interrupted is True and above.flow == messages.DISTRESS_FLOW)  # version 1 states
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
    """A button every screen shows, or its word typed alone (compared folded)."""
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
    flows: FlowSet,
    state: State,
    event: Pressed | Said,
    ctx: Context,
    out: list[Output],
    reading: Reading | None = None,
    quiet: bool = False,
) -> bool:
    """Answer the open step. A miss is said, unless `quiet`: then nothing changes
    and False is returned, so that typed text may be read otherwise."""
    frame = state.stack[-1]
    if OFFER in frame.locals and _answer_offer(flows, state, event, reading, out, ctx):
        return True
    flow = flows[frame.flow]
    current = flow.step(frame.step)
    target: str | None = None
    if isinstance(current, Ask) and current.expect == "moment":
        return _answer_moment(flows, state, current, event, ctx, out, quiet)
    if isinstance(current, Ask):
        target = answer_ask(flow, state, current, event, ctx)
        if target is None and reading is not None and current.expect == "yesno":
            target = _yes_or_no(flows, flow, state, current, reading)
    elif isinstance(current, Choose):
        meant = None
        if reading is not None:
            meant = flows.understanding.option(flow.id, current.id, reading)
        target = answer_choose(flow, state, current, event, meant)
    elif isinstance(current, Checklist):
        verdict = answer_checklist(flow, state, current, event)
        if verdict == TICKED:
            state.misses = 0
            state.seq += 1
            out.append(prompt_of(state, current))
            return True
        target = verdict
    if target is None or current is None:
        if not quiet:
            _missed(flows, state, current, out)
        return not quiet
    state.misses = 0
    frame.step, frame.locals = target, {}
    _run(flows, state, out, ctx)
    return True


def _answer_moment(
    flows: FlowSet,
    state: State,
    ask: Ask,
    event: Pressed | Said,
    ctx: Context,
    out: list[Output],
    quiet: bool,
) -> bool:
    """A day and time (`dialogs.moment`): saved, a follow-up prompt, or refused with
    its reason. Typed text that reads as no date at all may mean something else."""
    outcome = answer_moment(state, ask, event, ctx)
    if isinstance(outcome, Refused):
        if quiet and outcome.unreadable:
            return False
        state.misses += 1
        out.append(Text(message(outcome.msgid, state)))
        if state.misses >= MISSES_BEFORE_HELP:
            out.append(Text(message(messages.OFFER_HELP, state)))
        out.extend(_reprompt(flows, state))
        return True
    state.misses = 0
    if isinstance(outcome, Asking):
        state.seq += 1
        out.append(prompt_of(state, ask))
        return True
    frame = state.stack[-1]
    frame.step, frame.locals = following(flows[frame.flow], ask), {}
    _run(flows, state, out, ctx)
    return True


def _yes_or_no(flows: FlowSet, flow: Flow, state: State, ask: Ask, reading: Reading) -> str | None:
    """A yes or a no said in more words ("oui merci", "non, pas encore")."""
    kinds = set(flows.understanding.small_talk_kinds(reading)) & {"yes", "no"}
    if len(kinds) != 1:
        return None
    state.answers[ask.save] = kinds == {"yes"}
    return following(flow, ask)


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


def _reprompt(
    flows: FlowSet, state: State, offer_help: bool = False, renew: bool = False
) -> list[Prompt]:
    """The open prompt again (`renew`: as a new one, so that older buttons are closed)."""
    if not state.stack:
        return []
    if renew:
        state.seq += 1
    if OFFER in state.stack[-1].locals:
        return [_offer_prompt(flows, state)]
    current = flows[state.stack[-1].flow].step(state.stack[-1].step)
    if not isinstance(current, Ask | Choose | Checklist):
        return []
    offer_help = offer_help or state.misses >= MISSES_BEFORE_HELP
    return [prompt_of(state, current, offer_help=offer_help)]


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
        return  # back on the question the safety net (or a guide) interrupted
    flow = flows[caller.flow]
    call = flow.step(caller.step)
    caller.step = following(flow, call) if call is not None else flow.recovery
