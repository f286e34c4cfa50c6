"""The reminder worker: due reminder rows become messages, each exactly once.

It runs inside `filrouge serve` (started and stopped with the app) and alone as
`filrouge worker`; on PostgreSQL any number of them may run at once.

A round is one transaction: claim up to `batch` due rows (their lease is the
transaction's row locks: `FOR UPDATE SKIP LOCKED` on PostgreSQL, the single
writer on SQLite), decide for each at fire time (`bot.reminders.fire`), write
its messages through the delivery port (the kiosk's transcript, or Telegram's
outbox, sent after the commit by the outbox sender) and end the row. The
messages and the end of the row commit together, or not at all: a worker
killed in the middle of a round leaves nothing half done, and the rows are due
again at once for the next worker. A round that fails is done again one row
per transaction, so that one broken row is set aside (failed, logged) and the
others go.

Time is the services' clock: tests move a `MovableClock` and call `run_due`.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from bot.reminders.fire import Fired, fire
from bot.services import Services
from storage.enums import ReminderOutcome
from storage.errors import StorageError
from storage.outbox import Queued
from storage.reminders import Due, Ended, claim_due, claim_one, finish

log = logging.getLogger(__name__)

MAX_ROUNDS = 10_000
"""`run_due` stops after this many rounds (a bound, never reached in practice)."""


@dataclass
class Round:
    """What one or more rounds did."""

    claimed: int = 0
    sent: int = 0
    dropped: int = 0
    waiting: int = 0
    failed: int = 0
    queued: list[Queued] = field(default_factory=list)

    def add(self, other: Round) -> None:
        self.claimed += other.claimed
        self.sent += other.sent
        self.dropped += other.dropped
        self.waiting += other.waiting
        self.failed += other.failed
        self.queued += other.queued


class ReminderWorker:
    """Claims due reminders and writes their messages; `run()` until `stop()`."""

    def __init__(
        self,
        services: Services,
        *,
        batch: int | None = None,
        poll_interval: float | None = None,
        on_queued: Callable[[], None] | None = None,
    ) -> None:
        self.services = services
        self.batch = batch or services.settings.reminder_batch
        self.poll_interval = (
            poll_interval if poll_interval is not None else services.settings.reminder_poll_seconds
        )
        self.on_queued = on_queued
        """Called (in the event loop) after a round queued Telegram messages: the
        outbox sender of the same process sends them at once."""
        self._stopping = asyncio.Event()
        self._wake = asyncio.Event()

    # --- one round, in the caller's thread -----------------------------------------------

    def run_once(self) -> Round:
        """One round: up to `batch` due reminders, in one transaction."""
        claimed: list[int] = []
        try:
            return self._round(claimed)
        except StorageError:
            raise  # the database is busy or gone: the caller waits and tries again
        except Exception:
            log.exception("reminders: a round of %s failed; each is tried alone", len(claimed))
            done = Round(claimed=len(claimed))
            for reminder_id in claimed:
                done.add(self._alone(reminder_id))
            return done

    def run_due(self) -> Round:
        """Rounds until nothing is due now (what a test calls after moving the clock)."""
        total = Round()
        for _ in range(MAX_ROUNDS):
            done = self.run_once()
            total.add(done)
            if done.claimed < self.batch:
                break
        return total

    def _round(self, claimed: list[int]) -> Round:
        claimed.clear()
        done = Round()
        with self.services.write() as tx:
            due = claim_due(tx.session, tx.now, self.batch)
            claimed.extend(d.id for d in due)
            done.claimed = len(due)
            ended: list[Ended] = []
            for reminder in due:
                fired = fire(self.services, tx, reminder)
                _count(done, fired)
                if fired.ended is not None:
                    ended.append(fired.ended)
            finish(tx.session, ended, tx.now)
        return done

    def _alone(self, reminder_id: int) -> Round:
        done = Round()
        try:
            with self.services.write() as tx:
                reminder: Due | None = claim_one(tx.session, reminder_id, tx.now)
                if reminder is None:
                    return done
                fired = fire(self.services, tx, reminder)
                _count(done, fired)
                if fired.ended is not None:
                    finish(tx.session, [fired.ended], tx.now)
        except StorageError:
            raise
        except Exception as error:
            log.exception("reminders: reminder %s cannot be sent; set aside", reminder_id)
            with self.services.write() as tx:
                why = f"{type(error).__name__}: {error}"
                finish(tx.session, [Ended(reminder_id, ReminderOutcome.FAILED, why)], tx.now)
            done.failed += 1
        return done

    # --- the loop, in an event loop ----------------------------------------------------

    async def run(self) -> None:
        """Rounds until `stop()`: at once while rows are due, then every `poll_interval`."""
        log.info("reminders: worker started (batch %s)", self.batch)
        while not self._stopping.is_set():
            self._wake.clear()
            try:
                done = await asyncio.to_thread(self.run_once)
            except StorageError as error:
                log.warning("reminders: cannot read due reminders, will retry: %s", error)
                done = Round()
            if done.claimed:
                log.info(
                    "reminders: %s sent, %s dropped, %s waiting, %s failed",
                    done.sent,
                    done.dropped,
                    done.waiting,
                    done.failed,
                )
            if done.queued and self.on_queued is not None:
                self.on_queued()
            if done.claimed < self.batch:
                await self._nap()
        log.info("reminders: worker stopped")

    async def stop(self) -> None:
        """Finish the round under way (it commits whole, or not at all) and stop."""
        self._stopping.set()
        self._wake.set()

    def wake(self) -> None:
        """Look for due reminders now (from the event loop's thread)."""
        self._wake.set()

    async def _nap(self) -> None:
        waiter = asyncio.ensure_future(self._wake.wait())
        try:
            await asyncio.wait([waiter], timeout=self.poll_interval)
        finally:
            waiter.cancel()


def _count(done: Round, fired: Fired) -> None:
    if fired.action == "sent":
        done.sent += 1
    elif fired.action == "dropped":
        done.dropped += 1
    else:
        done.waiting += 1
    done.queued += fired.queued
