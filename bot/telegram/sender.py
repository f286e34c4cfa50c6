"""The outbox sender: rows to the Bot API, in order per chat, paced, retried, never lost.

Two ways in, one way out:

* `send(rows)`: a handler's rows, just committed (held for this process), sent
  at once by the task that ran the turn, after what is already queued for
  their chat;
* the background loop (`run`): rows due for any sender (written by another
  process, the command line, a reminder, or left by a crash), claimed with a
  lease, sent by a task per chat.

Each chat has one queue and at most one task sending it, so a chat's messages
go in the order they were written. Outcomes:

* accepted: marked sent a batch at a time (the transcript gets each message);
* 429: the whole bot waits Telegram's `retry_after`, then the same message goes;
* 5xx, network: retried with backoff (1, 2, 4, ... 60 s), failed after
  `MAX_ATTEMPTS`;
* 403 (the person blocked the bot): the person is marked unreachable, the
  chat's queued rows failed;
* anything else Telegram refuses (400): that row failed, logged.

A crash between Telegram's answer and the mark sends that message again once
its lease ends: at least once, never lost. Every wait goes through `sleep`, so
tests can run retries without waiting real seconds.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable, Sequence
from datetime import timedelta
from functools import partial
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
from aiogram.methods import SendDocument, SendMessage, SendVoice, TelegramMethod
from aiogram.types import BufferedInputFile, Message
from pydantic import ValidationError
from sqlmodel import Session

from bot import flags
from bot.services import Services
from bot.speech import SpeechUnavailable, synthesize_voice_note
from bot.telegram.delivery import VOICE
from bot.telegram.pacer import Pacer
from bot.tx import Tx
from storage.enums import FlagReason
from storage.errors import StorageError
from storage.outbox import (
    Queued,
    claim_due,
    extend_lease,
    mark_failed,
    mark_retry,
    mark_sent,
)
from storage.persons import mark_unreachable

log = logging.getLogger(__name__)

T = TypeVar("T")
Sleep = Callable[[float], Awaitable[None]]

BATCH = 200
BACKLOG = 1_000
"""Rows queued in memory at most before the loop stops claiming more (they are leased):
enough to keep sending at the full rate between two polls."""
LEASE = timedelta(seconds=60)
MAX_ATTEMPTS = 12
MARK_ATTEMPTS = 8
"""Tries to record messages Telegram accepted while the database is busy (about two minutes
with the backoff) before they are left to be sent again after their lease."""
MAX_BACKOFF = 60.0
POLL_INTERVAL = 1.0
_RETRYABLE = (TelegramServerError, TelegramNetworkError, TelegramUnauthorizedError)


class OutboxSender:
    """Sends the outbox: `send()` after a turn, `run()` for everything else."""

    def __init__(
        self,
        services: Services,
        bot: Bot,
        pacer: Pacer | None = None,
        poll_interval: float = POLL_INTERVAL,
        sleep: Sleep = asyncio.sleep,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.services = services
        self.bot = bot
        self.pacer = pacer or Pacer(monotonic=monotonic)
        self.poll_interval = poll_interval
        self._sleep = sleep
        self._monotonic = monotonic
        self._wake = asyncio.Event()
        self._queues: dict[int, deque[Queued]] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._marks: list[tuple[Queued, int]] = []
        self._marking: asyncio.Task[None] | None = None
        self._paused_until = 0.0
        self._leased_at = monotonic()
        self._turnstile = asyncio.Lock()

    # --- the two ways in -------------------------------------------------------------

    async def send(self, rows: Sequence[Queued]) -> None:
        """Send rows this process just committed, at once and in order; a chat already
        being sent to gets them at the end of its queue."""
        for chat_id, chat_rows in _by_chat(rows).items():
            if self._enqueue(chat_id, chat_rows):
                await self._drain(chat_id)

    def wake(self) -> None:
        """Look for due rows now (call it from the event loop's thread)."""
        self._wake.set()

    async def run(self) -> None:
        """Claim and send due rows until cancelled; then `stop()`."""
        try:
            while True:
                self._wake.clear()
                claimed = 0
                try:
                    claimed = await self.send_due()
                except StorageError as error:
                    log.warning("outbox: cannot read due messages, will retry: %s", error)
                if claimed < BATCH or self.backlog() >= BACKLOG:
                    await self._nap()
                else:
                    await asyncio.sleep(0)  # more are due: claim again, the chats go meanwhile
        finally:
            await self.stop()

    async def send_due(self) -> int:
        """Claim the rows due now and start a task for every chat not being sent to;
        renew the lease of the rows still queued in memory. Returns how many it claimed."""
        if self._monotonic() - self._leased_at > LEASE.total_seconds() / 3:
            await self._renew_leases()
        rows = await self._write(self._claim)
        for chat_id, chat_rows in _by_chat(rows).items():
            if self._enqueue(chat_id, chat_rows):
                task = asyncio.create_task(self._drain(chat_id), name=f"outbox-{chat_id}")
                self._tasks.add(task)
                task.add_done_callback(self._tasks.discard)
        return len(rows)

    def backlog(self) -> int:
        """Rows queued in memory, waiting for their turn."""
        return sum(len(queue) for queue in self._queues.values())

    async def stop(self, grace: float = 0.0) -> None:
        """Stop sending: chats may finish their queues for `grace` seconds, then are
        cancelled (their rows keep their lease and go after it); what Telegram
        accepted is recorded before the end."""
        if self._tasks and grace > 0:
            await asyncio.wait(set(self._tasks), timeout=grace)
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self.flush()

    async def flush(self) -> None:
        """Wait until every message Telegram accepted so far is recorded."""
        while self._marking is not None and not self._marking.done():
            await asyncio.gather(self._marking, return_exceptions=True)

    async def settled(self) -> None:
        """Wait until the chats being sent to are done and what was accepted is recorded."""
        while self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)
        await self.flush()

    # --- one chat ----------------------------------------------------------------------

    def _enqueue(self, chat_id: int, rows: list[Queued]) -> bool:
        """Queue rows for a chat; True when nobody sends to it yet (the caller must)."""
        queue = self._queues.get(chat_id)
        if queue is not None:
            queue.extend(rows)
            return False
        self._queues[chat_id] = deque(rows)
        return True

    async def _drain(self, chat_id: int) -> None:
        queue = self._queues[chat_id]
        try:
            while queue:
                await self._wait_turn(chat_id)
                row = queue[0]
                outcome = await self._send_one(row)
                if outcome == "retry":
                    continue  # the same row again: the chat keeps its order
                queue.popleft()
                if outcome == "forbidden":
                    rest = [r.id for r in queue]
                    queue.clear()
                    await self._write(partial(self._fail, ids=rest, error="403: blocked"))
        except asyncio.CancelledError:
            raise
        except Exception:
            # The rows keep their lease and come back when it ends: logged, not lost.
            log.exception("outbox: sending to chat %s failed; retried after the lease", chat_id)
        finally:
            self._queues.pop(chat_id, None)

    async def _wait_turn(self, chat_id: int) -> None:
        """Wait until Telegram's limits (and a 429's pause) let the next message go.

        A chat first waits for its own second alone; then the chats ready to go pass
        the bot's rate one at a time, in the order they came (a turnstile): a
        thousand chats waiting do not all wake up at every token."""
        while (delay := self.pacer.chat_delay(chat_id)) > 0:
            await self._sleep(delay)
        async with self._turnstile:
            while True:
                while (pause := self._paused_until - self._monotonic()) > 0:
                    await self._sleep(pause)
                delay = self.pacer.delay(chat_id)
                if delay <= 0:
                    break
                await self._sleep(delay)
            self.pacer.count(chat_id)

    async def _send_one(self, row: Queued) -> str:
        """Send one row and record the outcome: "sent", "retry", "failed" or "forbidden"."""
        try:
            method = await self._method(row)
        except (ValueError, ValidationError, KeyError, TypeError, binascii.Error) as error:
            log.error("outbox: row %s (%s) cannot be sent: %s", row.id, row.method, error)
            unreadable = f"unreadable {row.method}: {error}"
            await self._write(lambda s: self._fail(s, [row.id], unreadable))
            return "failed"
        except SpeechUnavailable as error:
            log.error("outbox: no voice note for row %s: %s", row.id, error)
            reason = f"speech: {error}"
            await self._write(lambda s: self._fail(s, [row.id], reason))
            return "failed"
        try:
            message = await self.bot(method)
        except TelegramRetryAfter as error:
            log.warning(
                "outbox: 429 for chat %s, every chat waits %s s (row %s)",
                row.chat_id,
                error.retry_after,
                row.id,
            )
            self._paused_until = self._monotonic() + error.retry_after
            self.services.metrics.retried.labels("429").inc()
            return await self._retry(row, float(error.retry_after), f"429: {error.message}")
        except TelegramForbiddenError as error:
            log.warning(
                "outbox: 403 for chat %s, person %s unreachable", row.chat_id, row.person_id
            )
            forbidden = f"403: {error.message}"
            await self._write(lambda s: self._forbidden(s, row, forbidden))
            self.services.metrics.failed.labels("403").inc()
            return "forbidden"
        except _RETRYABLE as error:
            delay = min(MAX_BACKOFF, 2.0 ** max(row.attempts, 0))
            log.warning(
                "outbox: chat %s, row %s: %s; retry in %s s", row.chat_id, row.id, error, delay
            )
            self.services.metrics.retried.labels(type(error).__name__).inc()
            retried = await self._retry(row, delay, f"{type(error).__name__}: {error.message}")
            if retried == "retry":
                await self._sleep(delay)
            return retried
        except TelegramAPIError as error:
            log.error("outbox: Telegram refused row %s for chat %s: %s", row.id, row.chat_id, error)
            refused = f"refused: {error.message}"
            await self._write(lambda s: self._fail(s, [row.id], refused))
            self.services.metrics.failed.labels("refused").inc()
            return "failed"
        self._mark_sent_soon(row, message.message_id)
        return "sent"

    async def _method(self, row: Queued) -> TelegramMethod[Message]:
        """The Bot API call of a row; a voice note is made now, from the words it keeps."""
        if row.method != VOICE:
            return bot_method(row)
        settings = self.services.settings
        ogg = await asyncio.to_thread(
            synthesize_voice_note,
            str(row.payload["read"]),
            str(row.payload.get("language", "fr")),
            program=settings.speech_program,
            encoder=settings.voice_encoder,
        )
        voice = BufferedInputFile(ogg, filename="fil-rouge.ogg")
        return SendVoice(chat_id=row.payload["chat_id"], voice=voice)

    async def _retry(self, row: Queued, delay: float, error: str) -> str:
        attempts = row.attempts + 1
        if attempts >= MAX_ATTEMPTS:
            log.error(
                "outbox: row %s for chat %s failed after %s attempts: %s",
                row.id,
                row.chat_id,
                MAX_ATTEMPTS,
                error,
            )
            await self._write(lambda s: self._fail(s, [row.id], error))
            self.services.metrics.failed.labels("attempts").inc()
            return "failed"
        await self._write(lambda s: self._later(s, row, delay, error))
        queue = self._queues.get(row.chat_id)
        if queue and queue[0] is row:
            queue[0] = _with_attempts(row, attempts)
        return "retry"

    # --- the records, a batch at a time ------------------------------------------------

    def _mark_sent_soon(self, row: Queued, message_id: int) -> None:
        """Record accepted messages a batch at a time: a transaction per message cost
        about as much as sending it. Until recorded, a row keeps its lease: a crash
        sends it again after the lease (at least once, never lost)."""
        self._marks.append((row, message_id))
        if self._marking is None or self._marking.done():
            self._marking = asyncio.create_task(self._record_marks())

    async def _record_marks(self) -> None:
        failures = 0
        while self._marks:
            await asyncio.sleep(0)  # the sends answered at this moment join the batch
            batch, self._marks = self._marks, []
            try:
                await self._write(partial(self._sent, batch=batch))
                failures = 0
            except StorageError as error:
                # A busy database: Telegram has these messages; record them as soon as it
                # answers (their lease is renewed meanwhile), rather than send them again.
                failures += 1
                if failures > MARK_ATTEMPTS:
                    log.error(
                        "outbox: %s accepted messages not recorded after %s tries; sent again "
                        "after their lease: %s",
                        len(batch),
                        MARK_ATTEMPTS,
                        error,
                    )
                    continue
                self._marks = batch + self._marks
                log.warning(
                    "outbox: %s accepted messages wait to be recorded: %s", len(batch), error
                )
                await self._sleep(min(MAX_BACKOFF, 0.5 * 2 ** (failures - 1)))
            except Exception:
                log.exception(
                    "outbox: %s accepted messages not recorded; sent again after their lease",
                    len(batch),
                )

    async def _renew_leases(self) -> None:
        self._leased_at = self._monotonic()
        ids = [row.id for queue in self._queues.values() for row in queue]
        ids += [row.id for row, _message_id in self._marks]  # accepted, not yet recorded
        if ids:
            until = self.services.clock.now() + LEASE
            await self._write(lambda s: extend_lease(s, ids, until))

    async def _nap(self) -> None:
        """Until woken, or `poll_interval` at most: the polling finds rows of another
        process and retries that came due. (Not `wait_for`: on Python 3.11 it may
        swallow a cancellation that comes as the event is set.)"""
        waiter = asyncio.ensure_future(self._wake.wait())
        try:
            await asyncio.wait([waiter], timeout=self.poll_interval)
        finally:
            waiter.cancel()  # not awaited: a cancellation of this task must not be swallowed

    # --- database side, in a worker thread ---------------------------------------------

    async def _write(self, work: Callable[[Session], T]) -> T:
        return await asyncio.to_thread(self._in_transaction, work)

    def _in_transaction(self, work: Callable[[Session], T]) -> T:
        with self.services.write() as tx:
            return work(tx.session)

    def _sent(self, session: Session, batch: list[tuple[Queued, int]]) -> None:
        marked = mark_sent(session, batch, self.services.clock.now())
        self.services.metrics.sent.inc(marked)

    def _claim(self, session: Session) -> list[Queued]:
        now = self.services.clock.now()
        return claim_due(session, now, BATCH, lease_until=now + LEASE)

    def _later(self, session: Session, row: Queued, delay: float, error: str) -> None:
        # Due again after the wait and a lease: this process sends it after the wait.
        not_before = self.services.clock.now() + timedelta(seconds=delay) + LEASE
        mark_retry(session, row.id, not_before, error)

    def _fail(self, session: Session, ids: Sequence[int], error: str) -> None:
        mark_failed(session, ids, error, self.services.clock.now())

    def _forbidden(self, session: Session, row: Queued, error: str) -> None:
        now = self.services.clock.now()
        if row.person_id is not None:
            mark_unreachable(session, row.person_id, now)
            why = {"why": "Telegram refuses to deliver: the person blocked the bot"}
            flags.raise_in(Tx(session, now), row.person_id, FlagReason.UNREACHABLE, detail=why)
        self._fail(session, [row.id], error)


METHODS = ("sendMessage", "sendDocument", VOICE)
"""The Bot API methods an outbox row may hold."""


def bot_method(row: Queued) -> TelegramMethod[Message]:
    """The Bot API call a row holds: `sendMessage` (its payload is the call's JSON) or
    `sendDocument` (`document` is `{filename, data}`, the file in base64)."""
    if row.method == "sendMessage":
        return SendMessage.model_validate(row.payload)
    if row.method == "sendDocument":
        payload = dict(row.payload)
        document = payload.pop("document")
        data = base64.b64decode(document["data"], validate=True)
        upload = BufferedInputFile(data, filename=str(document["filename"]))
        return SendDocument.model_validate({**payload, "document": upload})
    raise ValueError(f"the outbox holds no {row.method!r}: one of {', '.join(METHODS)}")


def _by_chat(rows: Sequence[Queued]) -> dict[int, list[Queued]]:
    found: dict[int, list[Queued]] = {}
    for row in rows:
        found.setdefault(row.chat_id, []).append(row)
    return found


def _with_attempts(row: Queued, attempts: int) -> Queued:
    return Queued(row.id, row.person_id, row.chat_id, row.method, row.payload, row.entry, attempts)
