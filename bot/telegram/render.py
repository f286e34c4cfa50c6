"""Engine outputs to Bot API messages: plain text and inline keyboards. Pure.

The texts said before a question travel with it in one message (one message a
turn, not five: Telegram allows about one message a second per chat). Every
button carries `v1:<seq>:<value>`, so a button of an old message is recognised
by the engine and answered "Cette question est fermée". Nothing is sent with a
parse mode: what a person or a flow writes is never read as formatting.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.i18n import Translator
from bot.wording import text_of
from dialogs import messages
from dialogs.appointments import CALENDAR_LABEL, calendar_value, read_answer
from dialogs.events import Pressed
from dialogs.outputs import (
    Appointment,
    AppointmentAnswer,
    Button,
    Checklist,
    Choices,
    Handoff,
    Message,
    Output,
    Question,
    as_data,
)
from dialogs.render import pressable

TEXT_LIMIT = 4096
"""Telegram's limit for one message, in UTF-16 code units."""
CALLBACK_LIMIT = 64
"""Telegram's limit for callback data, in bytes."""
CALLBACK_VERSION = "v1"
TICKED, UNTICKED = "☑", "☐"


@dataclass(frozen=True)
class Key:
    label: str
    data: str


@dataclass(frozen=True)
class Outgoing:
    """One Bot API `sendMessage`: its text, its keyboard, the outputs it carries."""

    text: str
    keys: tuple[Key, ...] = ()
    outputs: tuple[Output, ...] = ()

    def payload(self, chat_id: int) -> dict[str, Any]:
        """The parameters of `sendMessage`, as JSON (one button a row: big targets)."""
        data: dict[str, Any] = {"chat_id": chat_id, "text": self.text}
        if self.keys:
            rows = [[{"text": key.label, "callback_data": key.data}] for key in self.keys]
            data["reply_markup"] = {"inline_keyboard": rows}
        return data

    def transcript_payload(self) -> dict[str, Any]:
        return {
            "outputs": [as_data(o) for o in self.outputs],
            "keys": [key.data for key in self.keys],
        }


def callback_data(seq: int, value: str) -> str:
    data = f"{CALLBACK_VERSION}:{seq}:{value}"
    if len(data.encode()) > CALLBACK_LIMIT:
        raise ValueError(f"button value {value!r} is too long for Telegram's callback data")
    return data


def parse_callback(data: str | None) -> Pressed | None:
    """The press a button's data means, or None when it is not ours (or too old a format)."""
    version, _, rest = (data or "").partition(":")
    seq, _, value = rest.partition(":")
    if version != CALLBACK_VERSION or not value or not seq.isascii() or not seq.isdigit():
        return None
    return Pressed(int(seq), value)


CARD_SEQ = 0
"""A card's buttons answer the appointment, not a question: their `seq` is not read."""


def render(
    outputs: list[Output], translator: Translator, now: datetime | None = None
) -> list[Outgoing]:
    """The messages that say `outputs` in the person's language, sent at `now` (an
    appointment card then says how far away it is: "Demain à 14 h 30")."""
    messages: list[Outgoing] = []
    said: list[str] = []
    carried: list[Output] = []
    for output in outputs:
        carried.append(output)
        if isinstance(output, Handoff | AppointmentAnswer):
            continue  # the text after it tells the person; the service records it
        if isinstance(output, Appointment) and output.buttons:
            # A card is a message of its own, its answers and "Ajouter à mon agenda" under it.
            said.append(text_of(output, translator, now=now, relative=now is not None))
            messages.extend(
                _split("\n\n".join(said), _card_keys(output, translator), tuple(carried))
            )
            said, carried = [], []
        elif isinstance(output, Choices | Question | Checklist):
            said.append(_prompt_text(output, translator))
            keys = tuple(
                Key(_label(output, button, translator), callback_data(output.seq, button.value))
                for button in pressable(output)
            )
            messages.extend(_split("\n\n".join(said), keys, tuple(carried)))
            said, carried = [], []
        else:
            said.append(text_of(output, translator, now=now, relative=now is not None))
    if said or carried:
        messages.extend(_split("\n\n".join(s for s in said if s), (), tuple(carried)))
    return [m for m in messages if m.text]


def _card_keys(card: Appointment, translator: Translator) -> tuple[Key, ...]:
    """The card's answers, and "Ajouter à mon agenda" while the appointment is to come."""
    answers = tuple(
        Key(translator.render(b.label), callback_data(CARD_SEQ, b.value)) for b in card.buttons
    )
    ahead = any((read_answer(b.value) or ("", ""))[1] in ("yes", "no") for b in card.buttons)
    if not ahead:
        return answers
    label = translator.gettext(CALENDAR_LABEL)
    return (*answers, Key(label, callback_data(CARD_SEQ, calendar_value(card.id))))


def plain(text: str) -> list[Outgoing]:
    """A text of the channel's own (a notice, the récap), cut to Telegram's limit."""
    return _split(text, (), ())


def _prompt_text(prompt: Choices | Question | Checklist, translator: Translator) -> str:
    text = translator.render(prompt.text)
    if isinstance(prompt, Question):
        hint = translator.render(Message(messages.HINTS[prompt.expect]))
        return f"{text}\n({hint})"
    return text


def _label(prompt: Choices | Question | Checklist, button: Button, translator: Translator) -> str:
    label = translator.render(button.label)
    if isinstance(prompt, Checklist) and button.value.startswith("tick:"):
        item_id = button.value.removeprefix("tick:")
        ticked = any(item.checked for item in prompt.items if item.id == item_id)
        return f"{TICKED if ticked else UNTICKED} {label}"
    return label


def _split(text: str, keys: tuple[Key, ...], outputs: tuple[Output, ...]) -> list[Outgoing]:
    """Cut a long text at line ends (or spaces) under the limit; the keyboard goes last."""
    parts: list[str] = []
    while _units(text) > TEXT_LIMIT:
        head = _fit(text)
        cut = max(head.rfind("\n"), head.rfind(" "))
        if cut <= 0:
            cut = len(head)
        parts.append(text[:cut].rstrip())
        text = text[cut:].lstrip()
    parts.append(text)
    last = len(parts) - 1
    return [
        Outgoing(part, keys if i == last else (), outputs if i == 0 else ())
        for i, part in enumerate(parts)
    ]


def _units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _fit(text: str) -> str:
    """The longest start of `text` within the limit (characters outside the BMP count 2)."""
    count = 0
    for index, char in enumerate(text):
        count += 2 if ord(char) > 0xFFFF else 1
        if count > TEXT_LIMIT:
            return text[:index]
    return text
