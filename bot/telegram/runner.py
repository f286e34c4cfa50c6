"""The Telegram side of the process: receive updates, handle them, send the outbox.

Built from `Settings` by `filrouge serve` when `FILROUGE_TELEGRAM_TOKEN` is set,
and run in the web server's event loop.

* **Polling** (the default): each batch `getUpdates` returns is stored in the
  inbox (`storage.inbox`) before the next `getUpdates` tells Telegram it was
  received; then each update is handled from there. aiogram's own polling
  confirms a batch before its handlers ran: a stop then lost what was fetched.
  Here a stop, clean or not, leaves what was not handled in the inbox, and the
  next start handles it first.
* **Webhook** (`FILROUGE_TELEGRAM_WEBHOOK_URL`): the web app's
  `POST /telegram/webhook` hands each update to `feed_webhook`; it is handled
  in the request, and Telegram gets its 200 only once the update and what it
  caused are committed (a busy database answers 503: Telegram sends it again).

`stop()` stops fetching, lets the updates being handled finish (or leaves them
in the inbox), sends what was committed, and returns.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.dispatcher.event.bases import UNHANDLED
from aiogram.exceptions import TelegramAPIError
from aiogram.methods import GetUpdates
from aiogram.types import BotCommand, Update
from pydantic import ValidationError

from bot.i18n import LANGUAGES, SOURCE_LANGUAGE
from bot.services import Services
from bot.telegram import words
from bot.telegram.gate import RETRY_BUSY, Sleep, UpdateGate
from bot.telegram.handlers import TelegramHandlers
from bot.telegram.pacer import Pacer, Unpaced
from bot.telegram.sender import OutboxSender
from bot.telegram.units import Units
from storage.errors import StorageError
from storage.inbox import pending_updates, store_updates

log = logging.getLogger(__name__)

POLLING_TIMEOUT = 25
"""Seconds a long poll waits for updates (Telegram allows up to 50)."""
GRACE = 10.0
"""Seconds a stop lets the updates being handled, and the messages committed, finish."""
IN_FLIGHT = 256
"""Updates handled at once at most; the next `getUpdates` waits for room."""
RESUME_BATCH = 500


class NotAnUpdate(ValueError):
    """What was posted to the webhook is not a Telegram update."""


class TelegramChannel:
    """One bot: receive updates (polling or webhook), handle them, send the outbox."""

    def __init__(
        self,
        services: Services,
        *,
        pacer: Pacer | None = None,
        polling_timeout: int = POLLING_TIMEOUT,
        outbox_poll_interval: float = 1.0,
        sleep: Sleep = asyncio.sleep,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        settings = services.settings
        if settings.telegram_token is None:
            raise ValueError("FILROUGE_TELEGRAM_TOKEN is not set: Telegram is off")
        session = (
            AiohttpSession(api=TelegramAPIServer.from_base(settings.telegram_api_url))
            if settings.telegram_api_url
            else AiohttpSession()
        )
        # No default parse mode: every text is sent as plain text.
        self.bot = Bot(settings.telegram_token.get_secret_value(), session=session)
        self.services = services
        self.polling_timeout = polling_timeout
        self._sleep = sleep
        if pacer is None and not settings.telegram_pacing:
            pacer = Unpaced()
        elif pacer is None:
            pacer = Pacer(
                per_bot=settings.telegram_rate,
                per_chat_interval=settings.telegram_chat_interval,
                burst=settings.telegram_rate / 2,
            )
        self.sender = OutboxSender(
            services,
            self.bot,
            pacer=pacer,
            poll_interval=outbox_poll_interval,
            sleep=sleep,
            monotonic=monotonic,
        )
        self.units = Units(services)
        # Conversations live in the database, not in aiogram's FSM: it is left out.
        self.dispatcher = Dispatcher(disable_fsm=True)
        self.dispatcher.update.outer_middleware(UpdateGate(sleep))
        self.dispatcher.include_router(TelegramHandlers(self.units, self.sender).router())
        self._handling: set[asyncio.Task[None]] = set()
        self.handled = 0
        """Updates handled so far (a replay counts again): tests wait on it, not on time."""
        self._room = asyncio.Semaphore(IN_FLIGHT)
        self._stopping = asyncio.Event()
        self._stopped = asyncio.Event()

    @property
    def webhook_url(self) -> str | None:
        return self.services.settings.telegram_webhook_url or None

    async def run(self) -> None:
        """Receive and send until `stop()` (or cancelled); closes the bot's HTTP session."""
        # aiogram logs every handled update at INFO: a line per message of every
        # person, in the server's log. Our own warnings say what went wrong.
        logging.getLogger("aiogram.event").setLevel(logging.WARNING)
        sender = asyncio.create_task(self.sender.run(), name="telegram-outbox")
        receiving: asyncio.Task[None] | None = None
        graceful = False
        try:
            await self._set_commands()
            if self.webhook_url:
                await self._register_webhook()
            else:
                # getUpdates is refused while a webhook is set.
                await self.bot.delete_webhook(drop_pending_updates=False)
                receiving = asyncio.create_task(self._receive(), name="telegram-polling")
            stopping = asyncio.create_task(self._stopping.wait())
            waited: set[asyncio.Task[Any]] = {stopping, sender}
            if receiving is not None:
                waited.add(receiving)
            done, _ = await asyncio.wait(waited, return_when=asyncio.FIRST_COMPLETED)
            stopping.cancel()
            for task in done - {stopping}:
                task.result()  # a crash of the receiver or the sender is raised, not hidden
            graceful = True
        finally:
            await self._shutdown(receiving, sender, graceful)

    async def stop(self) -> None:
        """Stop fetching, finish (or leave in the inbox) what is being handled, send
        what was committed; returns once `run` has ended."""
        self._stopping.set()
        await self._stopped.wait()

    async def _shutdown(
        self, receiving: asyncio.Task[None] | None, sender: asyncio.Task[None], graceful: bool
    ) -> None:
        left = 0
        try:
            if receiving is not None:
                receiving.cancel()  # an unconfirmed batch is fetched again at the next start
                with contextlib.suppress(asyncio.CancelledError):
                    await receiving
            grace = GRACE if graceful else 0.0
            if self._handling and grace:
                await asyncio.wait(set(self._handling), timeout=grace)
            left = len(self._handling)
            for task in list(self._handling):
                task.cancel()  # left in the inbox: handled at the next start
            await asyncio.gather(*self._handling, return_exceptions=True)
            sender.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await sender
            await self.sender.stop(grace)
        finally:
            await self.bot.session.close()
            self._stopped.set()
            log.info("telegram: stopped; %s updates left in the inbox for the next start", left)

    # --- polling, through the inbox ---------------------------------------------------------

    async def _receive(self) -> None:
        """Handle what the inbox kept from before, then poll until cancelled."""
        await self._resume()
        allowed = self.dispatcher.resolve_used_update_types()
        request = GetUpdates(timeout=self.polling_timeout, allowed_updates=allowed)
        backoff = 1.0
        while True:
            try:
                updates = await self.bot(request, request_timeout=self.polling_timeout + 10)
            except (TelegramAPIError, ValidationError, ValueError) as error:
                # Telegram unreachable, or an answer that is not what the Bot API says
                # (a malformed update): logged, tried again; nothing was confirmed.
                log.warning(
                    "telegram: getUpdates failed, again in %s s: %s", backoff, type(error).__name__
                )
                await self._sleep(backoff)
                backoff = min(60.0, backoff * 2)
                continue
            backoff = 1.0
            if updates:
                await self.take_in(updates)
                request.offset = updates[-1].update_id + 1  # confirmed by the next getUpdates

    async def take_in(self, updates: list[Update]) -> None:
        """Store a batch of updates in the inbox, then handle each (in the background,
        a user's in order): what polling does with each `getUpdates` answer."""
        await self._keep(updates)
        for update in updates:
            await self._handle_soon(update)

    async def settled(self) -> None:
        """Wait until every update taken in is handled, and every message it queued is
        sent and recorded: what a test waits for instead of time."""
        while self._handling:
            await asyncio.gather(*self._handling, return_exceptions=True)
        await self.sender.settled()

    async def _keep(self, updates: list[Update]) -> None:
        """Store a batch in the inbox, however long the database is busy (until then
        Telegram keeps it too: it is not confirmed)."""
        rows = [(u.update_id, u.model_dump_json(exclude_unset=True)) for u in updates]
        delay = 0.5
        while True:
            try:
                await asyncio.to_thread(self._store, rows)
                return
            except StorageError as error:
                log.warning("telegram: %s updates not stored yet: %s", len(rows), error)
                await self._sleep(delay)
                delay = min(30.0, delay * 2)

    def _store(self, rows: list[tuple[int, str]]) -> None:
        with self.services.write() as tx:
            store_updates(tx.session, rows, tx.now)

    async def _resume(self) -> None:
        """Handle the updates a previous run stored and did not handle, oldest first."""
        last = -1
        while True:
            rows = await asyncio.to_thread(self._pending)
            rows = [(i, payload) for i, payload in rows if i > last]
            if not rows:
                return
            log.info("telegram: %s updates left from before are handled now", len(rows))
            for update_id, payload in rows:
                last = update_id
                try:
                    update = Update.model_validate_json(payload, context={"bot": self.bot})
                except ValidationError:
                    log.error("telegram: stored update %s unreadable; dropped", update_id)
                    await asyncio.to_thread(self.units.settle, update_id)
                    continue
                await self._handle_soon(update)

    def _pending(self) -> list[tuple[int, str]]:
        with self.services.read() as tx:
            return pending_updates(tx.session, RESUME_BATCH)

    async def _handle_soon(self, update: Update) -> None:
        await self._room.acquire()
        task = asyncio.create_task(self._handle(update))
        self._handling.add(task)
        task.add_done_callback(self._handled)

    def _handled(self, task: asyncio.Task[None]) -> None:
        self._handling.discard(task)
        self._room.release()

    async def _handle(self, update: Update) -> None:
        """One update from the inbox; a busy database makes it wait (see `UpdateGate`)."""
        try:
            response = await self.dispatcher.feed_update(self.bot, update, **{RETRY_BUSY: True})
        except asyncio.CancelledError:
            raise
        except Exception:  # the error handler logged it; nothing more to do here
            log.debug("telegram: update %s ended in error", update.update_id, exc_info=True)
            self.handled += 1
            return
        if response is UNHANDLED:  # nothing handles its kind (an edit, a group): settled
            try:
                await asyncio.to_thread(self.units.settle, update.update_id)
            except StorageError as error:
                log.warning("telegram: update %s not settled: %s", update.update_id, error)
        self.handled += 1

    # --- webhook ------------------------------------------------------------------------------

    async def feed_webhook(self, raw: dict[str, Any]) -> None:
        """Handle one update posted to the webhook (the secret was checked by the route).

        Raises `NotAnUpdate` for what is not an update, and `StorageError` when the
        database is busy: nothing was kept, and Telegram will send it again.
        """
        try:
            update = Update.model_validate(raw, context={"bot": self.bot})
        except ValidationError as error:
            raise NotAnUpdate(f"not a Telegram update: {error.error_count()} problems") from error
        await self.dispatcher.feed_update(self.bot, update)

    async def _register_webhook(self) -> None:
        secret = self.services.settings.telegram_webhook_secret
        await self.bot.set_webhook(
            url=self.webhook_url or "",
            secret_token=secret.get_secret_value() if secret else None,
            allowed_updates=self.dispatcher.resolve_used_update_types(),
        )
        log.info("telegram: webhook registered at %s", self.webhook_url)

    async def _set_commands(self) -> None:
        """The commands Telegram lists in its menu button, in each of our languages
        (French by default): a person who cannot guess "menu" finds it there."""
        for language in LANGUAGES:
            translator = self.services.catalogs.get(language)
            commands = [
                BotCommand(command="urgence", description=translator.gettext(words.URGENT_COMMAND)),
                BotCommand(command="menu", description=translator.gettext(words.MENU_COMMAND)),
                BotCommand(command="recap", description=translator.gettext(words.RECAP_COMMAND)),
                BotCommand(command="ecouter", description=translator.gettext(words.LISTEN_COMMAND)),
            ]
            code = None if language == SOURCE_LANGUAGE else language
            try:
                await self.bot.set_my_commands(commands, language_code=code)
            except TelegramAPIError as error:  # a convenience: the bot works without it
                log.warning("telegram: commands for %s not set: %s", language, error)
