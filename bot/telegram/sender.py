"""The outbox sender: due rows to the Bot API, paced, retried, never dropped silently.

One task per process. It claims due rows with a lease (another process skips
them until the lease ends), sends each chat's rows in order, one chat task at a
time per chat, and writes the outcome:

* accepted: `mark_sent` (the transcript gets the message);
* 429: retried after Telegram's `retry_after`; the chat waits, in order;
* 5xx, network: retried with backoff (1, 2, 4, ... 60 s), failed after `MAX_ATTEMPTS`;
* 403 (the person blocked the bot): the person is marked unreachable, the chat's rows failed;
* anything else Telegram refuses (400): failed, logged.

A crash between Telegram's answer and the mark sends that one message again
once its lease ends: at least once, never lost.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import TypeVar

from aiogram import Bot
from aiogram.exceptions import (
    TelegramAPIError,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
    TelegramUnauthorizedError,
)
from aiogram.methods import SendMessage
from sqlmodel import Session

from bot.services import Services
from bot.telegram.pacer import Pacer
from storage.database import write_transaction
from storage.errors import StorageError
from storage.models import Outbox
from storage.outbox import due_messages, mark_failed, mark_retry, mark_sent
from storage.persons import mark_unreachable

log = logging.getLogger(__name__)

T = TypeVar("T")

BATCH = 200
LEASE = timedelta(seconds=60)
MAX_ATTEMPTS = 12
MAX_BACKOFF = 60.0
POLL_INTERVAL = 1.0
_RETRYABLE = (TelegramServerError, TelegramNetworkError, TelegramUnauthorizedError)


@dataclass(frozen=True)
class _Stop:
    """Why a chat's remaining rows wait: until `wait` seconds, or failed with `error`."""

    wait: float = 0.0
    error: str | None = None


class OutboxSender:
    """Sends the outbox; `wake()` after a turn enqueued rows, otherwise it polls."""

    def __init__(
        self,
        services: Services,
        bot: Bot,
        pacer: Pacer | None = None,
        poll_interval: float = POLL_INTERVAL,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.services = services
        self.bot = bot
        self.pacer = pacer or Pacer()
        self.poll_interval = poll_interval
        self._monotonic = monotonic
        self._wake = asyncio.Event()
        self._busy: set[int] = set()
        self._held: dict[int, float] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._marks: list[tuple[Outbox, int]] = []
        self._marking: asyncio.Task[None] | None = None

    def wake(self) -> None:
        """Look at the outbox now (call it from the event loop's thread)."""
        self._wake.set()

    async def run(self) -> None:
        """Send until cancelled."""
        try:
            while True:
                self._wake.clear()
                try:
                    await self.send_due()
                except StorageError as error:
                    log.warning("outbox: cannot read due messages, will retry: %s", error)
                await self._nap()
        finally:
            await self.stop()

    async def _nap(self) -> None:
        """Until woken, or `poll_interval` at most: the polling finds rows of another
        process and retries that came due. (Not `wait_for`: on Python 3.11 it may
        swallow a cancellation that comes as the event is set.)"""
        waiter = asyncio.ensure_future(self._wake.wait())
        try:
            await asyncio.wait([waiter], timeout=self.poll_interval)
        finally:
            waiter.cancel()

    async def stop(self) -> None:
        """Let the chats being sent finish their current message, then stop; what
        Telegram accepted is recorded before the end."""
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        if self._marking is not None:
            await asyncio.gather(self._marking, return_exceptions=True)

    async def send_due(self) -> None:
        """Start a task for every chat with due rows (not already being sent)."""
        now = self._monotonic()
        self._held = {chat: until for chat, until in self._held.items() if until > now}
        excluded = self._busy | set(self._held)
        rows = await asyncio.to_thread(self._claim, excluded)
        by_chat: dict[int, list[Outbox]] = {}
        for row in rows:
            by_chat.setdefault(row.chat_id, []).append(row)
        for chat_id, chat_rows in by_chat.items():
            self._busy.add(chat_id)
            task = asyncio.create_task(self._send_chat(chat_id, chat_rows))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _send_chat(self, chat_id: int, rows: list[Outbox]) -> None:
        try:
            for index, row in enumerate(rows):
                await self.pacer.wait(chat_id)
                stop = await self._send_one(row)
                if stop is not None:
                    await self._stop_chat(chat_id, rows[index + 1 :], stop)
                    return
        except asyncio.CancelledError:
            raise
        except Exception:
            # The rows keep their lease and come back when it ends: logged, not lost.
            log.exception("outbox: sending to chat %s failed; retried after the lease", chat_id)
        finally:
            self._busy.discard(chat_id)
            self._wake.set()

    async def _send_one(self, row: Outbox) -> _Stop | None:
        """Send one row and record the outcome; a `_Stop` when the chat must wait."""
        try:
            message = await self.bot(SendMessage.model_validate(row.payload))
        except TelegramRetryAfter as error:
            log.warning(
                "outbox: 429 for chat %s, retry after %s s (row %s)",
                row.chat_id,
                error.retry_after,
                row.id,
            )
            return await self._retry(row, float(error.retry_after), f"429: {error.message}")
        except TelegramForbiddenError as error:
            log.warning(
                "outbox: 403 for chat %s, person %s unreachable", row.chat_id, row.person_id
            )
            forbidden = f"403: {error.message}"
            await self._write(lambda s: self._forbidden(s, row, forbidden))
            return _Stop(error=forbidden)
        except _RETRYABLE as error:
            delay = min(MAX_BACKOFF, 2.0 ** max(row.attempts, 0))
            log.warning(
                "outbox: chat %s, row %s: %s; retry in %s s", row.chat_id, row.id, error, delay
            )
            return await self._retry(row, delay, f"{type(error).__name__}: {error.message}")
        except TelegramAPIError as error:
            log.error("outbox: Telegram refused row %s for chat %s: %s", row.id, row.chat_id, error)
            refused = f"refused: {error.message}"
            await self._write(lambda s: self._fail(s, row, refused))
            return None
        self._mark_sent_soon(row, message.message_id)
        return None

    def _mark_sent_soon(self, row: Outbox, message_id: int) -> None:
        """Record accepted messages a batch at a time: a transaction per message cost
        about as much as sending it. Until recorded, a row keeps its lease: a crash
        sends it again after the lease (at least once, never lost)."""
        self._marks.append((row, message_id))
        if self._marking is None or self._marking.done():
            self._marking = asyncio.create_task(self._record_marks())

    async def _record_marks(self) -> None:
        while self._marks:
            await asyncio.sleep(0)  # the sends answered at this moment join the batch
            batch, self._marks = self._marks, []
            try:
                await self._write(functools.partial(self._sent_all, batch=batch))
            except Exception:
                log.exception(
                    "outbox: %s accepted messages not recorded; sent again after their lease",
                    len(batch),
                )

    async def _retry(self, row: Outbox, delay: float, error: str) -> _Stop:
        if row.attempts + 1 >= MAX_ATTEMPTS:
            log.error(
                "outbox: row %s for chat %s failed after %s attempts: %s",
                row.id,
                row.chat_id,
                MAX_ATTEMPTS,
                error,
            )
            await self._write(lambda s: self._fail(s, row, error))
            return _Stop()
        await self._write(lambda s: self._later(s, row, delay, error))
        return _Stop(wait=delay)

    async def _stop_chat(self, chat_id: int, rest: Sequence[Outbox], stop: _Stop) -> None:
        """The chat's next rows wait behind the one that failed, in the same order."""
        if stop.wait:
            self._held[chat_id] = self._monotonic() + stop.wait
        error = stop.error
        if error is not None:
            await self._write(lambda s: self._fail_all(s, rest, error))
        elif rest:
            await self._write(lambda s: self._reschedule(s, rest, stop.wait))

    # --- database side, in a worker thread ------------------------------------

    async def _write(self, work: Callable[[Session], T]) -> T:
        return await asyncio.to_thread(self._in_transaction, work)

    def _in_transaction(self, work: Callable[[Session], T]) -> T:
        with self.services.locks.writer(), write_transaction(self.services.engine) as session:
            return work(session)

    def _claim(self, excluded: set[int]) -> list[Outbox]:
        def claim(session: Session) -> list[Outbox]:
            now = self.services.clock.now()
            rows = [r for r in due_messages(session, now, BATCH) if r.chat_id not in excluded]
            for row in rows:
                row.not_before = now + LEASE
                session.add(row)
            session.flush()
            return rows

        return self._in_transaction(claim)

    def _fresh(self, session: Session, row: Outbox) -> Outbox | None:
        fresh = session.get(Outbox, row.id)
        if fresh is None or fresh.sent_at is not None or fresh.failed_at is not None:
            log.warning("outbox: row %s was settled elsewhere; left as it is", row.id)
            return None
        return fresh

    def _sent_all(self, session: Session, *, batch: Sequence[tuple[Outbox, int]]) -> None:
        for row, message_id in batch:
            if fresh := self._fresh(session, row):
                mark_sent(session, fresh, message_id, self.services.clock.now())

    def _later(self, session: Session, row: Outbox, delay: float, error: str) -> None:
        if fresh := self._fresh(session, row):
            now = self.services.clock.now()
            mark_retry(session, fresh, now + timedelta(seconds=delay), error)

    def _reschedule(self, session: Session, rows: Sequence[Outbox], delay: float) -> None:
        not_before = self.services.clock.now() + timedelta(seconds=delay)
        for row in rows:
            if fresh := self._fresh(session, row):
                fresh.not_before = not_before  # give the lease back
                session.add(fresh)
        session.flush()

    def _fail(self, session: Session, row: Outbox, error: str) -> None:
        if fresh := self._fresh(session, row):
            mark_failed(session, fresh, error, self.services.clock.now())

    def _fail_all(self, session: Session, rows: Sequence[Outbox], error: str) -> None:
        for row in rows:
            self._fail(session, row, error)

    def _forbidden(self, session: Session, row: Outbox, error: str) -> None:
        mark_unreachable(session, row.person_id, self.services.clock.now())
        self._fail(session, row, error)
