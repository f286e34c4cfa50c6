"""The Telegram side of the process: the bot, its dispatcher and the outbox sender.

Built from `Settings` by `filrouge serve` when `FILROUGE_TELEGRAM_TOKEN` is set,
and run in the web server's event loop: long polling by default; with
`FILROUGE_TELEGRAM_WEBHOOK_URL`, the webhook is registered and the web app's
`POST /telegram/webhook` feeds the updates in (`feed_webhook`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import TelegramAPIError
from aiogram.types import BotCommand

from bot.i18n import LANGUAGES, SOURCE_LANGUAGE
from bot.services import Services
from bot.telegram import words
from bot.telegram.gate import UpdateGate
from bot.telegram.handlers import TelegramHandlers
from bot.telegram.pacer import Pacer, Unpaced
from bot.telegram.sender import OutboxSender

log = logging.getLogger(__name__)

POLLING_TIMEOUT = 25
"""Seconds a long poll waits for updates (Telegram allows up to 50)."""


class TelegramChannel:
    """One bot: receive updates (polling or webhook), send the outbox."""

    def __init__(
        self,
        services: Services,
        *,
        pacer: Pacer | None = None,
        polling_timeout: int = POLLING_TIMEOUT,
        outbox_poll_interval: float = 1.0,
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
        if pacer is None and not settings.telegram_pacing:
            pacer = Unpaced()
        self.sender = OutboxSender(
            services, self.bot, pacer=pacer, poll_interval=outbox_poll_interval
        )
        self.dispatcher = Dispatcher()
        self.dispatcher.update.outer_middleware(UpdateGate(services))
        self.dispatcher.include_router(TelegramHandlers(services, self.sender.wake).router())

    @property
    def webhook_url(self) -> str | None:
        return self.services.settings.telegram_webhook_url or None

    async def run(self) -> None:
        """Receive and send until cancelled; closes the bot's HTTP session at the end."""
        # aiogram logs every handled update at INFO: a line per message of every
        # person, in the server's log. Our own warnings say what went wrong.
        logging.getLogger("aiogram.event").setLevel(logging.WARNING)
        sender = asyncio.create_task(self.sender.run(), name="telegram-outbox")
        polling: asyncio.Task[None] | None = None
        try:
            await self._set_commands()
            if self.webhook_url:
                await self._register_webhook()
                await sender
                return
            # getUpdates is refused while a webhook is set.
            await self.bot.delete_webhook(drop_pending_updates=False)
            polling = asyncio.create_task(
                self.dispatcher.start_polling(
                    self.bot,
                    polling_timeout=self.polling_timeout,
                    handle_signals=False,
                    close_bot_session=False,
                ),
                name="telegram-polling",
            )
            # The cancellation of `run` lands here, not inside aiogram: cancelled
            # itself, start_polling would leave its polling task running.
            await asyncio.wait([polling, sender], return_when=asyncio.FIRST_COMPLETED)
            for task in (polling, sender):
                if task.done():
                    task.result()  # a crash of either is raised, not hidden
        finally:
            if polling is not None:
                await self._stop_polling(polling)
            sender.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await sender
            await self.bot.session.close()

    async def _set_commands(self) -> None:
        """The commands Telegram lists in its menu button, in each of our languages
        (French by default): a person who cannot guess "menu" finds it there."""
        for language in LANGUAGES:
            translator = self.services.catalogs.get(language)
            commands = [
                BotCommand(command="urgence", description=translator.gettext(words.URGENT_COMMAND)),
                BotCommand(command="menu", description=translator.gettext(words.MENU_COMMAND)),
                BotCommand(command="recap", description=translator.gettext(words.RECAP_COMMAND)),
            ]
            code = None if language == SOURCE_LANGUAGE else language
            try:
                await self.bot.set_my_commands(commands, language_code=code)
            except TelegramAPIError as error:  # a convenience: the bot works without it
                log.warning("telegram: commands for %s not set: %s", language, error)

    async def _stop_polling(self, polling: asyncio.Task[None]) -> None:
        if not polling.done():
            try:
                await self.dispatcher.stop_polling()
            except RuntimeError:  # not started yet
                polling.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await polling

    async def feed_webhook(self, update: dict[str, Any]) -> None:
        """Handle one update posted to the webhook (the secret was checked by the route)."""
        await self.dispatcher.feed_raw_update(self.bot, update)

    async def _register_webhook(self) -> None:
        secret = self.services.settings.telegram_webhook_secret
        await self.bot.set_webhook(
            url=self.webhook_url or "",
            secret_token=secret.get_secret_value() if secret else None,
            allowed_updates=self.dispatcher.resolve_used_update_types(),
        )
        log.info("telegram: webhook registered at %s", self.webhook_url)
