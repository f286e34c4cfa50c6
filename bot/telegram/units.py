"""What each Telegram update does to the database: one unit of work per update.

Each function here runs inside one transaction, in a worker thread, and
returns the outbox rows to send after the commit. `run` claims the update in
that same transaction: a replay (webhook retry, polling replay, a restart that
fetched it again) finds it claimed and does nothing; a crash before the commit
leaves it unclaimed, to be handled again. No aiogram here: the handlers
(`bot.telegram.handlers`) read the update and choose the unit.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable
from dataclasses import dataclass

from bot import appointments, linking
from bot.i18n import Translator
from bot.reminders.cards import person_view, remind_upcoming
from bot.services import Services
from bot.telegram import words
from bot.telegram.delivery import HOLD, outbox_messages, voice_message
from bot.telegram.render import parse_callback, plain
from bot.turn import Inbound, retrying, take_turn
from bot.tx import Tx
from dialogs import messages
from dialogs.answers import fold
from dialogs.appointments import CALENDAR_CAPTION, CALENDAR_LABEL, calendar_value, read_calendar
from dialogs.engine import URGENT
from dialogs.events import Event, Pressed, Said, System
from storage.enums import Channel, Direction
from storage.inbox import claim_update
from storage.outbox import Queued, enqueue
from storage.persons import get_person, person_of_identity
from storage.transcript import Entry, append_transcript, inbound_seen, recent_transcript

RECAP_ENTRIES = 10
RECAP_CUT = 300
_INBOUND_ID_LIMIT = 100

Work = Callable[[Tx], list[Queued]]


@dataclass(frozen=True)
class From:
    """Who sent an update, and where to answer."""

    user_id: int
    chat_id: int
    language: str = ""
    """The language of the person's Telegram app (for someone not linked yet)."""


class Units:
    def __init__(self, services: Services) -> None:
        self.services = services

    def run(self, update_id: int, work: Work) -> list[Queued]:
        """Claim the update and do its work, in one transaction (again if another
        process changed the same rows first)."""

        def once() -> list[Queued]:
            with self.services.write() as tx:
                if not claim_update(tx.session, update_id, tx.now):
                    return []  # already handled: a replay gets no answer
                return work(tx)

        return retrying(once)

    def settle(self, update_id: int) -> None:
        """Mark an update handled without doing anything (nothing handles its kind)."""
        self.run(update_id, lambda _tx: [])

    # --- one per kind of update ------------------------------------------------------------

    def start(self, tx: Tx, who: From, code: str, update_id: int) -> list[Queued]:
        """`/start CODE` links the account; `/start` alone goes on where the person was."""
        if code:
            return self._redeem(tx, who, code, update_id)
        person_id = self._person(tx, who)
        if person_id is None:
            return self._answer(tx, who, words.HOW_TO_LINK)
        return self._turn(tx, who, person_id, System("resume"), f"tg:{update_id}")

    def said(self, tx: Tx, who: From, text: str, update_id: int) -> list[Queued]:
        """Text: a turn of the conversation; for someone not linked, maybe a code."""
        if fold(text) in words.RECAP_WORDS:
            return self.recap(tx, who)
        if fold(text) in words.LISTEN_WORDS:
            return self.listen(tx, who)
        person_id = self._person(tx, who)
        if person_id is not None:
            return self._turn(tx, who, person_id, Said(text), f"tg:{update_id}")
        if _looks_like_code(text):
            return self._redeem(tx, who, text, update_id)
        return self._answer(tx, who, words.HOW_TO_LINK)

    def menu(self, tx: Tx, who: From, update_id: int) -> list[Queued]:
        """`/menu`, from the command list Telegram shows: the same as typing "menu"."""
        return self.said(tx, who, "menu", update_id)

    def urgent(self, tx: Tx, who: From, update_id: int) -> list[Queued]:
        """`/urgence`: the safety net; for someone not linked, the emergency numbers."""
        person_id = self._person(tx, who)
        if person_id is None:
            return self._answer(tx, who, words.URGENT_NUMBERS)
        urgent = Pressed(0, URGENT)  # a button of every screen: its seq is not checked
        return self._turn(tx, who, person_id, urgent, f"tg:{update_id}")

    def recap(self, tx: Tx, who: From) -> list[Queued]:
        """`/recap`: the last messages of the conversation, whichever channel they came by."""
        person_id = self._person(tx, who)
        if person_id is None:
            return self._answer(tx, who, words.HOW_TO_LINK)
        return self._notice(tx, person_id, who.chat_id, lambda t: _recap_text(tx, person_id, t))

    def listen(self, tx: Tx, who: From, heard: bool = False) -> list[Queued]:
        """`/ecouter`: Fil rouge's last message as a voice note (espeak-ng, Ogg Opus), for
        a person who reads poorly. `heard`: they sent a voice note, which is not
        understood yet: they are told so, and get the last message to listen to."""
        person_id = self._person(tx, who)
        if person_id is None:
            return self._answer(tx, who, words.VOICE_RECEIVED if heard else words.HOW_TO_LINK)
        person = get_person(tx.session, person_id)
        if person is None:
            return []
        translator = self.services.catalogs.get(person.language)
        said = [
            e
            for e in recent_transcript(tx.session, person_id, limit=RECAP_ENTRIES * 2)
            if e.direction == Direction.OUT and e.text.strip()
        ]
        queued = []
        if heard:
            queued += self._notice(
                tx, person_id, who.chat_id, lambda t: t.gettext(words.VOICE_RECEIVED)
            )
        if not said:
            return queued + self._notice(
                tx, person_id, who.chat_id, lambda t: t.gettext(words.NOTHING_TO_READ)
            )
        row = voice_message(person_id, who.chat_id, said[-1].text, translator.language)
        return queued + enqueue(tx.session, [row], now=tx.now, held_until=tx.now + HOLD)

    def unsupported(self, tx: Tx, who: From) -> list[Queued]:
        """A sticker, a photo, a voice note...: a short answer."""
        person_id = self._person(tx, who)
        if person_id is None:
            return self._answer(tx, who, words.UNSUPPORTED)
        return self._notice(tx, person_id, who.chat_id, lambda t: t.gettext(words.UNSUPPORTED))

    def pressed(
        self, tx: Tx, who: From, data: str | None, message_id: int, update_id: int
    ) -> list[Queued]:
        """A button. One that is not ours (or of an old format) is a stale press: the
        engine answers "Cette question est fermée" and shows the open question."""
        person_id = self._person(tx, who)
        if person_id is None:
            return self._answer(tx, who, words.HOW_TO_LINK)
        press = parse_callback(data) or Pressed(-1, "")
        # The same button of the same message pressed twice is one press (double tap).
        inbound_id = f"tg:press:{who.chat_id}:{message_id}:{data or ''}"
        if len(inbound_id) > _INBOUND_ID_LIMIT:
            inbound_id = "tg:press:" + hashlib.sha256(inbound_id.encode()).hexdigest()
        calendar = read_calendar(press.value)
        if calendar is not None:
            return self._calendar(tx, who, person_id, calendar, inbound_id)
        return self._turn(tx, who, person_id, press, inbound_id)

    def _calendar(
        self, tx: Tx, who: From, person_id: int, appointment_id: str, inbound_id: str
    ) -> list[Queued]:
        """ "Ajouter à mon agenda": the appointment's .ics file, as a document. Not a turn
        (the conversation does not move), but the press is in the transcript, once."""
        if inbound_seen(tx.session, person_id, Channel.TELEGRAM, inbound_id):
            return []
        person = get_person(tx.session, person_id)
        if person is None:
            return []
        translator = self.services.catalogs.get(person.language)
        pressed = Entry(
            person_id=person_id,
            at=tx.now,
            channel=Channel.TELEGRAM,
            direction=Direction.IN,
            text=translator.gettext(CALENDAR_LABEL),
            payload={"event": "pressed", "value": calendar_value(appointment_id)},
            language=translator.language,
            inbound_id=inbound_id,
        )
        append_transcript(tx.session, [pressed])
        found = appointments.calendar_file(self.services, tx, person_id, appointment_id)
        if found is None:
            gone = messages.APPOINTMENT_GONE
            return self._notice(tx, person_id, who.chat_id, lambda t: t.gettext(gone))
        filename, data = found
        caption = translator.gettext(CALENDAR_CAPTION)
        row = {
            "person_id": person_id,
            "chat_id": who.chat_id,
            "method": "sendDocument",
            "payload": {
                "chat_id": who.chat_id,
                "caption": caption,
                "document": {"filename": filename, "data": base64.b64encode(data).decode()},
            },
            "entry": {
                "text": caption,
                "payload": {"document": filename},
                "language": translator.language,
            },
        }
        return enqueue(tx.session, [row], now=tx.now, held_until=tx.now + HOLD)

    # --- the pieces ------------------------------------------------------------------------

    def _turn(
        self, tx: Tx, who: From, person_id: int, event: Event, inbound_id: str
    ) -> list[Queued]:
        inbound = Inbound(person_id, Channel.TELEGRAM, event, inbound_id, str(who.chat_id))
        return take_turn(self.services, tx, inbound, send_at_once=True).queued

    def _redeem(self, tx: Tx, who: From, typed: str, update_id: int) -> list[Queued]:
        result = linking.redeem_in(tx, self.services, str(who.user_id), typed)
        person_id = result.person_id
        if result.outcome is linking.LinkOutcome.LINKED and person_id is not None:
            queued: list[Queued] = []
            old = result.detached_user_id
            if old is not None and old != str(who.user_id) and old.lstrip("-").isdigit():
                queued += self._notice(tx, person_id, int(old), lambda t: t.gettext(words.DETACHED))
            queued += self._turn(tx, who, person_id, System("linked"), f"tg:{update_id}")
            person = get_person(tx.session, person_id)
            if person is not None:  # what is still to come, told again on the phone
                queued += remind_upcoming(self.services, tx, person_view(person))
            return queued
        said = words.TOO_MANY if result.outcome is linking.LinkOutcome.TOO_MANY else words.REFUSED
        return self._answer(tx, who, said, language_of=person_id)

    def _notice(
        self, tx: Tx, person_id: int, chat_id: int, text: Callable[[Translator], str]
    ) -> list[Queued]:
        """Something outside the conversation's flow, in the person's transcript."""
        person = get_person(tx.session, person_id)
        if person is None:
            return []
        translator = self.services.catalogs.get(person.language)
        rows = outbox_messages(
            person_id=person_id,
            chat_id=chat_id,
            messages=plain(text(translator)),
            language=translator.language,
        )
        return enqueue(tx.session, rows, now=tx.now, held_until=tx.now + HOLD)

    def _answer(
        self, tx: Tx, who: From, msgid: str, language_of: int | None = None
    ) -> list[Queued]:
        """An answer to someone who is not (or not here) a person of Fil rouge: in their
        app's language, or their person's; kept out of any transcript."""
        language = who.language[:2]
        if language_of is not None:
            person = get_person(tx.session, language_of)
            language = str(person.language) if person else language
        translator = self.services.catalogs.get(language)
        rows = outbox_messages(
            person_id=None,
            chat_id=who.chat_id,
            messages=plain(translator.gettext(msgid)),
            language=translator.language,
        )
        return enqueue(tx.session, rows, now=tx.now, held_until=tx.now + HOLD)

    def _person(self, tx: Tx, who: From) -> int | None:
        return person_of_identity(tx.session, Channel.TELEGRAM, str(who.user_id))


def _looks_like_code(text: str) -> bool:
    code = linking.normalise(text)
    return len(code) == linking.LENGTH and all(c in linking.ALPHABET for c in code)


def _recap_text(tx: Tx, person_id: int, translator: Translator) -> str:
    entries = [
        e
        for e in recent_transcript(tx.session, person_id, limit=RECAP_ENTRIES * 2)
        if e.text.strip()
    ][-RECAP_ENTRIES:]
    if not entries:
        return translator.gettext(words.RECAP_EMPTY)
    you, us = translator.gettext(words.RECAP_YOU), translator.gettext(words.RECAP_US)
    lines = [translator.gettext(words.RECAP_TITLE)]
    for entry in entries:
        who = you if entry.direction == Direction.IN else us
        text = entry.text if len(entry.text) <= RECAP_CUT else entry.text[:RECAP_CUT] + "…"
        lines.append(f"— {who} : {text}")
    return "\n".join(lines)
