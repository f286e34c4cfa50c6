"""The aiogram router: what each kind of update becomes.

* `/start CODE` links this account (`bot.linking.redeem`); `/start` alone explains how.
* A linked person's text and buttons are engine events, run by `bot.turn.run_turn`
  with the outputs written to the outbox in the turn's transaction.
* `/recap` (or "récap") shows the last messages of the conversation.
* `/urgence` opens the safety net, as the kiosk's "Aide urgente" button does;
  someone not linked gets the emergency numbers at once.
* Stickers, photos, voice notes, documents, locations: a short reply.
* Edited messages and group chats: no handler, so a deliberate silence.

Nothing here decides what the conversation says: the engine does.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Callable

from aiogram import Bot, F, Router
from aiogram.enums import ChatType
from aiogram.exceptions import TelegramAPIError
from aiogram.filters import Command, CommandObject, CommandStart
from aiogram.types import CallbackQuery, Message, Update, User
from sqlmodel import Session

from bot import linking
from bot.i18n import Translator
from bot.services import Services
from bot.telegram import words
from bot.telegram.deliver import OutboxDeliver, outbox_rows
from bot.telegram.gate import claim
from bot.telegram.render import parse_callback, plain
from bot.turn import Inbound, run_turn
from dialogs.answers import fold
from dialogs.engine import URGENT
from dialogs.events import Event, Pressed, Said, System
from storage.database import read_session, write_transaction
from storage.enums import Channel, Direction
from storage.errors import StorageError
from storage.models import Person
from storage.outbox import enqueue
from storage.persons import find_identity, get_person
from storage.transcript import recent_transcript

log = logging.getLogger(__name__)

RECAP_ENTRIES = 10
RECAP_CUT = 300
_INBOUND_ID_LIMIT = 100
_PRIVATE = F.chat.type == ChatType.PRIVATE


class TelegramHandlers:
    """The handlers of one bot; `wake` tells the outbox sender that rows are waiting."""

    def __init__(self, services: Services, wake: Callable[[], None]) -> None:
        self.services = services
        self.wake = wake

    def router(self) -> Router:
        router = Router(name="filrouge")
        router.message.filter(_PRIVATE)
        router.callback_query.filter(F.message.chat.type == ChatType.PRIVATE)
        router.message.register(self.start, CommandStart())
        router.message.register(self.recap, Command("recap"))
        router.message.register(self.menu, Command("menu"))
        router.message.register(self.urgence, Command("urgence"))
        router.message.register(self.text, F.text)
        router.message.register(self.unsupported)
        router.callback_query.register(self.pressed)
        return router

    # --- handlers -----------------------------------------------------------

    async def start(self, message: Message, command: CommandObject, event_update: Update) -> None:
        user = _sender(message)
        code = (command.args or "").strip()
        person_id = await self._linked(user)
        if code:
            await self._redeem(message, user, code, event_update)
        elif person_id is not None:
            await self._turn(
                message.bot, person_id, message.chat.id, System("resume"), event_update
            )
        elif await self._once(event_update):
            await self._reply(message.bot, message.chat.id, user, None, words.HOW_TO_LINK)

    async def recap(self, message: Message, event_update: Update) -> None:
        if not await self._once(event_update):
            return
        user = _sender(message)
        person_id = await self._linked(user)
        if person_id is None:
            await self._reply(message.bot, message.chat.id, user, None, words.HOW_TO_LINK)
            return
        await self._notice(person_id, message.chat.id, _recap_text)

    async def menu(self, message: Message, event_update: Update) -> None:
        """`/menu`, from the command list Telegram shows: the same as typing "menu"."""
        user = _sender(message)
        person_id = await self._linked(user)
        if person_id is not None:
            await self._turn(message.bot, person_id, message.chat.id, Said("menu"), event_update)
        elif await self._once(event_update):
            await self._reply(message.bot, message.chat.id, user, None, words.HOW_TO_LINK)

    async def urgence(self, message: Message, event_update: Update) -> None:
        """`/urgence`: the safety net, the same event as the kiosk's "Aide urgente"."""
        user = _sender(message)
        person_id = await self._linked(user)
        if person_id is not None:
            urgent = Pressed(0, URGENT)  # a button of every screen: its seq is not checked
            await self._turn(message.bot, person_id, message.chat.id, urgent, event_update)
        elif await self._once(event_update):
            await self._reply(message.bot, message.chat.id, user, None, words.URGENT_NUMBERS)

    async def text(self, message: Message, event_update: Update) -> None:
        user = _sender(message)
        text = message.text or ""
        if fold(text) in words.RECAP_WORDS:
            await self.recap(message, event_update)
            return
        person_id = await self._linked(user)
        if person_id is not None:
            await self._turn(message.bot, person_id, message.chat.id, Said(text), event_update)
        elif _looks_like_code(text):
            await self._redeem(message, user, text, event_update)
        elif await self._once(event_update):
            await self._reply(message.bot, message.chat.id, user, None, words.HOW_TO_LINK)

    async def unsupported(self, message: Message, event_update: Update) -> None:
        if not await self._once(event_update):
            return
        user = _sender(message)
        person_id = await self._linked(user)
        if person_id is None:
            await self._reply(message.bot, message.chat.id, user, None, words.UNSUPPORTED)
        else:
            await self._notice(
                person_id, message.chat.id, lambda _s, _p, t: t.gettext(words.UNSUPPORTED)
            )

    async def pressed(self, query: CallbackQuery, event_update: Update) -> None:
        # Always answered, at once: the button stops spinning whatever follows.
        try:
            await query.answer()
        except TelegramAPIError as error:
            log.warning("telegram: answerCallbackQuery %s failed: %s", query.id, error)
        chat_id = query.message.chat.id if query.message else query.from_user.id
        person_id = await self._linked(query.from_user)
        if person_id is None:
            if await self._once(event_update):
                await self._reply(query.bot, chat_id, query.from_user, None, words.HOW_TO_LINK)
            return
        # A button that is not ours (or of an old format) is a stale press: the
        # engine answers "Cette question est fermée" and shows the open question.
        press = parse_callback(query.data) or Pressed(-1, "")
        # The same button of the same message pressed twice is one press (double tap).
        message_id = query.message.message_id if query.message else 0
        inbound_id = f"tg:press:{chat_id}:{message_id}:{query.data or ''}"
        if len(inbound_id) > _INBOUND_ID_LIMIT:
            inbound_id = "tg:press:" + hashlib.sha256(inbound_id.encode()).hexdigest()
        await self._turn(query.bot, person_id, chat_id, press, event_update, inbound_id)

    # --- the conversation ------------------------------------------------------

    async def _turn(
        self,
        bot: Bot | None,
        person_id: int,
        chat_id: int,
        event: Event,
        update: Update,
        inbound_id: str | None = None,
        *,
        claimed: bool = False,
    ) -> None:
        inbound = Inbound(
            person_id,
            Channel.TELEGRAM,
            event,
            inbound_id or f"tg:{update.update_id}",
            update_id=None if claimed else update.update_id,
        )
        deliver = OutboxDeliver(chat_id, self.services.clock)
        try:
            await asyncio.to_thread(run_turn, self.services, inbound, deliver)
        except StorageError as error:
            log.warning("telegram: turn of person %s not run: %s", person_id, error)
            await self._reply(bot, chat_id, None, person_id, words.BUSY)
            return
        if deliver.enqueued:
            self.wake()

    async def _redeem(self, message: Message, user: User, typed: str, update: Update) -> None:
        if not await self._once(update):
            return
        result = await asyncio.to_thread(linking.redeem, self.services, str(user.id), typed)
        chat_id = message.chat.id
        if result.outcome is linking.LinkOutcome.LINKED and result.person_id is not None:
            old = result.detached_user_id
            if old is not None and old != str(user.id) and old.lstrip("-").isdigit():
                await self._notice(
                    result.person_id, int(old), lambda _s, _p, t: t.gettext(words.DETACHED)
                )
            await self._turn(
                message.bot, result.person_id, chat_id, System("linked"), update, claimed=True
            )
            return
        said = words.TOO_MANY if result.outcome is linking.LinkOutcome.TOO_MANY else words.REFUSED
        await self._reply(message.bot, chat_id, user, result.person_id, said)

    async def _notice(
        self, person_id: int, chat_id: int, text: Callable[[Session, Person, Translator], str]
    ) -> None:
        """Say something outside the conversation's flow, through the outbox (paced, recorded)."""

        def write() -> None:
            services = self.services
            with services.locks.writer(), write_transaction(services.engine) as session:
                person = get_person(session, person_id)
                if person is None:
                    return
                translator = services.catalogs.get(person.language)
                rows = outbox_rows(
                    person_id=person_id,
                    chat_id=chat_id,
                    messages=plain(text(session, person, translator)),
                    clock=services.clock,
                    language=translator.language,
                )
                enqueue(session, rows)

        try:
            await asyncio.to_thread(write)
        except StorageError as error:
            log.warning("telegram: notice to person %s not written: %s", person_id, error)
            return
        self.wake()

    async def _reply(
        self,
        bot: Bot | None,
        chat_id: int,
        user: User | None,
        person_id: int | None,
        msgid: str,
    ) -> None:
        """Answer someone directly (not linked yet, so no outbox), in their language."""
        language = user.language_code if user is not None and user.language_code else ""
        if person_id is not None:
            language = await asyncio.to_thread(self._language_of, person_id) or language
        text = self.services.catalogs.get(language[:2]).gettext(msgid)
        if bot is None:
            log.error("telegram: no bot to answer chat %s", chat_id)
            return
        try:
            await bot.send_message(chat_id, text)
        except TelegramAPIError as error:
            log.warning("telegram: reply to chat %s not sent: %s", chat_id, error)

    async def _once(self, update: Update) -> bool:
        """Claim an update that runs no turn; False for a replay (answer nothing)."""
        try:
            return await asyncio.to_thread(claim, self.services, update.update_id)
        except StorageError as error:
            log.warning("telegram: update %s not taken in: %s", update.update_id, error)
            return False

    async def _linked(self, user: User) -> int | None:
        return await asyncio.to_thread(self._person_of, user.id)

    def _person_of(self, user_id: int) -> int | None:
        with read_session(self.services.engine) as session:
            identity = find_identity(session, Channel.TELEGRAM, str(user_id))
            return identity.person_id if identity else None

    def _language_of(self, person_id: int) -> str:
        with read_session(self.services.engine) as session:
            person = get_person(session, person_id)
            return str(person.language) if person else ""


def _sender(message: Message) -> User:
    if message.from_user is None:  # only channel posts lack one; they never reach here
        raise ValueError("a private message without a sender")
    return message.from_user


def _looks_like_code(text: str) -> bool:
    code = linking.normalise(text)
    return len(code) == linking.LENGTH and all(c in linking.ALPHABET for c in code)


def _recap_text(session: Session, person: Person, translator: Translator) -> str:
    entries = [
        e
        for e in recent_transcript(session, person.id or 0, limit=RECAP_ENTRIES * 2)
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
