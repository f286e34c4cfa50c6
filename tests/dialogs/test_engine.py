"""The engine, as a person meets it: scripted conversations on the fixture flows.

The flows are in `tests/dialogs/fixtures/engine/`; the home menu there opens
one small flow per concern (questions, choices, a checklist, branches, ...).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from pathlib import Path

import pytest

from dialogs import messages
from dialogs.engine import current_prompt, step
from dialogs.events import Context, Event, Pressed, Said, System, SystemName
from dialogs.loader import load
from dialogs.outputs import (
    Button,
    Checklist,
    Choices,
    Handoff,
    Message,
    Output,
    Plan,
    Prompt,
    Question,
    Text,
)
from dialogs.render import pressable, prompt_of
from dialogs.schema import Choose
from dialogs.state import Frame, State

FIXTURES = Path(__file__).parent / "fixtures" / "engine"
FLOWS, LOAD_ERRORS = load(sorted(FIXTURES.glob("*.yaml")))
TODAY = Context(today=date(2026, 5, 4))
MENU_TEXT = "Que voulez-vous faire ?"


class Conversation:
    """One person talking to the engine; keeps the state between turns."""

    def __init__(self, state: State | None = None) -> None:
        self.state = state if state is not None else State(profile={"first_name": "Démo"})
        self.outputs: list[Output] = []

    def send(self, event: Event) -> list[Output]:
        self.state, self.outputs = step(FLOWS, self.state, event, TODAY)
        return self.outputs

    def say(self, text: str) -> list[Output]:
        return self.send(Said(text))

    def press(self, value: str, seq: int | None = None) -> list[Output]:
        return self.send(Pressed(self.state.seq if seq is None else seq, value))

    @property
    def where(self) -> str:
        frame = self.state.stack[-1]
        return f"{frame.flow}/{frame.step}"


def opened(option: str, state: State | None = None) -> Conversation:
    """A conversation started, with `option` pressed in the home menu."""
    talk = Conversation(state)
    talk.send(System("start"))
    talk.press(option)
    return talk


def texts(outputs: Iterable[Output]) -> list[str]:
    """The msgids of the plain messages, in order."""
    return [o.text.msgid for o in outputs if isinstance(o, Text)]


def prompt_in(outputs: list[Output]) -> Prompt:
    prompts = [o for o in outputs if isinstance(o, Choices | Question | Checklist)]
    assert len(prompts) == 1, outputs
    return prompts[0]


def buttons_of(prompt: Prompt) -> list[str]:
    return [] if isinstance(prompt, Checklist) else [b.value for b in prompt.buttons]


def test_the_fixture_flows_load() -> None:
    assert LOAD_ERRORS == []


# --- start, answers, misses ------------------------------------------------


def test_start_greets_the_person_by_name_and_opens_the_menu() -> None:
    talk = Conversation()
    out = talk.send(System("start"))
    greeting = out[0]
    assert isinstance(greeting, Text)
    assert greeting.text == Message("Bonjour {first_name}.", {"first_name": "Démo"})
    menu = prompt_in(out)
    assert menu.text.msgid == MENU_TEXT
    assert menu.seq == talk.state.seq == 1
    assert talk.where == "home/menu"


def test_any_first_text_starts_the_conversation() -> None:
    talk = Conversation()
    out = talk.say("bonjour")
    assert prompt_in(out).text.msgid == MENU_TEXT


def test_a_fitting_answer_is_saved_and_the_next_question_is_asked() -> None:
    talk = opened("questions")
    assert prompt_in(talk.outputs).text.msgid == "Avez-vous un travail ?"
    before = talk.state.seq
    out = talk.say("Oui")
    assert talk.state.answers["has_job"] is True
    question = prompt_in(out)
    assert question.text.msgid == "Votre date de naissance ?"
    assert question.seq == talk.state.seq == before + 1


def test_a_yes_no_question_offers_yes_and_no_buttons_that_answer_it() -> None:
    talk = opened("questions")
    assert buttons_of(prompt_in(talk.outputs)) == ["yes", "no"]
    talk.press("no")
    assert talk.state.answers["has_job"] is False
    assert talk.where == "questions/birth"


def test_a_wrong_answer_gets_the_retry_text_and_the_same_question() -> None:
    talk = opened("questions")
    talk.say("oui")
    seq = talk.state.seq
    out = talk.say("31/02/1990")
    assert texts(out) == ["Une date, par exemple 14/03/1990."]
    again = prompt_in(out)
    assert again.text.msgid == "Votre date de naissance ?"
    assert again.seq == seq == talk.state.seq
    assert "birth" not in talk.state.answers


def test_a_question_without_its_own_retry_uses_the_default_of_its_kind() -> None:
    talk = opened("questions")
    out = talk.say("peut-être")
    assert texts(out) == [messages.RETRY["yesno"]]
    assert talk.where == "questions/has_job"


def test_the_answer_is_quoted_by_the_next_text() -> None:
    talk = opened("questions")
    talk.say("oui")
    out = talk.say("14/03/1990")
    thanks = next(o for o in out if isinstance(o, Text))
    assert thanks.text.msgid == "Merci, né le {birth}."
    assert thanks.text.params == {"birth": "1990-03-14"}


def test_three_misses_in_a_row_offer_a_counsellor() -> None:
    talk = opened("questions")
    for _ in range(2):
        out = talk.say("bof")
        assert messages.OFFER_HELP not in texts(out)
        assert "help" not in buttons_of(prompt_in(out))
    out = talk.say("bof")
    assert messages.OFFER_HELP in texts(out)
    assert buttons_of(prompt_in(out)) == ["yes", "no", "help"]


def test_a_fitting_answer_starts_the_miss_count_again() -> None:
    talk = opened("questions")
    talk.say("bof")
    talk.say("bof")
    talk.say("oui")
    out = talk.say("bof")
    assert messages.OFFER_HELP not in texts(out)
    assert talk.state.misses == 1


def test_the_help_button_offered_after_misses_hands_off() -> None:
    talk = opened("choix")
    for _ in range(3):
        talk.say("je ne sais pas")
    out = talk.press("help")
    assert Handoff(reason="choix/situation") in out


# --- what a person can always do -------------------------------------------


@pytest.mark.parametrize(
    "send", [Said("menu"), Said("  Menu "), Said("retour"), Pressed(0, "menu")]
)
def test_menu_from_inside_a_flow_returns_to_the_menu(send: Event) -> None:
    talk = opened("questions")
    talk.say("oui")
    out = talk.send(send)
    assert talk.where == "home/menu"
    assert len(talk.state.stack) == 1
    assert prompt_in(out).text.msgid == MENU_TEXT
    assert "Bonjour {first_name}." not in texts(out)


def test_aide_hands_off_to_a_counsellor_and_keeps_the_question_open() -> None:
    talk = opened("questions")
    seq = talk.state.seq
    out = talk.say("aide")
    assert out[0] == Handoff(reason="questions/has_job")
    assert messages.HANDOFF_SENT in texts(out)
    assert prompt_in(out).seq == seq
    assert talk.where == "questions/has_job"
    assert "has_job" not in talk.state.answers


def test_stale_button_is_answered_closed_and_changes_nothing() -> None:
    talk = opened("questions")
    old_seq = talk.state.seq
    talk.say("oui")
    before = talk.state
    out = talk.press("no", seq=old_seq)
    assert texts(out) == [messages.CLOSED]
    assert prompt_in(out).text.msgid == "Votre date de naissance ?"
    assert talk.state == before
    assert talk.state.answers["has_job"] is True


def test_unknown_option_at_the_current_seq_is_a_miss() -> None:
    talk = opened("choix")
    seq = talk.state.seq
    out = talk.press("nulle_part")
    assert texts(out) == [messages.NOT_UNDERSTOOD]
    assert prompt_in(out).seq == seq
    assert talk.state.misses == 1
    assert "situation" not in talk.state.answers


# --- choices and checklists ------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "chosen"),
    [
        ("2", "famille"),
        ("en famille", "famille"),
        ("EN FAMILLE", "famille"),
        ("Au foyer educatif", "foyer"),
        ("au foyer ÉDUCATIF !", "foyer"),
        ("1", "seul"),
    ],
)
def test_an_option_can_be_chosen_by_typing_its_number_or_its_label(typed: str, chosen: str) -> None:
    talk = opened("choix")
    talk.say(typed)
    assert talk.state.answers["situation"] == chosen


def test_a_number_past_the_last_option_is_a_miss() -> None:
    talk = opened("choix")
    out = talk.say("4")
    assert texts(out) == [messages.NOT_UNDERSTOOD]
    assert "situation" not in talk.state.answers


def test_an_option_with_goto_jumps_and_one_without_goes_to_the_next_step() -> None:
    assert "Le foyer vous aide." in texts(opened("choix").press("foyer"))
    out = opened("choix").press("seul")
    assert "Situation notée." in texts(out)
    assert "Le foyer vous aide." not in texts(out)


def test_checklist_ticks_show_and_done_saves_the_ticked_ids_in_list_order() -> None:
    talk = opened("papiers")
    talk.press("tick:justificatif")
    out = talk.say("1")
    shown = prompt_in(out)
    assert isinstance(shown, Checklist)
    assert [(i.id, i.checked) for i in shown.items] == [
        ("photo", True),
        ("acte", False),
        ("justificatif", True),
    ]
    talk.press("done")
    assert talk.state.answers["docs"] == ["photo", "justificatif"]


def test_ticking_an_item_twice_unticks_it() -> None:
    talk = opened("papiers")
    talk.press("tick:photo")
    talk.press("tick:photo")
    talk.say("c'est fait")
    assert talk.state.answers["docs"] == []


def test_each_tick_opens_a_new_prompt_so_older_checklist_buttons_are_closed() -> None:
    talk = opened("papiers")
    first = talk.state.seq
    talk.press("tick:photo")
    assert talk.state.seq == first + 1
    out = talk.press("done", seq=first)
    assert texts(out) == [messages.CLOSED]
    assert "docs" not in talk.state.answers


@pytest.mark.parametrize("send", [Pressed(-1, "tick:inconnu"), Said("4"), Said("photo")])
def test_a_tick_on_no_item_is_a_miss(send: Event) -> None:
    talk = opened("papiers")
    if isinstance(send, Pressed):
        send = Pressed(talk.state.seq, send.value)
    out = talk.send(send)
    assert texts(out) == [messages.NOT_UNDERSTOOD]
    assert talk.state.stack[-1].locals.get("ticked", []) == []


@pytest.mark.parametrize("typed", ["፩", "𐩀", "1" * 5000])
def test_a_checklist_answered_with_an_odd_number_is_a_miss_not_a_crash(typed: str) -> None:
    talk = opened("papiers")
    out = talk.say(typed)
    assert texts(out) == [messages.NOT_UNDERSTOOD]


# --- branches, calls, set, actions -----------------------------------------


@pytest.mark.parametrize(
    ("situation", "said"),
    [
        ({"answers": {"situation": "seul"}}, "Vous vivez seul."),
        ({"answers": {"situation": "foyer"}}, "Vous vivez entouré."),
        ({"answers": {"surnom": "Démo"}}, "Bonjour {surnom}."),
        ({"released": True}, "Vous êtes dehors."),
        ({"done": {"papiers": ["cni"]}}, "Votre carte est faite."),
        ({"answers": {"situation": "autre"}}, "Rien de spécial."),
        ({}, "Rien de spécial."),
    ],
)
def test_a_branch_goes_to_the_first_rule_that_holds(
    situation: dict[str, object], said: str
) -> None:
    state = State.model_validate({"profile": {"first_name": "Démo"}, **situation})
    out = opened("aiguillage", state).outputs
    assert said in texts(out)
    assert [t for t in texts(out) if t.startswith(("Vous", "Votre", "Bonjour {s", "Rien"))] == [
        said
    ]


def test_a_called_flow_returns_to_the_callers_next_step() -> None:
    talk = opened("choix")
    out = talk.press("seul")
    assert texts(out) == ["Situation notée.", "Retour au menu."]
    assert prompt_in(out).text.msgid == MENU_TEXT
    assert [f.flow for f in talk.state.stack] == ["home"]


def test_set_stores_values_that_later_texts_quote() -> None:
    talk = opened("reglages")
    assert talk.state.answers["surnom"] == "Démo"
    said = next(o.text for o in talk.outputs if isinstance(o, Text))
    assert (said.msgid, said.params) == ("Vous êtes {surnom}.", {"surnom": "Démo"})


def plan_entry(outputs: list[Output], domain: str) -> list[tuple[str, bool]]:
    plan = next(o for o in outputs if isinstance(o, Plan))
    return [(m.msgid, done) for d, items in plan.domains if d == domain for m, done in items]


def test_mark_done_shows_the_item_done_in_the_plan() -> None:
    talk = opened("plan")
    assert plan_entry(talk.outputs, "papiers") == [("Carte d'identité", False)]
    talk.press("papiers")
    talk.press("done")
    assert talk.state.done == {"papiers": ["cni"]}
    out = talk.press("plan")
    assert plan_entry(out, "papiers") == [("Carte d'identité", True)]


# --- inside and outside, resume --------------------------------------------


def test_the_wording_switches_to_outside_after_release() -> None:
    talk = opened("papiers")
    assert prompt_in(talk.outputs).text.msgid == "Demandez ces papiers au greffe :"
    out = talk.send(System("released"))
    assert texts(out) == [messages.RELEASED]
    assert talk.state.released is True
    assert prompt_in(out).text.msgid == "Demandez ces papiers à la mairie :"


@pytest.mark.parametrize("name", ["resume", "start"])
def test_coming_back_to_a_started_conversation_welcomes_back_and_repeats_the_question(
    name: SystemName,
) -> None:
    talk = opened("questions")
    talk.say("oui")
    seq = talk.state.seq
    out = talk.send(System(name))
    assert texts(out) == [messages.WELCOME_BACK]
    assert out[0].text.params == {"first_name": "Démo"}  # type: ignore[union-attr]
    question = prompt_in(out)
    assert (question.text.msgid, question.seq) == ("Votre date de naissance ?", seq)
    assert talk.where == "questions/birth"


def test_current_prompt_is_the_question_as_last_shown() -> None:
    talk = opened("questions")
    assert current_prompt(FLOWS, talk.state) == prompt_in(talk.outputs)
    assert current_prompt(FLOWS, State()) is None


# --- purity -----------------------------------------------------------------


@pytest.mark.parametrize(
    "event",
    [Said("oui"), Said("bof"), Said("menu"), Said("aide"), Pressed(0, "no"), System("released")],
)
def test_the_state_given_to_step_is_never_changed(event: Event) -> None:
    talk = opened("questions")
    given = talk.state
    frozen = given.model_dump(mode="json")
    step(FLOWS, given, event, TODAY)
    assert given.model_dump(mode="json") == frozen


def test_a_checklist_tick_leaves_the_state_given_unticked() -> None:
    talk = opened("papiers")
    given = talk.state
    step(FLOWS, given, Pressed(given.seq, "tick:photo"), TODAY)
    assert given.stack[-1].locals == {}


# --- flows that changed under a stored conversation -------------------------


def stored(*frames: tuple[str, str], seq: int = 7) -> State:
    """A conversation saved on `frames` (flow, step), as storage gives it back."""
    return State(
        stack=[Frame(flow=flow, version=1, step=step_id) for flow, step_id in frames],
        seq=seq,
        profile={"first_name": "Démo"},
    )


def test_a_person_on_a_step_that_no_longer_exists_goes_to_the_recovery_step() -> None:
    talk = Conversation(stored(("home", "go_questions"), ("questions", "vieille_question")))
    out = talk.send(System("resume"))
    assert talk.where == "questions/has_job"
    assert talk.state.stack[-1].version == 2
    assert prompt_in(out).text.msgid == "Avez-vous un travail ?"


def test_a_step_that_still_exists_keeps_its_place_when_the_version_moved() -> None:
    talk = Conversation(stored(("home", "go_questions"), ("questions", "birth")))
    talk.send(System("resume"))
    assert talk.where == "questions/birth"
    assert talk.state.stack[-1].version == 2


def test_an_answer_to_a_question_that_vanished_is_not_given_to_the_recovery_question() -> None:
    talk = Conversation(stored(("home", "go_questions"), ("questions", "vieille_question")))
    out = talk.press("yes", seq=7)
    assert texts(out) == [messages.CLOSED]
    assert "has_job" not in talk.state.answers
    question = prompt_in(out)
    assert question.text.msgid == "Avez-vous un travail ?"
    assert question.seq == talk.state.seq > 7
    talk.press("yes")
    assert talk.state.answers["has_job"] is True


def test_on_a_vanished_flow_the_caller_restarts_at_its_recovery_step() -> None:
    talk = Conversation(stored(("home", "go_questions"), ("ancien_flux", "etape")))
    out = talk.send(System("resume"))
    assert talk.where == "home/menu"
    assert len(talk.state.stack) == 1
    assert prompt_in(out).text.msgid == MENU_TEXT


def test_a_cycle_of_branches_is_stopped_by_the_loop_guard_and_returns_to_the_menu() -> None:
    talk = opened("boucle")
    assert texts(talk.outputs) == [messages.LOOP_GUARD]
    assert talk.where == "home/menu"
    assert prompt_in(talk.outputs).seq == talk.state.seq
    talk.press("choix")
    assert talk.where == "choix/situation"


def test_a_caller_whose_call_now_opens_another_flow_goes_back_to_its_recovery_step() -> None:
    talk = Conversation(stored(("home", "go_choix"), ("questions", "birth")))
    out = talk.send(System("resume"))
    assert talk.where == "home/menu"
    assert len(talk.state.stack) == 1
    assert prompt_in(out).text.msgid == MENU_TEXT


def test_the_help_button_is_not_offered_twice_when_the_menu_already_has_it() -> None:
    menu = Choose.model_validate(
        {
            "id": "menu",
            "source": "fil-rouge",
            "choose": MENU_TEXT,
            "options": [{"id": "talk", "label": messages.HELP_BUTTON}],
        }
    )
    state = State(stack=[Frame(flow="home", version=1, step="menu")])
    shown = prompt_of(state, menu, offer_help=True)
    assert [b.label.msgid for b in buttons_of_prompt(shown)] == [messages.HELP_BUTTON]


def buttons_of_prompt(prompt: Prompt) -> list[Button]:
    return list(pressable(prompt))


# --- a phone linked (Telegram) -----------------------------------------------


def test_a_linked_phone_is_greeted_by_name_shown_the_plan_and_asked_the_open_question_again() -> (
    None
):
    talk = opened("questions")
    talk.say("oui")
    seq = talk.state.seq
    out = talk.send(System("linked"))
    assert texts(out) == [messages.LINKED]
    assert out[0].text.params == {"first_name": "Démo"}  # type: ignore[union-attr]
    assert isinstance(out[1], Plan)
    question = prompt_in(out)
    assert (question.text.msgid, question.seq) == ("Votre date de naissance ?", seq)
    assert talk.where == "questions/birth"


def test_a_phone_linked_before_any_conversation_opens_the_home_menu() -> None:
    talk = Conversation()
    out = talk.send(System("linked"))
    assert out[0] == Text(Message(messages.LINKED, {"first_name": "Démo"}))
    assert isinstance(out[1], Plan)
    assert prompt_in(out).text.msgid == MENU_TEXT
