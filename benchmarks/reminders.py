"""Reminders under load: N reminders due in the same minute for N persons with a phone.

Starts three processes on 127.0.0.1, on a fresh SQLite database (or
`--database-url` PostgreSQL) holding N persons, each linked to a Telegram
account and with one appointment whose J-2 reminder falls due at the same
moment D, a few seconds after the start:

* the local Bot API double (`tests/telegram/botapi.py`) enforcing Telegram's
  limits, 30 messages a second for the bot and one a second per chat, answering
  429 beyond;
* `filrouge serve` with Telegram on: its outbox sender sends what is due, paced;
* `filrouge worker`, the reminder worker alone (its CPU is its own): it writes
  each reminder as an outbox row, in the transaction that ends the reminder.

Both limits may be scaled by one factor (`--scale`) for a short run: the ratios
are what is reported. Prints the rate achieved, and the messages sent as a share
of what the limits allow in that time (a second's worth at once, then the rate;
target ≥ 95 %), the 429 answers (target 0), lateness (accepted by the double
minus due) p50 and p99, duplicates (must be 0), lost (must be 0), and the CPU seconds
of the worker and of serve.

    .venv/bin/python benchmarks/reminders.py [--persons 10000] [--scale 10]

At scale 1 (Telegram's own limits) 10 000 messages take 10 000 / 30 ≈ 333 s, so
p99 lateness is about five and a half minutes whatever the software: the limit
is the point. Every loop is bounded in count and time.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
from population import HOST, ROOT, free_port  # the folder of this script

sys.path.insert(0, str(ROOT))

from tests.telegram.botapi import BotAPI

TOKEN = "123456:BENCH-TOKEN"  # noqa: S105 - a fake token, for the local double only
FIRST_USER_ID = 8_000_001
LEAD = 30.0
"""Seconds from the start until the reminders fall due: the processes start meanwhile."""
START_WITHIN = 120.0
DRAIN = 5.0
"""Seconds to keep listening once every chat got its reminder: a duplicate would show."""


def afternoon_zone(now: datetime) -> str:
    """A fixed-offset zone where it is about 14:00 now: reminders never wait for 08:00."""
    offset = 14 - now.astimezone(UTC).hour
    return f"Etc/GMT{-offset:+d}" if offset else "Etc/GMT"


def prepare(url: str, persons: int, due: datetime) -> None:
    """Migrate; N persons linked to N Telegram ids, each an appointment and its J-2 row
    due at `due` (bulk inserts: the set-up is not what is measured)."""
    from sqlalchemy import insert

    from storage.database import make_engine, write_transaction
    from storage.migrate import upgrade
    from storage.models import Appointment, ChannelIdentity, Facility, Person, Reminder

    upgrade(url)
    engine = make_engine(url)
    start = due + timedelta(days=2, hours=1)
    with write_transaction(engine) as session:
        connection = session.connection()
        facility = connection.execute(
            insert(Facility)
            .values(code="bench", name="Benchmark", created_at=due)
            .returning(Facility.id)  # type: ignore[arg-type]
        ).scalar_one()
        ids = (
            connection.execute(
                insert(Person).returning(Person.id, sort_by_parameter_order=True),  # type: ignore[arg-type]
                [
                    {
                        "facility_id": facility,
                        "code": f"R{n:06d}",
                        "first_name": "Bench",
                        "last_name": f"R{n}",
                        "language": "fr",
                        "created_at": due,
                    }
                    for n in range(persons)
                ],
            )
            .scalars()
            .all()
        )
        connection.execute(
            insert(ChannelIdentity),
            [
                {
                    "person_id": person_id,
                    "channel": "telegram",
                    "external_id": str(FIRST_USER_ID + n),
                    "created_at": due,
                }
                for n, person_id in enumerate(ids)
            ],
        )
        appointments = (
            connection.execute(
                insert(Appointment).returning(Appointment.id, sort_by_parameter_order=True),  # type: ignore[arg-type]
                [
                    {
                        "person_id": person_id,
                        "kind": "health",
                        "start_at": start,
                        "place": "Cabinet médical",
                        "address": "",
                        "directions": "",
                        "with_whom": "",
                        "bring": "",
                        "inside": False,
                        "origin": "import",
                        "status": "planned",
                        "sequence": 0,
                        "created_at": due,
                        "updated_at": due,
                    }
                    for person_id in ids
                ],
            )
            .scalars()
            .all()
        )
        connection.execute(
            insert(Reminder),
            [
                {
                    "appointment_id": appointment_id,
                    "person_id": person_id,
                    "label": "J-2",
                    "due_at": due,
                    "not_before": due,
                    "created_at": due,
                    "detail": "",
                }
                for appointment_id, person_id in zip(appointments, ids, strict=True)
            ],
        )
    engine.dispose()


def spawn(command: list[str], log: Path, env: dict[str, str]) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:
        return subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)


def stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=5)


def cpu_seconds(pid: int) -> float:
    """User and system time of a process so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def listen(url: str, persons: int, within: float) -> list[dict[str, Any]]:
    """The reminders the double accepted, until every chat got one (then `DRAIN` more
    seconds) or `within` seconds."""
    got: list[dict[str, Any]] = []
    chats: set[int] = set()
    since = 0
    deadline = time.monotonic() + within
    drain_until: float | None = None
    async with aiohttp.ClientSession(base_url=url) as http:
        while time.monotonic() < (drain_until or deadline):
            params = {"since": str(since), "timeout": "1"}
            async with http.get("/_control/sent", params=params) as response:
                page = await response.json()
            since = page["next"]
            for sent in page["sent"]:
                if str(sent.get("text", "")).startswith("Rappel :"):
                    got.append(sent)
                    chats.add(int(sent["chat_id"]))
            if drain_until is None and len(chats) >= persons:
                drain_until = time.monotonic() + DRAIN
    return got


async def stats(url: str) -> dict[str, int]:
    async with (
        aiohttp.ClientSession(base_url=url) as http,
        http.get("/_control/stats") as response,
    ):
        found: dict[str, int] = await response.json()
        return found


def wait_listening(port: int, log: Path) -> None:
    import socket

    deadline = time.monotonic() + START_WITHIN
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((HOST, port), timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"nothing listens on {port}; see {log}")


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--persons", type=int, default=10_000)
    parser.add_argument("--scale", type=float, default=10.0, help="both limits times this")
    parser.add_argument("--database-url", help="PostgreSQL, say; default: a fresh SQLite file")
    args = parser.parse_args()
    persons = max(1, min(args.persons, 50_000))
    scale = max(0.1, min(args.scale, 100.0))
    defaults = BotAPI().limits
    per_bot = 30.0 * scale if defaults is None else defaults.per_bot * scale
    per_chat = 1.0 * scale

    with tempfile.TemporaryDirectory(prefix="filrouge-bench-") as name:
        tmp = Path(name)
        url = args.database_url or f"sqlite:///{tmp / 'bench.db'}"
        now = datetime.now(UTC)
        due = now + timedelta(seconds=LEAD)
        zone = afternoon_zone(now)
        print(
            f"{persons} reminders due at the same moment for {persons} persons with a phone;"
            f" {'PostgreSQL' if url.startswith('postgresql') else 'SQLite'}."
        )
        print(
            f"Bot API double: {per_bot:g} messages/s for the bot, {per_chat:g}/s per chat"
            f" (Telegram's limits x {scale:g}), 429 beyond."
        )
        prepare(url, persons, due)
        if datetime.now(UTC) >= due - timedelta(seconds=10):
            raise SystemExit("the set-up took too long: the reminders are due already")

        double_port = free_port()
        double_log = tmp / "botapi.log"
        double = spawn(
            [sys.executable, "-m", "tests.telegram.botapi", "--port", str(double_port),
             "--per-bot", str(per_bot), "--per-chat", str(per_chat)],
            double_log,
            dict(os.environ),
        )  # fmt: skip
        processes = [double]
        try:
            wait_listening(double_port, double_log)
            api = f"http://{HOST}:{double_port}"
            env = {
                **os.environ,
                "FILROUGE_DATABASE_URL": url,
                "FILROUGE_TIMEZONE": zone,
                "FILROUGE_TELEGRAM_TOKEN": TOKEN,
                "FILROUGE_TELEGRAM_API_URL": api,
                "FILROUGE_TELEGRAM_RATE": str(per_bot),
                "FILROUGE_TELEGRAM_CHAT_INTERVAL": str(1 / per_chat),
                "FILROUGE_REMINDERS_IN_SERVE": "false",
            }
            serve_port = free_port()
            serve = spawn(
                [sys.executable, "-m", "bot.cli", "serve", "--port", str(serve_port)],
                tmp / "serve.log",
                env,
            )
            processes.append(serve)
            worker = spawn([sys.executable, "-m", "bot.cli", "worker"], tmp / "worker.log", env)
            processes.append(worker)
            wait_listening(serve_port, tmp / "serve.log")
            within = (due - datetime.now(UTC)).total_seconds() + 3 * persons / per_bot + 60
            got = asyncio.run(listen(api, persons, within))
            counted = asyncio.run(stats(api))
            worker_cpu, serve_cpu = cpu_seconds(worker.pid), cpu_seconds(serve.pid)
            logged = {
                log: Counter(
                    level
                    for line in (tmp / log).read_text(errors="replace").splitlines()
                    for level in ("WARNING", "ERROR")
                    if f" {level} " in line
                )
                for log in ("serve.log", "worker.log")
            }
        except BaseException:
            for log in ("serve.log", "worker.log", "botapi.log"):
                lines = (tmp / log).read_text(errors="replace").splitlines()[-15:]
                print(f"--- the last lines of {log} ---\n" + "\n".join(lines), file=sys.stderr)
            raise
        finally:
            for process in reversed(processes):
                stop(process)

    chats = {int(sent["chat_id"]) for sent in got}
    walls = sorted(float(sent["wall"]) for sent in got)
    late = [wall - due.timestamp() for wall in walls]
    span = walls[-1] - walls[0] if len(walls) > 1 else math.nan
    achieved = (len(walls) - 1) / span if span and span > 0 else math.nan
    # What Telegram's bucket lets through in that time: a second's worth at once, then the rate.
    allowed = per_bot * span + per_bot if span == span else math.nan
    print(f"{'sent':>8} {'rate/s':>8} {'share':>7} {'429':>5} {'p50 s':>7} {'p99 s':>7}"
          f" {'dup':>5} {'lost':>5} {'worker CPU s':>13} {'serve CPU s':>12}")  # fmt: skip
    print(
        f"{len(got):8d} {achieved:8.1f} {len(got) / allowed:7.1%} {counted['refused']:5d}"
        f" {percentile(late, 0.50):7.1f} {percentile(late, 0.99):7.1f}"
        f" {len(got) - len(chats):5d} {persons - len(chats):5d}"
        f" {worker_cpu:13.2f} {serve_cpu:12.2f}"
    )
    for log, levels in logged.items():
        print(f"{log}: {levels['WARNING']} warnings, {levels['ERROR']} errors")
    print(
        f"targets: share ≥ 95 %, 429 = 0, dup = 0, lost = 0; the allowed rate alone makes"
        f" the last one {persons / per_bot:.0f} s late."
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
