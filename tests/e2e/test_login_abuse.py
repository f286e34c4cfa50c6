"""A crowd trying to log in cannot take the kiosk down.

`filrouge serve` with argon2 at its real cost (64 MiB a hash), 40 clients each
trying 3 codes at once over real HTTP: the server's memory stays bounded (two
hashes at a time at most), and a person already at the kiosk is still answered.
"""

from __future__ import annotations

import asyncio
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from storage.migrate import upgrade
from tests.services import TEST_KEY, demo_services

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
ATTACKERS = 40
TRIES = 3
MIB = 1024 * 1024


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, int]]:
    database = tmp_path / "abuse.db"
    upgrade(f"sqlite:///{database}")
    services, _clock = demo_services(f"sqlite:///{database}")  # the demo persons, cheap hashes
    services.close()
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("FILROUGE_")},
        "FILROUGE_DATABASE_URL": f"sqlite:///{database}",
        "FILROUGE_SECRET_KEY": TEST_KEY,  # the key the demo PINs were hashed with
        "FILROUGE_ARGON2_MEMORY_KIB": "65536",  # the real cost
        "FILROUGE_ARGON2_TIME_COST": "3",
        # Many web threads: the bound on hashing, not the thread pool, must hold memory.
        "FILROUGE_WEB_THREADS": "16",
        "FILROUGE_HASHING_AT_ONCE": "2",
    }
    log = (tmp_path / "serve.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "serve", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                break
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline or process.poll() is not None:
            raise RuntimeError("filrouge serve did not start")
        time.sleep(0.1)
    yield base, process.pid
    process.terminate()
    process.wait(timeout=30)
    log.close()


def peak_rss(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    raise AssertionError("no VmHWM")


async def attacker(base: str, number: int) -> list[int]:
    statuses = []
    async with httpx.AsyncClient(base_url=base, timeout=60) as client:
        for attempt in range(TRIES):
            page = await client.get("/kiosk")
            token = re.search(r'name="csrf" value="([^"]+)"', page.text)
            assert token is not None
            form = {"csrf": token.group(1), "code": f"X{number:03d}{attempt}", "pin": "0000"}
            statuses.append((await client.post("/kiosk/login", data=form)).status_code)
    return statuses


async def person_at_the_kiosk(base: str, stop: asyncio.Event) -> list[float]:
    """Someone logged in, reading their conversation now and then; the times it took."""
    times = []
    async with httpx.AsyncClient(base_url=base, timeout=60) as client:
        page = await client.get("/kiosk")
        token = re.search(r'name="csrf" value="([^"]+)"', page.text)
        assert token is not None
        form = {"csrf": token.group(1), "code": "DEMO01", "pin": "1234"}
        assert (await client.post("/kiosk/login", data=form)).status_code == 303
        for _ in range(200):
            began = time.monotonic()
            assert (await client.get("/kiosk/chat")).status_code == 200
            times.append(time.monotonic() - began)
            if stop.is_set():
                break
            await asyncio.sleep(0.05)
    return times


async def test_a_crowd_of_logins_keeps_memory_bounded_and_others_answered(
    server: tuple[str, int],
) -> None:
    base, pid = server
    stop = asyncio.Event()
    reader = asyncio.create_task(person_at_the_kiosk(base, stop))
    crowd = await asyncio.gather(*(attacker(base, n) for n in range(ATTACKERS)))
    stop.set()
    times = await reader
    statuses = [s for tries in crowd for s in tries]
    assert set(statuses) <= {200, 503}  # refused, slowed, or "many at once": never a crash
    assert peak_rss(pid) < 400 * MIB
    assert times, "the person at the kiosk was answered during the crowd"
