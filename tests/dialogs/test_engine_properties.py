"""Whatever a person does, the engine answers and the conversation stays sound.

Random conversations on the shipped flows: any text, any button (stale, made
up, or from the prompt on screen), any service event. After every turn the
state must be one the engine can carry on from, and be stored as JSON.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import get_args

from hypothesis import event as tally
from hypothesis import given, settings
from hypothesis import strategies as st

from dialogs.engine import current_prompt, step
from dialogs.events import AppointmentFacts, Context, Event, Pressed, Said, System, SystemName
from dialogs.flowset import FlowSet
from dialogs.loader import load
from dialogs.outputs import Checklist, Output, Question
from dialogs.schema import WAITING_KINDS
from dialogs.state import State

FLOWS, LOAD_ERRORS = load()
# A card of appointment 1 may be answered (its flow opens); appointment 2 is not theirs.
TODAY = Context(
    today=date(2026, 5, 4),
    appointment=AppointmentFacts("1", "spip", "planned", datetime(2026, 5, 7, 12, 30, tzinfo=UTC)),
)
START = State(profile={"first_name": "Démo"})

WORDS = ["menu", "aide", "oui", "non", "Oui", "ok", "fini", "1", "2", "3", "9", "0"]
DATES = ["14/03/2027", "31/02/2027", "3 mars", "14-03-27"]
texts = st.one_of(
    st.sampled_from([*WORDS, *DATES, "", "   ", "x" * 600, "1" * 5000, "፩", "06 12 34 56 78"]),
    st.text(max_size=40),
    st.integers(min_value=-5, max_value=20).map(str),
)
SYSTEM_NAMES: list[SystemName] = list(get_args(SystemName))
systems = st.sampled_from(SYSTEM_NAMES)


def button_values(state: State) -> list[str]:
    """The values a button of the prompt on screen may carry."""
    prompt = current_prompt(FLOWS, state)
    if prompt is None:
        return []
    if isinstance(prompt, Checklist):
        return [*(f"tick:{item.id}" for item in prompt.items), "done"]
    return [button.value for button in prompt.buttons]


FITTING = {
    "yesno": "oui",
    "date": "14/03/2027",
    "time": "14h30",
    "number": "3",
    "phone": "06 12 34 56 78",
    "text": "Chez ma sœur",
    "moment": "demain 14h",
}


@st.composite
def event_for(draw: st.DrawFn, state: State) -> Event:
    """Mostly what the screen invites (so conversations get deep), often anything else."""
    kind = draw(st.sampled_from(["on_screen"] * 5 + ["said"] * 3 + ["pressed"] * 2 + ["system"]))
    on_screen = button_values(state)
    if kind == "on_screen" and on_screen:
        return Pressed(state.seq, draw(st.sampled_from(on_screen)))
    if kind == "said" or kind == "on_screen":
        prompt = current_prompt(FLOWS, state)
        if isinstance(prompt, Question) and draw(st.booleans()):
            return Said(FITTING[prompt.expect])
        return Said(draw(texts))
    if kind == "system":
        return System(draw(systems))
    others = ["menu", "help", "done", "tick:x", "yes", "no", "garbage", "appt:1:no", "appt:2:went"]
    value = draw(st.sampled_from([*on_screen, *others]))
    return Pressed(draw(st.integers(min_value=state.seq - 2, max_value=state.seq + 1)), value)


def assert_sound(flows: FlowSet, state: State) -> None:
    """A state the engine can always carry on from, and store as JSON."""
    assert state.stack, "a started conversation always has a flow open"
    for frame in state.stack:
        flow = flows.get(frame.flow)
        assert flow is not None, frame
        assert flow.step(frame.step) is not None, frame
    top = state.stack[-1]
    assert flows[top.flow].step(top.step).kind in WAITING_KINDS, top  # type: ignore[union-attr]
    assert State.model_validate(state.model_dump(mode="json")) == state


def test_the_shipped_flows_load() -> None:
    assert LOAD_ERRORS == []


@settings(max_examples=200, deadline=None)
@given(data=st.data(), length=st.integers(min_value=1, max_value=30))
def test_any_conversation_keeps_a_sound_state_and_never_raises(
    data: st.DataObject, length: int
) -> None:
    state = START
    events: list[Event] = []
    transcript: list[list[Output]] = []
    for _ in range(length):
        event = data.draw(event_for(state))
        before = state.model_dump(mode="json")
        new, outputs = step(FLOWS, state, event, TODAY)
        assert state.model_dump(mode="json") == before, "the state given was changed"
        assert new.seq >= state.seq
        if new.started or state.started:
            assert_sound(FLOWS, new)
        if new.started:
            tally(f"reached {new.stack[-1].flow}/{new.stack[-1].step}")
        events.append(event)
        transcript.append(outputs)
        state = new

    replayed = START
    for event, outputs in zip(events, transcript, strict=True):
        replayed, again = step(FLOWS, replayed, event, TODAY)
        assert again == outputs, "the same events must give the same answers"
    assert replayed == state
