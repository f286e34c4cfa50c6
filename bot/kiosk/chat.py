"""What the chat page shows: the recent transcript as bubbles, then the open prompt
as big buttons. Built from the stored conversation; the engine decides the words.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.i18n import Translator
from bot.kiosk.words import INPUT_MODES
from bot.services import Services
from bot.turn import state_of
from dialogs import messages
from dialogs.answering import TICK
from dialogs.engine import current_prompt
from dialogs.outputs import Checklist, Prompt, Question
from storage.conversation import load_conversation
from storage.database import read_session
from storage.enums import Direction
from storage.models import TranscriptEntry
from storage.persons import get_person
from storage.transcript import recent_transcript


@dataclass(frozen=True)
class Bubble:
    mine: bool
    """Said by the person (shown at the end of the line), else by Fil rouge."""
    text: str
    entry_id: int = 0
    """The transcript entry shown: what its 🔊 button reads."""
    printable: bool = False
    """A document (the CV): the bubble links to its page to print."""


@dataclass(frozen=True)
class ButtonView:
    value: str
    label: str
    ticked: bool | None = None
    """For a checklist item: whether it is ticked; None for a plain button."""


@dataclass(frozen=True)
class PromptView:
    kind: str
    seq: int
    text: str
    buttons: tuple[ButtonView, ...]
    done: ButtonView | None = None
    hint: str = ""
    """A msgid: how to write the answer of a question."""
    inputmode: str = "text"


@dataclass(frozen=True)
class ChatView:
    first_name: str
    language: str
    bubbles: tuple[Bubble, ...]
    prompt: PromptView | None
    seq: int
    repeat_prompt: bool
    """Whether the prompt's text must be shown: it is not the last bubble already."""
    anchor: int
    """The bubble the page scrolls to: the person's last message, so that the
    answers to it and the buttons follow on screen."""


def chat_view(services: Services, person_id: int) -> ChatView:
    """Read what the person should see now (one read, no engine run: the open
    question is kept with the state as it was shown)."""
    with services.read() as tx:
        found = load_conversation(tx.session, person_id, for_update=False)
        entries = recent_transcript(tx.session, person_id, services.settings.transcript_shown)
    person = found.person
    state = state_of(found)
    translator = services.catalogs.get(person.language)
    bubbles = bubbles_of(entries)
    prompt = state.prompt
    if prompt is None and state.started:  # a state saved before prompts were kept
        prompt = current_prompt(services.flows, state)
    view = prompt_view(prompt, translator) if prompt else None
    last_said = bubbles[-1].text if bubbles and not bubbles[-1].mine else ""
    return ChatView(
        first_name=person.first_name,
        language=str(person.language),
        bubbles=bubbles,
        prompt=view,
        seq=state.seq,
        repeat_prompt=view is not None and view.text != last_said,
        anchor=max((i for i, b in enumerate(bubbles) if b.mine), default=0),
    )


def bubbles_of(entries: list[TranscriptEntry]) -> tuple[Bubble, ...]:
    """The transcript as bubbles; empty entries are skipped, and so are checklist
    ticks with the checklist shown again after each: the ☑ buttons show them."""
    bubbles: list[Bubble] = []
    after_tick = False
    for entry in entries:
        tick = str(entry.payload.get("value", "")).startswith(TICK)
        if entry.direction == Direction.IN and tick:
            after_tick = True
            continue
        if after_tick and entry.payload.get("output") == "checklist":
            continue
        after_tick = False
        if entry.text.strip():
            printable = entry.payload.get("output") == "document"
            bubbles.append(
                Bubble(entry.direction == Direction.IN, entry.text, entry.id or 0, printable)
            )
    return tuple(bubbles)


def language_of(services: Services, person_id: int) -> str:
    """The language a person reads (French if the person is gone)."""
    with read_session(services.engine) as session:
        person = get_person(session, person_id)
        return str(person.language) if person else "fr"


def prompt_view(prompt: Prompt, translator: Translator) -> PromptView:
    """The buttons and field of an open prompt, in the person's language."""
    text = translator.render(prompt.text)
    if isinstance(prompt, Checklist):
        items = tuple(
            ButtonView(f"tick:{item.id}", translator.render(item.label), item.checked)
            for item in prompt.items
        )
        done = ButtonView("done", translator.render(prompt.done_label))
        return PromptView("checklist", prompt.seq, text, items, done)
    buttons = tuple(ButtonView(b.value, translator.render(b.label)) for b in prompt.buttons)
    if isinstance(prompt, Question):
        return PromptView(
            "question",
            prompt.seq,
            text,
            buttons,
            hint=messages.HINTS[prompt.expect],
            inputmode=INPUT_MODES[prompt.expect],
        )
    return PromptView("choices", prompt.seq, text, buttons)
