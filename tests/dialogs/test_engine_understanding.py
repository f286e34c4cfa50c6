"""The engine and typed text, on the shipped flows: the safety net's ways in,
guides on offer, and conversations stored before the net had categories."""

from __future__ import annotations

from datetime import date

import pytest

from dialogs import loader, messages
from dialogs.engine import GUIDE, step
from dialogs.events import Context, Event, Pressed, Said, System
from dialogs.flowset import FlowSet
from dialogs.outputs import Choices, Handoff, Output, Question, Text
from dialogs.state import Frame, State

TODAY = Context(today=date(2026, 5, 4))


@pytest.fixture(scope="module")
def flows() -> FlowSet:
    loaded, errors = loader.load()
    assert errors == []
    return loaded


class Talk:
    def __init__(self, flows: FlowSet, state: State | None = None) -> None:
        self.flows = flows
        self.state = state or State(profile={"first_name": "Démo"})
        self.out: list[Output] = []

    def send(self, event: Event) -> list[Output]:
        self.state, self.out = step(self.flows, self.state, event, TODAY)
        return self.out

    @property
    def where(self) -> str:
        return f"{self.state.stack[-1].flow}/{self.state.stack[-1].step}"


def texts(out: list[Output]) -> list[str]:
    return [o.text.msgid for o in out if isinstance(o, Text)]


def handoffs(out: list[Output]) -> list[str]:
    return [o.reason for o in out if isinstance(o, Handoff)]


@pytest.mark.parametrize(
    "event", [Pressed(0, "urgent"), Said("urgence"), Said("SOS"), Said("طوارئ")]
)
def test_the_urgent_button_or_word_opens_the_net_from_any_screen(
    flows: FlowSet, event: Event
) -> None:
    talk = Talk(flows)
    talk.send(System("start"))
    talk.send(Pressed(talk.state.seq, "sante"))
    out = talk.send(event)  # a button of any age: the button is on every screen
    assert handoffs(out) == ["detresse:urgent:sante/menu"]
    assert talk.where == "detresse/what"


def test_the_urgent_button_opens_the_net_before_the_first_word(flows: FlowSet) -> None:
    talk = Talk(flows)
    out = talk.send(Pressed(0, "urgent"))
    assert handoffs(out) == ["detresse:urgent:home/menu"]
    talk.send(Pressed(talk.state.seq, "back"))
    assert talk.where == "home/menu"


def test_distress_in_the_net_moves_to_its_category_without_a_second_net(flows: FlowSet) -> None:
    talk = Talk(flows)
    talk.send(System("start"))
    talk.send(Pressed(0, "urgent"))
    out = talk.send(Said("il respire plus"))
    assert handoffs(out) == ["detresse:overdose:home/menu"]
    assert [f.flow for f in talk.state.stack] == ["home", "detresse"]


def test_a_stale_offer_button_is_answered_closed(flows: FlowSet) -> None:
    talk = Talk(flows)
    talk.send(System("start"))
    offer = next(
        o for o in talk.send(Said("comment avoir ma carte vitale")) if isinstance(o, Choices)
    )
    assert [b.value for b in offer.buttons] == [GUIDE + "sante_vitale", GUIDE]
    talk.send(Pressed(offer.seq, GUIDE))  # "Non, merci": the menu again, as a new question
    out = talk.send(Pressed(offer.seq, GUIDE + "sante_vitale"))
    assert texts(out) == [messages.CLOSED]
    assert talk.where == "home/menu"


def test_yes_opens_the_one_guide_on_offer_and_it_returns_to_the_question(flows: FlowSet) -> None:
    talk = Talk(flows)
    talk.send(System("start"))
    talk.send(Said("comment avoir ma carte vitale"))
    out = talk.send(Said("oui"))
    assert talk.where.startswith("sante_vitale/")
    assert any(isinstance(o, Question) for o in out)
    talk.send(Said("menu"))
    assert talk.where == "home/menu"


def test_a_conversation_stored_in_the_first_net_resumes_where_it_was(flows: FlowSet) -> None:
    stored = State(
        stack=[
            Frame(flow="home", version=3, step="menu", locals={"__interrupted__": True}),
            Frame(flow="detresse", version=1, step="next"),
        ],
        seq=5,
        profile={"first_name": "Démo"},
    )
    talk = Talk(flows, stored)
    talk.send(System("resume"))
    assert talk.where == "detresse/next"
    talk.send(Pressed(talk.state.seq, "back"))
    assert talk.where == "home/menu"


def test_a_button_s_label_typed_in_the_person_s_language_answers_the_choice() -> None:
    labels = {"en": {"Oui": "Yes", "Non": "No"}, "ar": {"Oui": "نعم", "Non": "لا"}}
    flows, errors = loader.load(labels=labels)
    assert errors == []

    def at_treatment() -> Talk:
        talk = Talk(flows)
        talk.send(System("start"))
        talk.send(Pressed(talk.state.seq, "sante"))
        talk.send(Pressed(talk.state.seq, "traitement"))
        assert talk.where == "sante_traitement/has_treatment"
        return talk

    for typed, option in (("yes", "treated"), ("نعم", "treated"), ("No", "not_treated")):
        pressed = at_treatment()
        pressed.send(Pressed(pressed.state.seq, option))
        said = at_treatment()
        said.send(Said(typed))
        assert (said.where, texts(said.out)) == (pressed.where, texts(pressed.out)), typed


@pytest.mark.parametrize(
    ("typed", "chosen"),
    [
        ("dehors", "nothing"),
        ("je vais dormir à la rue", "nothing"),
        ("nulle part", "nothing"),
        ("chez ma mère", "someone"),
        ("au foyer", "foyer"),
        ("f dari", "home"),
    ],
)
def test_a_typed_synonym_answers_where_will_you_sleep(
    flows: FlowSet, typed: str, chosen: str
) -> None:
    talk = Talk(flows)
    talk.send(System("start"))
    for value in ("logement", "ce_soir"):
        talk.send(Pressed(talk.state.seq, value))
    assert talk.where == "logement_ce_soir/where"
    out = talk.send(Said(typed))
    assert talk.state.answers["ce_soir_where"] == chosen
    assert handoffs(out) == []  # an answer, not the safety net


def test_a_cry_for_help_opens_the_net_at_its_start(flows: FlowSet) -> None:
    talk = Talk(flows)
    talk.send(System("start"))
    out = talk.send(Said("au secours !"))
    assert handoffs(out) == ["detresse:urgence:home/menu"]
    assert talk.where == "detresse/what"
