"""The door every update goes through first: one at a time per user.

Updates of one user are handled in the order they came (aiogram handles
updates as concurrent tasks; an asyncio lock per user, fair by design, queues
them as they were created). Each update is then claimed at most once by the
handler, in the same transaction as what it does when it runs a turn (see
`bot.turn.Inbound.update_id`), or just before replying otherwise: a webhook
retry or a polling replay of an `update_id` already taken in gets no answer.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any
from weakref import WeakValueDictionary

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject, Update

from bot.services import Services
from storage.database import write_transaction
from storage.updates import claim_update

log = logging.getLogger(__name__)

Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]


class UpdateGate(BaseMiddleware):
    """Outer middleware of `dispatcher.update`."""

    def __init__(self, services: Services) -> None:
        self.services = services
        self._locks: WeakValueDictionary[int, asyncio.Lock] = WeakValueDictionary()

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        if not isinstance(event, Update):
            return await handler(event, data)
        lock = self._lock_for(_user_id(event))
        async with lock:
            return await handler(event, data)

    def _lock_for(self, user_id: int) -> asyncio.Lock:
        lock = self._locks.get(user_id)
        if lock is None:
            lock = asyncio.Lock()
            self._locks[user_id] = lock
        return lock


def claim(services: Services, update_id: int) -> bool:
    """Take in an update that runs no turn; False when it was already taken in."""
    with services.locks.writer(), write_transaction(services.engine) as session:
        taken = claim_update(session, update_id, services.clock.now())
    if not taken:
        log.info("telegram: update %s was already taken in; ignored", update_id)
    return taken


def _user_id(update: Update) -> int:
    """Who sent the update (0 when nobody: those share one queue)."""
    for part in (update.message, update.edited_message, update.callback_query):
        if part is not None and part.from_user is not None:
            return part.from_user.id
    return 0
