"""Rendering the engine's outputs as Bot API messages (pure: no server needed)."""

from __future__ import annotations

import pytest

from bot.i18n import Catalogs, Translator
from bot.services import load_flows
from bot.settings import LOCALES_DIR
from bot.telegram.pacer import Pacer
from bot.telegram.render import TEXT_LIMIT, callback_data, parse_callback, plain, render
from dialogs.events import Pressed
from dialogs.outputs import (
    Button,
    CheckItem,
    Checklist,
    Choices,
    Handoff,
    Message,
    Output,
    Plan,
    Question,
    Text,
)
from dialogs.schema import Checklist as ChecklistStep
from dialogs.schema import Choose

CATALOGS = Catalogs.load(LOCALES_DIR)


@pytest.fixture
def fr() -> Translator:
    return CATALOGS.get("fr")


def test_texts_before_a_question_travel_with_it_in_one_message(fr: Translator) -> None:
    outputs: list[Output] = [
        Text(Message("Bonjour {first_name}.", {"first_name": "Démo"})),
        Choices(Message("Que voulez-vous ?"), (Button("a", Message("A")),), seq=4),
    ]
    [message] = render(outputs, fr)
    assert message.text == "Bonjour Démo.\n\nQue voulez-vous ?"
    assert message.payload(77) == {
        "chat_id": 77,
        "text": "Bonjour Démo.\n\nQue voulez-vous ?",
        "reply_markup": {"inline_keyboard": [[{"text": "A", "callback_data": "v1:4:a"}]]},
    }


def test_every_button_has_its_own_row(fr: Translator) -> None:
    buttons = tuple(Button(v, Message(v.upper())) for v in "abc")
    [message] = render([Choices(Message("?"), buttons, seq=1)], fr)
    rows = message.payload(1)["reply_markup"]["inline_keyboard"]
    assert [[b["text"] for b in row] for row in rows] == [["A"], ["B"], ["C"]]


def test_a_question_shows_the_hint_of_its_kind(fr: Translator) -> None:
    [message] = render([Question(Message("Votre date de naissance ?"), "date", seq=2)], fr)
    assert message.text == "Votre date de naissance ?\n(Une date, par exemple : 14/03/2027)"
    assert message.keys == ()


def test_a_checklist_shows_ticks_and_the_done_button(fr: Translator) -> None:
    items = (CheckItem("id", Message("Identité"), True), CheckItem("rib", Message("RIB"), False))
    checklist = Checklist(Message("Vos papiers"), items, Message("C'est fait"), seq=9)
    [message] = render([checklist], fr)
    assert [(k.label, k.data) for k in message.keys] == [
        ("☑ Identité", "v1:9:tick:id"),
        ("☐ RIB", "v1:9:tick:rib"),
        ("C'est fait", "v1:9:done"),
    ]


def test_texts_are_translated_in_the_persons_language() -> None:
    english = CATALOGS.get("en")
    question = Question(Message("Oui"), "yesno", seq=1, buttons=(Button("no", Message("Non")),))
    [message] = render([question], english)
    hint = english.gettext("Appuyez sur Oui ou Non, ou écrivez-le.")
    assert message.text == f"Yes\n({hint})"
    assert hint != "Appuyez sur Oui ou Non, ou écrivez-le."
    assert [k.label for k in message.keys] == ["No"]


def test_a_handoff_alone_says_nothing_and_a_plan_is_readable(fr: Translator) -> None:
    assert render([Handoff("css")], fr) == []
    plan = Plan((("sante", ((Message("Complémentaire santé solidaire"), True),)),))
    [message] = render([plan], fr)
    assert message.text.splitlines() == ["Mon plan", "Santé", "✓ Complémentaire santé solidaire"]


def test_formatting_characters_are_sent_as_they_are(fr: Translator) -> None:
    [message] = render([Text(Message("<b>*gras*</b> _x_ [lien](http://x)"))], fr)
    assert message.payload(1) == {"chat_id": 1, "text": "<b>*gras*</b> _x_ [lien](http://x)"}


def test_a_long_text_is_cut_at_line_ends_under_the_limit_and_the_keyboard_goes_last(
    fr: Translator,
) -> None:
    line = "x" * 99 + "\n"
    long = Text(Message(line * 100))  # 10 000 characters
    choices = Choices(Message("Alors ?"), (Button("ok", Message("OK")),), seq=1)
    messages = render([long, choices], fr)
    assert len(messages) == 3
    assert all(len(m.text) <= TEXT_LIMIT for m in messages)
    assert all(m.text.endswith("x") or m.text.endswith("Alors ?") for m in messages)
    assert [bool(m.keys) for m in messages] == [False, False, True]
    assert "".join(m.text for m in messages).count("x") == 9900


def test_characters_outside_the_bmp_count_twice_against_the_limit() -> None:
    parts = plain("😀" * 3000)  # 6 000 UTF-16 units, no space to cut at
    assert [len(p.text) for p in parts] == [2048, 952]


@pytest.mark.parametrize(
    ("data", "pressed"),
    [
        ("v1:12:go_on", Pressed(12, "go_on")),
        ("v1:3:tick:identity", Pressed(3, "tick:identity")),
        ("v2:3:x", None),
        ("v1::x", None),
        ("v1:-1:x", None),
        ("v1:٣:x", None),  # an Arabic-Indic digit is not a seq
        ("v1:3:", None),
        ("", None),
        (None, None),
    ],
)
def test_callback_data_is_read_back_or_refused(data: str | None, pressed: Pressed | None) -> None:
    assert parse_callback(data) == pressed


def test_every_button_of_the_shipped_flows_fits_in_telegrams_callback_data() -> None:
    flows = load_flows()
    for flow in flows.flows.values():
        for step in flow.steps:
            values: list[str] = []
            if isinstance(step, Choose):
                values = [option.id for option in step.options]
            elif isinstance(step, ChecklistStep):
                values = [f"tick:{item.id}" for item in step.items] + ["done"]
            for value in values:
                callback_data(999_999, value)  # raises when too long


def test_the_pacer_spaces_one_chat_and_caps_the_bot() -> None:
    now = [100.0]
    pacer = Pacer(per_bot=2, per_chat_interval=1.0, monotonic=lambda: now[0])
    assert pacer.delay(1) == 0
    pacer._tokens -= 1
    pacer._next_for_chat[1] = now[0] + 1.0
    assert pacer.delay(1) == pytest.approx(1.0)  # one a second in a chat
    assert pacer.delay(2) == 0  # another chat may go
    pacer._tokens = 0
    assert pacer.delay(2) == pytest.approx(0.5)  # the bot's bucket is empty: 2 a second
    now[0] += 1.0
    assert pacer.delay(1) == 0
