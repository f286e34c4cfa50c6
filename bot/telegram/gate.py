"""The door every update goes through first: one at a time per user, in order.

aiogram handles updates as concurrent tasks; an asyncio lock per user, fair by
design, queues a user's updates in the order they came. When the database is
busy, an update taken from the inbox (polling) is tried again in place, the
user's later updates waiting behind it: nothing is answered out of order and
nothing is dropped. A webhook update is not retried here: Telegram retries it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any
from weakref import WeakValueDictionary

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject, Update

from storage.errors import StorageError

log = logging.getLogger(__name__)

Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]
Sleep = Callable[[float], Awaitable[None]]

RETRY_FIRST, RETRY_MOST = 0.5, 30.0
"""Seconds before a busy update is tried again, doubling up to the most."""
RETRY_BUSY = "retry_busy"
"""The key of `dispatcher.feed_update`'s data that turns the retries on."""


class UpdateGate(BaseMiddleware):
    """Outer middleware of `dispatcher.update`."""

    def __init__(self, sleep: Sleep = asyncio.sleep) -> None:
        self._locks: WeakValueDictionary[int, asyncio.Lock] = WeakValueDictionary()
        self._sleep = sleep

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        if not isinstance(event, Update):
            return await handler(event, data)
        lock = self._lock_for(_user_id(event))
        async with lock:
            delay = RETRY_FIRST
            while True:
                try:
                    return await handler(event, data)
                except StorageError as error:
                    if not data.get(RETRY_BUSY):
                        raise
                    log.warning(
                        "telegram: update %s waits %s s, the database is busy: %s",
                        event.update_id,
                        delay,
                        error,
                    )
                    await self._sleep(delay)
                    delay = min(RETRY_MOST, delay * 2)

    def _lock_for(self, user_id: int) -> asyncio.Lock:
        lock = self._locks.get(user_id)
        if lock is None:
            lock = asyncio.Lock()
            self._locks[user_id] = lock
        return lock


def _user_id(update: Update) -> int:
    """Who sent the update (0 when nobody: those share one queue)."""
    for part in (update.message, update.edited_message, update.callback_query):
        if part is not None and part.from_user is not None:
            return part.from_user.id
    return 0
