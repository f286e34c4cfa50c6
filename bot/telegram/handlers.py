"""The aiogram router: what each kind of update becomes.

* `/start CODE` links this account; `/start` alone explains how, or goes on.
* A linked person's text and buttons are turns of the conversation.
* `/recap` (or "récap") shows the last messages; `/menu` goes home.
* `/urgence` opens the safety net, as the kiosk's "Aide urgente" button does;
  someone not linked gets the emergency numbers at once.
* `/ecouter` (or "écouter") sends the last message as a voice note; a voice note
  received gets the same, after a word that voice is not understood yet.
* Stickers, photos, voice notes, documents, locations: a short answer.
* Edited messages and group chats: no handler, so a deliberate silence.

Each handler reads the update and hands one unit of work (`bot.telegram.units`)
to a worker thread: one thread crossing and one transaction per update. What
the unit queued is sent at once, after the commit, by the same task. Nothing
here decides what the conversation says: the engine does.
"""

from __future__ import annotations

import asyncio
import logging
from functools import partial

from aiogram import F, Router
from aiogram.enums import ChatType
from aiogram.exceptions import TelegramAPIError
from aiogram.filters import Command, CommandObject, CommandStart
from aiogram.types import CallbackQuery, ErrorEvent, Message, Update, User

from bot.telegram.sender import OutboxSender
from bot.telegram.units import From, Units, Work
from bot.typed import cleaned
from storage.errors import StorageError

log = logging.getLogger(__name__)

_PRIVATE = F.chat.type == ChatType.PRIVATE


class TelegramHandlers:
    """The handlers of one bot."""

    def __init__(self, units: Units, sender: OutboxSender) -> None:
        self.units = units
        self.sender = sender

    def router(self) -> Router:
        router = Router(name="filrouge")
        router.message.filter(_PRIVATE)
        router.callback_query.filter(F.message.chat.type == ChatType.PRIVATE)
        router.message.register(self.start, CommandStart())
        router.message.register(self.recap, Command("recap"))
        router.message.register(self.menu, Command("menu"))
        router.message.register(self.urgence, Command("urgence"))
        router.message.register(self.listen, Command("ecouter"))
        router.message.register(self.text, F.text)
        router.message.register(self.voice, F.voice)
        router.message.register(self.unsupported)
        router.callback_query.register(self.pressed)
        router.errors.register(self.failed, _not_busy)
        return router

    # --- handlers ---------------------------------------------------------------------

    async def start(self, message: Message, command: CommandObject, event_update: Update) -> None:
        code = cleaned(command.args or "").strip()
        work = partial(
            self.units.start, who=_from(message), code=code, update_id=event_update.update_id
        )
        await self._run(event_update, work)

    async def recap(self, message: Message, event_update: Update) -> None:
        await self._run(event_update, partial(self.units.recap, who=_from(message)))

    async def menu(self, message: Message, event_update: Update) -> None:
        work = partial(self.units.menu, who=_from(message), update_id=event_update.update_id)
        await self._run(event_update, work)

    async def urgence(self, message: Message, event_update: Update) -> None:
        """`/urgence`: the safety net, the same event as the kiosk's "Aide urgente"."""
        work = partial(self.units.urgent, who=_from(message), update_id=event_update.update_id)
        await self._run(event_update, work)

    async def text(self, message: Message, event_update: Update) -> None:
        work = partial(
            self.units.said,
            who=_from(message),
            text=cleaned(message.text or ""),
            update_id=event_update.update_id,
        )
        await self._run(event_update, work)

    async def listen(self, message: Message, event_update: Update) -> None:
        """`/ecouter`: the last message, as a voice note."""
        await self._run(event_update, partial(self.units.listen, who=_from(message)))

    async def voice(self, message: Message, event_update: Update) -> None:
        """A voice note: not understood yet; the last message comes back to listen to."""
        await self._run(event_update, partial(self.units.listen, who=_from(message), heard=True))

    async def unsupported(self, message: Message, event_update: Update) -> None:
        await self._run(event_update, partial(self.units.unsupported, who=_from(message)))

    async def pressed(self, query: CallbackQuery, event_update: Update) -> None:
        # Always answered, at once: the button stops spinning whatever follows.
        try:
            await query.answer()
        except TelegramAPIError as error:
            log.warning("telegram: answerCallbackQuery %s failed: %s", query.id, error)
        chat_id = query.message.chat.id if query.message else query.from_user.id
        who = _who(query.from_user, chat_id)
        message_id = query.message.message_id if query.message else 0
        work = partial(
            self.units.pressed,
            who=who,
            data=cleaned(query.data) if query.data else None,
            message_id=message_id,
            update_id=event_update.update_id,
        )
        await self._run(event_update, work)

    async def failed(self, event: ErrorEvent) -> None:
        """A fault no handler expected (a bug): logged, and the update settled, so that
        it is not handled again at every restart. (A busy database is not a fault:
        `_not_busy` lets it through, and the update waits in the inbox.)"""
        update_id = event.update.update_id
        log.error("telegram: update %s failed", update_id, exc_info=event.exception)
        try:
            await asyncio.to_thread(self.units.settle, update_id)
        except StorageError as error:
            log.warning("telegram: update %s not settled: %s", update_id, error)

    # --- the one way through ---------------------------------------------------------------

    async def _run(self, update: Update, work: Work) -> None:
        queued = await asyncio.to_thread(self.units.run, update.update_id, work)
        if queued:
            await self.sender.send(queued)


def _not_busy(event: ErrorEvent) -> bool:
    return not isinstance(event.exception, StorageError)


def _from(message: Message) -> From:
    if message.from_user is None:  # only channel posts lack one; they never reach here
        raise ValueError("a private message without a sender")
    return _who(message.from_user, message.chat.id)


def _who(user: User, chat_id: int) -> From:
    return From(user.id, chat_id, user.language_code or "")
