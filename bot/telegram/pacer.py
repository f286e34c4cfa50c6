"""Telegram's sending limits: about 30 messages a second per bot, one a second per chat."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

PER_BOT = 30.0
PER_CHAT_INTERVAL = 1.0
_FORGET_AFTER = 10_000  # chats remembered before the stale ones are dropped


class Pacer:
    """A token bucket for the bot and a next-allowed time for each chat.

    Waits are real, so they follow a monotonic clock rather than the services'
    clock that tests move; the sender does its own waiting (`delay`, then
    `count`) through a sleep that tests can replace.
    """

    def __init__(
        self,
        per_bot: float = PER_BOT,
        per_chat_interval: float = PER_CHAT_INTERVAL,
        monotonic: Callable[[], float] = time.monotonic,
        burst: float | None = None,
    ) -> None:
        self.rate = per_bot
        self.burst = max(1.0, burst if burst is not None else per_bot)
        """Messages that may go at once after a quiet while. Below Telegram's own (a
        second's worth), it keeps a margin for messages that arrive closer together
        than they were sent."""
        self.per_chat_interval = per_chat_interval
        self._monotonic = monotonic
        self._tokens = self.burst
        self._updated = monotonic()
        self._next_for_chat: dict[int, float] = {}

    def delay(self, chat_id: int) -> float:
        """Seconds to wait before a message to `chat_id` may go (0: now)."""
        now = self._monotonic()
        self._refill(now)
        chat_wait = self._next_for_chat.get(chat_id, 0.0) - now
        bot_wait = 0.0 if self._tokens >= 1 else (1 - self._tokens) / self.rate
        return max(chat_wait, bot_wait, 0.0)

    def chat_delay(self, chat_id: int) -> float:
        """Seconds before `chat_id` may get its next message, the bot's rate aside."""
        return max(0.0, self._next_for_chat.get(chat_id, 0.0) - self._monotonic())

    async def wait(self, chat_id: int) -> None:
        """Wait until a message to `chat_id` may go, and count it as sent."""
        while (delay := self.delay(chat_id)) > 0:  # noqa: ASYNC110 - a timed wait, no event to await
            await asyncio.sleep(delay)
        self.count(chat_id)

    def count(self, chat_id: int) -> None:
        """Count a message to `chat_id` as sent now."""
        now = self._monotonic()
        self._tokens -= 1
        self._next_for_chat[chat_id] = now + self.per_chat_interval
        if len(self._next_for_chat) > _FORGET_AFTER:
            self._next_for_chat = {c: t for c, t in self._next_for_chat.items() if t > now}

    def _refill(self, now: float) -> None:
        self._tokens = min(self.burst, self._tokens + (now - self._updated) * self.rate)
        self._updated = now


class Unpaced(Pacer):
    """No limits at all (`FILROUGE_TELEGRAM_PACING=false`): for a local Bot API double,
    never for Telegram itself."""

    def delay(self, chat_id: int) -> float:
        return 0.0

    def chat_delay(self, chat_id: int) -> float:
        """Seconds before `chat_id` may get its next message, the bot's rate aside."""
        return max(0.0, self._next_for_chat.get(chat_id, 0.0) - self._monotonic())

    async def wait(self, chat_id: int) -> None:
        return None

    def count(self, chat_id: int) -> None:
        return None
