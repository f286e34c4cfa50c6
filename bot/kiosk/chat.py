"""What the chat page shows: the recent transcript as bubbles, then the open prompt
as big buttons. Built from the stored conversation; the engine decides the words.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from bot.i18n import Translator
from bot.kiosk.session import Resumed, Visit, end, judge
from bot.kiosk.words import INPUT_MODES
from bot.services import Services
from bot.turn import Inbound, TurnResult, retrying, state_of, take_turn
from bot.tx import Tx
from bot.typography import keep_together
from bot.wording import DONE_MARK, NOTE_MARK, TODO_MARK
from dialogs import messages
from dialogs.answering import TICK
from dialogs.appointments import ANSWERS, read_answer
from dialogs.engine import current_prompt
from dialogs.events import Event
from dialogs.glossary import Glossary
from dialogs.outputs import Checklist, Message, Prompt, Question
from storage.appointments import OPEN, statuses
from storage.conversation import load_conversation
from storage.enums import AppointmentStatus, Channel, Direction
from storage.kiosk_sessions import open_session, touch
from storage.persons import get_person
from storage.transcript import Line, latest_id, recent_lines


@dataclass(frozen=True)
class ButtonView:
    value: str
    label: str
    ticked: bool | None = None
    """For a checklist item: whether it is ticked; None for a plain button."""


Piece = tuple[str, str]
"""A piece of a message: its text, and the id of the glossary term it is ("" for plain
text). A term is a button that asks for its explanation."""


@dataclass(frozen=True)
class PlanDomain:
    name: str
    items: tuple[tuple[str, bool], ...]
    """Each item's title and whether it is done."""
    note: str = ""
    """Said when the domain has no item yet."""


@dataclass(frozen=True)
class Bubble:
    mine: bool
    """Said by the person (shown at the end of the line), else by Fil rouge."""
    text: str
    entry_id: int = 0
    """The transcript entry shown: what its 🔊 button reads."""
    printable: bool = False
    """A document (the CV): the bubble links to its page to print."""
    answers: tuple[ButtonView, ...] = ()
    """An appointment card's buttons ("J'y serai", "Je ne peux pas venir"), while the
    appointment still waits for that answer (on its latest card only)."""
    pieces: tuple[Piece, ...] = ()
    plan: tuple[PlanDomain, ...] | None = None
    """"Mon plan": shown as a list per domain."""
    new: bool = False
    """Said after the person's last message: read by itself when reading aloud is on."""


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
    pieces: tuple[Piece, ...] = ()


@dataclass(frozen=True)
class ChatView:
    first_name: str
    language: str
    bubbles: tuple[Bubble, ...]
    prompt: PromptView | None
    seq: int
    last_entry: int = 0
    """The latest transcript entry on the page: kiosk.js asks whether a newer one came
    (a reminder written while the page is open) and reloads."""


def read_page(services: Services, raw_token: str | None) -> tuple[Resumed, ChatView | None]:
    """The session of this cookie and, if it is live, what its person should see now:
    one read transaction, no engine run (the open question is kept with the state
    as it was shown), nothing written (but the end of a session found idle)."""
    if not raw_token:
        return Resumed(None), None
    with services.read() as tx:
        resumed = judge(services, tx, open_session(tx.session, raw_token))
        view = _view(services, tx, resumed.visit.person_id) if resumed.visit else None
    if resumed.went_idle:
        end(services, raw_token, "idle")
    return resumed, view


def chat_view(services: Services, person_id: int) -> ChatView:
    """What the person should see now (see `read_page`)."""
    with services.read() as tx:
        return _view(services, tx, person_id)


def answer(services: Services, visit: Visit, event: Event, message_id: str) -> TurnResult:
    """The person's answer, as a turn; the session's idle clock starts again with it,
    in the same transaction."""

    def once() -> TurnResult:
        with services.write() as tx:
            inbound = Inbound(visit.person_id, Channel.KIOSK, event, message_id)
            result = take_turn(services, tx, inbound)
            touch(tx.session, visit.session_id, tx.now)
            return result

    return retrying(once)


def keep_alive(services: Services, visit: Visit) -> None:
    """The person is busy on the page (typing): the idle clock starts again."""
    with services.write() as tx:
        touch(tx.session, visit.session_id, tx.now)


def _view(services: Services, tx: Tx, person_id: int) -> ChatView:
    found = load_conversation(tx.session, person_id, for_update=False)
    entries = recent_lines(tx.session, person_id, services.settings.transcript_shown)
    person = found.person
    state = state_of(found)
    translator = services.catalogs.get(person.language)
    language = str(person.language)
    glossary = services.flows.glossary
    bubbles = with_answers(
        bubbles_of(entries, lambda text: _pieces(glossary, text, language)), entries, tx, translator
    )
    prompt = state.prompt
    if prompt is None and state.started:  # a state saved before prompts were kept
        prompt = current_prompt(services.flows, state)
    view = prompt_view(prompt, translator) if prompt else None
    if view is not None:
        view = replace(view, pieces=_pieces(glossary, view.text, language))
        if bubbles and not bubbles[-1].mine and bubbles[-1].text == view.text:
            bubbles = bubbles[:-1]  # the question is shown once: where it is answered
    return ChatView(
        first_name=person.first_name,
        language=language,
        bubbles=bubbles,
        prompt=view,
        seq=state.seq,
        last_entry=entries[-1].id if entries else 0,
    )


def _pieces(glossary: Glossary, text: str, language: str) -> tuple[Piece, ...]:
    marked = glossary.marks(text, language)
    return tuple((keep_together(piece), term.id if term else "") for piece, term in marked)


def bubbles_of(
    lines: list[Line], pieces: Callable[[str], tuple[Piece, ...]] | None = None
) -> tuple[Bubble, ...]:
    """The transcript as bubbles; empty entries are skipped, and so are checklist
    ticks with the checklist shown again after each: the ☑ buttons show them.
    `pieces` cuts a message of Fil rouge into text and glossary terms."""
    bubbles: list[Bubble] = []
    last_mine = max(
        (i for i, line in enumerate(lines) if line.direction == Direction.IN), default=-1
    )
    after_tick = False
    for index, line in enumerate(lines):
        if line.direction == Direction.IN and (line.value or "").startswith(TICK):
            after_tick = True
            continue
        if after_tick and line.output == "checklist":
            continue
        after_tick = False
        if not line.text.strip():
            continue
        mine = line.direction == Direction.IN
        plan = plan_of_text(line.text) if line.output == "plan" else None
        bubbles.append(
            Bubble(
                mine,
                line.text,
                line.id,
                printable=line.output == "document",
                pieces=() if mine or plan or pieces is None else pieces(line.text),
                plan=plan,
                new=not mine and index > last_mine,
            )
        )
    return tuple(bubbles)


_LEAVES = {
    "yes": AppointmentStatus.CONFIRMED,
    "no": AppointmentStatus.CANNOT_COME,
    "went": AppointmentStatus.DONE,
    "missed": AppointmentStatus.MISSED,
}
"""The status each answer of a card leaves the appointment in."""


def with_answers(
    bubbles: tuple[Bubble, ...], lines: list[Line], tx: Tx, translator: Translator
) -> tuple[Bubble, ...]:
    """The buttons of appointment cards: on the latest card of each appointment still to
    come, those that would change its status (read in one query, only when a card is on
    the page)."""
    latest: dict[str, int] = {}
    for line in lines:
        for value in line.card:
            meant = read_answer(value)
            if meant is not None:
                latest[meant[0]] = line.id
    ids = [int(i) for i in latest if i.isdigit()]
    if not ids:
        return bubbles
    now = statuses(tx.session, ids)
    cards = {line.id: line.card for line in lines if line.card}
    shown = []
    for bubble in bubbles:
        answers: list[ButtonView] = []
        for value in cards.get(bubble.entry_id, ()):
            meant = read_answer(value)
            if meant is None or latest.get(meant[0]) != bubble.entry_id:
                continue
            status = now.get(int(meant[0])) if meant[0].isdigit() else None
            if status in OPEN and status != _LEAVES[meant[1]]:
                label = translator.render(Message(ANSWERS[meant[1]]))
                answers.append(ButtonView(value, label))
        shown.append(replace(bubble, answers=tuple(answers)) if answers else bubble)
    return tuple(shown)


def something_new(services: Services, person_id: int, after: int) -> bool:
    """Whether an entry newer than `after` was written for the person (reading only)."""
    with services.read() as tx:
        return latest_id(tx.session, person_id) > after


def plan_of_text(text: str) -> tuple[PlanDomain, ...]:
    """ "Mon plan" as `bot.wording` writes it (the title, then each domain's name on a
    line and its items on the lines after, marked ✓ done or ○ to do), by domain."""
    domains: list[PlanDomain] = []
    for line in text.splitlines()[1:]:
        mark, _, title = line.partition(" ")
        if mark in (DONE_MARK, TODO_MARK) and domains:
            last = domains[-1]
            domains[-1] = PlanDomain(last.name, (*last.items, (title, mark == DONE_MARK)))
        elif mark == NOTE_MARK and domains:
            domains[-1] = replace(domains[-1], note=title)
        elif line.strip():
            domains.append(PlanDomain(line.strip(), ()))
    return tuple(domains)


def language_of(services: Services, person_id: int) -> str:
    """The language a person reads (French if the person is gone)."""
    with services.read() as tx:
        person = get_person(tx.session, person_id)
        return str(person.language) if person else "fr"


def prompt_view(prompt: Prompt, translator: Translator) -> PromptView:
    """The buttons and field of an open prompt, in the person's language."""
    text = translator.render(prompt.text)
    if isinstance(prompt, Checklist):
        items = tuple(
            ButtonView(
                f"tick:{item.id}", keep_together(translator.render(item.label)), item.checked
            )
            for item in prompt.items
        )
        done = ButtonView("done", translator.render(prompt.done_label))
        return PromptView("checklist", prompt.seq, text, items, done)
    buttons = tuple(
        ButtonView(b.value, keep_together(translator.render(b.label))) for b in prompt.buttons
    )
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
