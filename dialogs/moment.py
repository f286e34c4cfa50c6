"""A `moment` question: the day and time of an appointment, typed in French.

One `ask` step with `expect: moment` may take up to three prompts, all on the
same step (kept in the frame's locals):

1. the question itself: "mardi 14h", "3/12 à 9h30" are saved at once;
2. a day without a time ("jeudi"): "À quelle heure ?";
3. a part of the day for a time ("demain matin" is 9:00, a guess): "Je note
   9 h. C'est bien l'heure du rendez-vous ?" (Oui / Non; a time typed instead
   is taken).

What is refused is said with its reason and an example (`dialogs.when`), and
asked again. The moment is saved as an ISO datetime in UTC.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from dialogs import answers, messages
from dialogs.events import Context, Pressed, Said
from dialogs.messages import N_
from dialogs.outputs import Button, Message, Question
from dialogs.schema import Ask
from dialogs.state import State
from dialogs.when import PART_OF_DAY, Refusal, When, read_when

DAY = "__day__"
"""A frame local: the day typed without a time (ISO date), while its time is asked."""
GUESS = "__guess__"
"""A frame local: the moment guessed from a part of the day (ISO), to confirm."""

ASK_TIME = N_("À quelle heure ? Regardez le papier du rendez-vous.")
TIME_RETRY = N_("Écrivez l'heure, par exemple : 9h30, ou 14h.")
CONFIRM_RETRY = N_("Appuyez sur Oui ou sur Non. Ou écrivez l'heure, par exemple : 9h30.")
CONFIRM: dict[time, str] = {
    PART_OF_DAY["matin"]: N_("Vous avez écrit « matin » : je note 9 h. C'est bien l'heure ?"),
    PART_OF_DAY["apres-midi"]: N_(
        "Vous avez écrit « après-midi » : je note 14 h. C'est bien l'heure ?"
    ),
    PART_OF_DAY["soir"]: N_("Vous avez écrit « soir » : je note 18 h. C'est bien l'heure ?"),
}


@dataclass(frozen=True)
class Saved:
    """The moment is known and saved."""


@dataclass(frozen=True)
class Asking:
    """A follow-up prompt of the same step is now open (the time, or a confirmation)."""


@dataclass(frozen=True)
class Refused:
    """Not taken: `msgid` says why, with an example. `unreadable`: the text read as no
    date at all (typed text may then mean something else: a guide, small talk)."""

    msgid: str
    unreadable: bool = False


Outcome = Saved | Asking | Refused


def answer_moment(state: State, ask: Ask, event: Pressed | Said, ctx: Context) -> Outcome:
    """Read an answer to a `moment` question; saves `state.answers[ask.save]` when known."""
    locals_ = state.stack[-1].locals
    now = ctx.now or datetime.combine(ctx.today, time(12), tzinfo=ZoneInfo(ctx.timezone))
    if GUESS in locals_:
        return _confirm(state, ask, event, now, ctx)
    if not isinstance(event, Said):
        return Refused(TIME_RETRY if DAY in locals_ else messages.RETRY["moment"], True)
    if DAY in locals_:
        return _time_of(state, ask, event.text, date.fromisoformat(str(locals_[DAY])), now, ctx)
    return _take(state, ask, read_when(event.text, now, ctx.timezone))


def prompt(state: State, ask: Ask, shown: Question) -> Question:
    """The prompt open on a `moment` step: the question, or its follow-up."""
    locals_ = state.stack[-1].locals if state.stack else {}
    if GUESS in locals_:
        clock = datetime.fromisoformat(str(locals_[GUESS])).time()
        msgid = CONFIRM.get(clock, CONFIRM[PART_OF_DAY["matin"]])
        yes_no = (Button("yes", Message(messages.YES)), Button("no", Message(messages.NO)))
        return Question(Message(msgid), "yesno", shown.seq, yes_no + shown.buttons)
    if DAY in locals_:
        return Question(Message(ASK_TIME), "time", shown.seq, shown.buttons)
    return shown


def _take(state: State, ask: Ask, read: When | Refusal) -> Outcome:
    locals_ = state.stack[-1].locals
    if isinstance(read, Refusal):
        return Refused(read.message, unreadable=read.reason == "unreadable")
    locals_.pop(DAY, None)
    locals_.pop(GUESS, None)
    if read.at is None:
        locals_[DAY] = read.day.isoformat()
        return Asking()
    if read.time_guessed:
        # Kept as the local wall time: its hour is what the confirmation names.
        locals_[GUESS] = read.at.isoformat()
        return Asking()
    state.answers[ask.save] = read.at.astimezone(UTC).isoformat()
    return Saved()


def _time_of(state: State, ask: Ask, text: str, day: date, now: datetime, ctx: Context) -> Outcome:
    """A time for the day already given; a whole new date is taken too."""
    alone = read_when(text, now, ctx.timezone)
    if isinstance(alone, When):
        return _take(state, ask, alone)
    if alone.reason not in ("no_day", "unreadable"):
        return Refused(alone.message)
    with_day = read_when(f"{day.day}/{day.month}/{day.year} {text}", now, ctx.timezone)
    if isinstance(with_day, Refusal) and with_day.reason == "unreadable":
        return Refused(TIME_RETRY)
    return _take(state, ask, with_day)


def _confirm(state: State, ask: Ask, event: Pressed | Said, now: datetime, ctx: Context) -> Outcome:
    locals_ = state.stack[-1].locals
    guessed = datetime.fromisoformat(str(locals_[GUESS]))
    if isinstance(event, Pressed):
        said = {"yes": True, "no": False}.get(event.value)
    else:
        parsed = answers.parse("yesno", event.text, ctx.today)
        said = parsed if isinstance(parsed, bool) else None
    if said is True:
        locals_.pop(GUESS)
        state.answers[ask.save] = guessed.astimezone(UTC).isoformat()
        return Saved()
    if said is False:
        locals_.pop(GUESS)
        locals_[DAY] = guessed.date().isoformat()
        return Asking()
    if isinstance(event, Said):
        corrected = _time_of(state, ask, event.text, guessed.date(), now, ctx)
        if not (isinstance(corrected, Refused) and corrected.msgid == TIME_RETRY):
            return corrected
    return Refused(CONFIRM_RETRY)
