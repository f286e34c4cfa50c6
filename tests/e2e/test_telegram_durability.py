"""No Telegram message is lost, or answered twice, when `filrouge serve` stops mid-burst.

`filrouge serve` polls the local Bot API server; 10 linked persons send 400 messages
at once; when the first replies have gone, the server is stopped, by SIGTERM (a
clean stop) or by SIGKILL (a crash), then started again. Afterwards every message
is in its person's transcript exactly once and answered. After a clean stop no
reply went twice on the wire; after a crash only those in flight may have.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import col, select

from storage.database import make_engine, read_session, write_transaction
from storage.enums import Channel, Direction
from storage.migrate import upgrade
from storage.models import Outbox, TelegramUpdate, TranscriptEntry
from storage.persons import attach_identity, create_facility, create_person
from storage.rows import id_of
from tests.telegram.botapi import BotAPI
from tests.telegram.phone import Phone

pytestmark = pytest.mark.e2e

USERS = [8_100 + n for n in range(10)]
PER_USER = 40
TOKEN = "123456:DURABLE"
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def database(tmp_path: Path) -> Path:
    """A migrated SQLite file with 10 persons, each linked to a Telegram account."""
    path = tmp_path / "durable.db"
    url = f"sqlite:///{path}"
    upgrade(url)
    engine = make_engine(url)
    with write_transaction(engine) as session:
        facility = create_facility(session, "durable", "Durable")
        for n, user in enumerate(USERS):
            person = create_person(
                session, id_of(facility), f"D{n:03d}", "Test", f"N{n}", "fr", "x"
            )
            attach_identity(session, id_of(person), Channel.TELEGRAM, str(user))
    engine.dispose()
    return path


class Server:
    """`filrouge serve` in its own process, polling the Bot API double."""

    def __init__(self, database: Path, api_url: str, log: Path) -> None:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        env = {
            **os.environ,
            "FILROUGE_DATABASE_URL": f"sqlite:///{database}",
            "FILROUGE_TELEGRAM_TOKEN": TOKEN,
            "FILROUGE_TELEGRAM_API_URL": api_url,
            "FILROUGE_TELEGRAM_PACING": "false",
        }
        self.log = log
        with log.open("ab") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "bot.cli", "serve", "--port", str(port)],
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )

    async def stop(self, how: signal.Signals) -> int:
        """Signal the server and wait for its end (the Bot API double, in this event
        loop, keeps answering meanwhile: a stop finishes its sending)."""
        self.process.send_signal(how)
        return await asyncio.to_thread(self.process.wait, 60)

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)


@pytest.fixture
def servers(database: Path, botapi: BotAPI, tmp_path: Path) -> Iterator[list[Server]]:
    started: list[Server] = []
    yield started
    for server in started:
        server.kill()


def inbound_ids(database: Path) -> Counter[str]:
    engine = make_engine(f"sqlite:///{database}")
    try:
        with read_session(engine) as session:
            query = select(TranscriptEntry.inbound_id).where(
                TranscriptEntry.direction == Direction.IN,
                col(TranscriptEntry.inbound_id).is_not(None),
            )
            return Counter(str(i) for i in session.exec(query))
    finally:
        engine.dispose()


def outbox_state(database: Path) -> tuple[int, int, int]:
    """(rows sent, rows still to send, updates still in the inbox)."""
    engine = make_engine(f"sqlite:///{database}")
    try:
        with read_session(engine) as session:
            rows = session.exec(select(Outbox.sent_at, Outbox.failed_at)).all()
            pending = session.exec(
                select(TelegramUpdate.update_id).where(col(TelegramUpdate.done_at).is_(None))
            ).all()
        sent = sum(1 for sent_at, _ in rows if sent_at is not None)
        waiting = sum(1 for sent_at, failed_at in rows if sent_at is None and failed_at is None)
        return sent, waiting, len(pending)
    finally:
        engine.dispose()


@pytest.mark.parametrize("how", [signal.SIGTERM, signal.SIGKILL], ids=["sigterm", "kill-9"])
async def test_a_burst_survives_a_stop_every_message_answered_once(
    how: signal.Signals,
    database: Path,
    botapi: BotAPI,
    servers: list[Server],
    tmp_path: Path,
) -> None:
    phones = [Phone(botapi, user) for user in USERS]
    pushed = [phone.send(f"bof {n}") for n in range(PER_USER) for phone in phones]
    log = tmp_path / "serve.log"
    servers.append(Server(database, botapi.url, log))
    # Stopped in the middle: some replies went, most of the burst is still to handle.
    await botapi.wait_for(lambda: len(botapi.sent()) >= 40, within=120, what="the first replies")
    status = await servers[0].stop(how)
    if how is signal.SIGTERM:
        # uvicorn ends on the signal once shut down; the bot stopped before, cleanly.
        assert status in (0, -signal.SIGTERM), log.read_text()
        assert "telegram: stopped;" in log.read_text()
    stopped_at = len(botapi.sent())
    assert stopped_at < len(pushed), "the burst was over before the stop: nothing tested"

    servers.append(Server(database, botapi.url, log))
    expected = {f"tg:{update_id}" for update_id in pushed}

    def settled() -> bool:
        seen = inbound_ids(database)
        sent, to_send, in_inbox = outbox_state(database)
        return expected <= set(seen) and to_send == 0 and in_inbox == 0 and sent > 0

    await botapi.wait_for(settled, within=180, what="every message handled and answered")

    seen = inbound_ids(database)
    assert {i: n for i, n in seen.items() if n != 1} == {}, "a message recorded twice"
    assert expected <= set(seen), "a message lost"
    sent, _to_send, _in_inbox = outbox_state(database)
    on_the_wire = len(botapi.sent())
    for phone in phones:  # every message answered: at least one reply per message
        assert len(phone.replies()) >= PER_USER
    twice = on_the_wire - sent
    print(f"\n{how.name}: stopped after {stopped_at} replies; {twice} sent twice on the wire")
    if how is signal.SIGTERM:
        assert twice == 0, "a clean stop sends nothing twice"
    else:
        # In flight at the kill: a message on the wire per chat, and those Telegram
        # accepted whose record was waiting for its batch.
        assert 0 <= twice <= 4 * len(USERS), "only the replies in flight may go twice"
