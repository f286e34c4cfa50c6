"""Two `filrouge serve` processes on one PostgreSQL database, as on a national install.

50 persons tap 20 messages each at the kiosk, their taps sent to either process in
turn; in the middle one process is killed (kill -9) and its persons go on with the
other, sending again what got no answer. Afterwards each person's messages are in
their transcript exactly once each, and in the order they were sent.
"""

from __future__ import annotations

import asyncio
import os
import re
import secrets
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlmodel import col, select

from bot.passwords import Hasher
from bot.services import open_engine
from storage.database import make_engine, read_session, write_transaction
from storage.enums import Direction
from storage.models import TranscriptEntry
from storage.persons import create_facility, create_person
from storage.rows import id_of
from tests.services import TEST_KEY, make_settings

pytestmark = [pytest.mark.e2e, pytest.mark.pg]

ROOT = Path(__file__).resolve().parents[2]
PERSONS = 50
MESSAGES = 20
PIN = "2468"


class Server:
    def __init__(self, url: str, log: Path) -> None:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("FILROUGE_")},
            "FILROUGE_DATABASE_URL": url,
            "FILROUGE_SECRET_KEY": TEST_KEY,
            "FILROUGE_ARGON2_TIME_COST": "1",
            "FILROUGE_ARGON2_MEMORY_KIB": "64",
            "FILROUGE_KIOSK_IDLE_SECONDS": "3600",
        }
        with log.open("ab") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "bot.cli", "serve", "--port", str(self.port)],
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        self.base = f"http://127.0.0.1:{self.port}"

    def wait_started(self) -> None:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.base}/healthz", timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                time.sleep(0.1)
        raise RuntimeError(f"the server on {self.port} did not start")

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)


@pytest.fixture
def servers(pg_db_url: str, tmp_path: Path) -> Iterator[list[Server]]:
    engine = make_engine(pg_db_url)
    pin_hash = Hasher(make_settings(pg_db_url)).hash(PIN)
    with write_transaction(engine) as session:
        facility = create_facility(session, "workers", "Workers")
        for n in range(PERSONS):
            create_person(session, id_of(facility), f"W{n:03d}", "Test", f"N{n}", "fr", pin_hash)
    engine.dispose()
    started = [Server(pg_db_url, tmp_path / "serve.log") for _ in range(2)]
    for server in started:
        server.wait_started()
    yield started
    for server in started:
        server.kill()


async def person(number: int, servers: list[Server], sent: list[int]) -> None:
    """Log in, then tap MESSAGES messages, each to the next server; a message that
    got no answer is sent again, with the same message id, to the other one."""
    async with httpx.AsyncClient(timeout=30) as client:  # one cookie jar: both servers
        first = servers[number % 2].base
        page = await client.get(f"{first}/kiosk")
        token = re.search(r'name="csrf" value="([^"]+)"', page.text)
        assert token is not None
        form = {"csrf": token.group(1), "code": f"W{number:03d}", "pin": PIN}
        assert (await client.post(f"{first}/kiosk/login", data=form)).status_code == 303
        chat = await client.get(f"{first}/kiosk/chat")
        csrf = re.search(r'name="csrf" value="([^"]+)"', chat.text)
        assert csrf is not None
        for index in range(MESSAGES):
            mid = secrets.token_urlsafe(12)
            body = {"csrf": csrf.group(1), "mid": mid, "text": f"message {index:02d}"}
            for attempt in range(4):
                base = servers[(number + index + attempt) % 2].base
                try:
                    answer = await client.post(f"{base}/kiosk/say", data=body)
                except httpx.TransportError:
                    continue  # that process is gone: the other one
                if answer.status_code == 303:  # answered: on to the page
                    sent[0] += 1
                    break
            else:
                raise AssertionError(f"person {number}: message {index} never answered")


async def test_two_workers_one_killed_lose_nothing_and_keep_each_persons_order(
    servers: list[Server], pg_db_url: str
) -> None:
    sent = [0]
    burst = asyncio.gather(*(person(n, servers, sent) for n in range(PERSONS)))
    task = asyncio.ensure_future(burst)
    deadline = time.monotonic() + 120
    while sent[0] < PERSONS * MESSAGES // 3:  # a third of the way: one process dies
        assert time.monotonic() < deadline, "the burst did not get going"
        await asyncio.sleep(0.05)
    servers[0].kill()
    await task
    assert sent[0] == PERSONS * MESSAGES

    engine = open_engine(make_settings(pg_db_url))  # the servers' keys: texts are sealed
    try:
        with read_session(engine) as session:
            rows = session.exec(
                select(TranscriptEntry.person_id, TranscriptEntry.text)
                .where(TranscriptEntry.direction == Direction.IN)
                .order_by(col(TranscriptEntry.id))
            ).all()
    finally:
        engine.dispose()
    by_person: dict[int, list[str]] = {}
    for person_id, text in rows:
        if text.startswith("message "):  # read, then filtered: SQL sees only ciphertext
            by_person.setdefault(person_id, []).append(text)
    expected = [f"message {i:02d}" for i in range(MESSAGES)]
    assert len(by_person) == PERSONS
    assert all(texts == expected for texts in by_person.values()), "lost, doubled or out of order"
