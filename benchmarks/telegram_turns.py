"""Telegram turns under load: N linked Telegram users walking the CSS flow by polling.

Starts the local Bot API double (`tests/telegram/botapi.py`) in its own process
and `filrouge serve` in another, polling it, on a fresh SQLite database with N
persons already linked to N Telegram accounts. Every user then walks six steps
again and again, closed loop (the next update goes only once the double
accepted the bot's reply to the previous one):

    home "Santé" → "La complémentaire santé solidaire" → types "non" (a mutuelle?)
    → "Non, on continue" → "C'est fait" (the papers) → "Non" (a counsellor?) → home

(When the guide ends on the Santé menu, "Retour au menu" is one turn more.) The
"walks" column counts walks finished; turns/s counts every turn.

Prints turns/s, the latency of a turn (update pushed → its reply accepted by the
double, both on the double's clock) and the bot's peak RSS (VmHWM).

In the same run and the same way it measures a bare aiogram echo bot (one
handler answering every message and button with `send_message`) on a fresh
double: the transport's floor. Target: at least 0.8 times the echo bot's rate.

Telegram allows 30 messages a second per bot and one a second per chat; paced,
this would measure the pacer, and the echo bot has none: both run unpaced
(`FILROUGE_TELEGRAM_PACING=false`). Every loop is bounded in count and time;
only 127.0.0.1 is used.

    .venv/bin/python benchmarks/telegram_turns.py [--users 200] [--seconds 20]
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import socket
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
from population import (
    HOST,
    ROOT,
    free_port,
    peak_rss_mib,
    percentile,
    populate,
)  # this script's folder

TOKEN = "123456:BENCH-TOKEN"  # noqa: S105 - a fake token, for the local double only
FIRST_USER_ID = 7_000_001
MAX_WALKS_PER_USER = 1_000
START_WITHIN = 120.0  # seconds for a bot to start and greet every user (aiogram imports slowly)
DRAIN_WITHIN = 15.0  # seconds the last replies may take once the load stopped
STALE = "v1:0:stale"  # the echo bot's buttons: any data does

ECHO_BOT = textwrap.dedent(
    """
    import asyncio
    import sys

    from aiogram import Bot, Dispatcher
    from aiogram.client.session.aiohttp import AiohttpSession
    from aiogram.client.telegram import TelegramAPIServer
    from aiogram.types import CallbackQuery, Message

    dispatcher = Dispatcher()


    @dispatcher.message()
    async def said(message: Message, bot: Bot) -> None:
        await bot.send_message(message.chat.id, message.text or "?")


    @dispatcher.callback_query()
    async def pressed(query: CallbackQuery, bot: Bot) -> None:
        await bot.send_message(query.from_user.id, query.data or "?")


    async def main() -> None:
        session = AiohttpSession(api=TelegramAPIServer.from_base(sys.argv[1]))
        bot = Bot(sys.argv[2], session=session)
        await bot.delete_webhook()
        await dispatcher.start_polling(bot, polling_timeout=25)


    asyncio.run(main())
    """
)


@dataclass
class User:
    id: int
    pending_at: float | None = None  # when its outstanding update was pushed
    step: int = 0  # the next step of the walk, 0 to 5
    walks: int = 0  # walks begun


@dataclass
class Figures:
    latencies: list[float] = field(default_factory=list)
    walks: int = 0
    errors: int = 0
    lost: int = 0
    rss: float = float("nan")
    cpu: float = float("nan")  # the bot's CPU seconds per second of load (1.0: one core)


Policy = Callable[[User, dict[str, Any]], dict[str, Any] | None]
_inbound_ids = itertools.count(1)


# --- what the users do -----------------------------------------------------------


def said(user: User, text: str) -> dict[str, Any]:
    chat = {"id": user.id, "type": "private", "first_name": "Bench"}
    body = {
        "message_id": next(_inbound_ids),
        "date": int(time.time()),
        "chat": chat,
        "from": _account(user),
        "text": text,
    }
    return {"kind": "message", "body": body}


def pressed(user: User, reply: dict[str, Any], data: str) -> dict[str, Any]:
    body = {
        "id": str(next(_inbound_ids)),
        "from": _account(user),
        "chat_instance": f"ci-{user.id}",
        "data": data,
        "message": {
            "message_id": reply["message_id"],
            "date": int(time.time()),
            "chat": {"id": user.id, "type": "private"},
            "text": reply.get("text", ""),
        },
    }
    return {"kind": "callback_query", "body": body}


def _account(user: User) -> dict[str, Any]:
    return {"id": user.id, "is_bot": False, "first_name": "Bench", "language_code": "fr"}


def buttons(reply: dict[str, Any]) -> dict[str, str]:
    """Button values (the end of `v1:<seq>:<value>`) to their callback data."""
    rows = reply.get("reply_markup", {}).get("inline_keyboard", [])
    return {b["callback_data"].rsplit(":", 1)[-1]: b["callback_data"] for r in rows for b in r}


WALK = ("sante", "css", "no", "go_on", "done", "no")
"""The button each step of a walk expects; at step 2 the person types "non" instead."""


def filrouge_policy(figures: Figures, walks: int) -> Policy:
    """The six steps, each checked against the buttons of the reply (the flows' values)."""

    def next_update(user: User, reply: dict[str, Any]) -> dict[str, Any] | None:
        keys = buttons(reply)
        expected = WALK[user.step]
        if expected not in keys:
            if user.step == 0 and "back" in keys:  # a guide that ends on its own menu
                return pressed(user, reply, keys["back"])
            figures.errors += 1
            user.step = 0
            return said(user, "menu")  # lost its way: back home
        step, user.step = user.step, (user.step + 1) % len(WALK)
        if step == 0:
            if user.walks >= walks:
                return None
            user.walks += 1
        elif step == len(WALK) - 1:
            figures.walks += 1
        if step == 2:  # "a mutuelle already?": the typed answer
            return said(user, "non")
        return pressed(user, reply, keys[expected])

    return next_update


def echo_policy(figures: Figures, walks: int) -> Policy:
    """The same mix of updates (five buttons, one text a walk), whatever the reply says."""

    def next_update(user: User, reply: dict[str, Any]) -> dict[str, Any] | None:
        step, user.step = user.step, (user.step + 1) % 6
        if step == 0:
            if user.walks >= walks:
                return None
            user.walks += 1
        elif step == 5:
            figures.walks += 1
        return said(user, "non") if step == 2 else pressed(user, reply, STALE)

    return next_update


# --- the load ----------------------------------------------------------------------


async def load(
    double: str,
    ids: list[int],
    seconds: float,
    walks: int,
    kind: str,
    bot: subprocess.Popen[bytes],
    on_walking: Callable[[], None] = lambda: None,
) -> Figures:
    """Greet every user, then walk them all for `seconds`; figures of the walking only."""
    figures = Figures()
    policy = (filrouge_policy if kind == "filrouge" else echo_policy)(figures, walks)
    users = {i: User(i) for i in ids}
    async with aiohttp.ClientSession(base_url=double) as http:
        since = 0

        async def push(updates: list[tuple[User, dict[str, Any]]]) -> None:
            if not updates:
                return
            body = {"updates": [u for _user, u in updates]}
            async with http.post("/_control/push", json=body) as response:
                at = (await response.json())["at"]
            for user, _update in updates:
                user.pending_at = at

        async def replies(wait: float) -> list[dict[str, Any]]:
            nonlocal since
            query = {"since": str(since), "timeout": str(wait)}
            async with http.get("/_control/sent", params=query) as response:
                data = await response.json()
            since = data["next"]
            return list(data["sent"])

        # Greeting: /start (the bot asks the current step again), not measured.
        greeted: dict[int, dict[str, Any]] = {}
        await push([(user, said(user, "/start")) for user in users.values()])
        deadline = time.monotonic() + START_WITHIN
        while len(greeted) < len(users):
            if bot.poll() is not None:
                raise SystemExit(f"{kind}: the bot stopped (exit status {bot.returncode})")
            if time.monotonic() > deadline:
                raise SystemExit(f"{kind}: {len(greeted)} of {len(users)} users greeted in time")
            for reply in await replies(1.0):
                greeted.setdefault(int(reply["chat_id"]), reply)

        # Walking, closed loop: a user's next update goes once its reply came back.
        # The double's clock is this one (CLOCK_MONOTONIC is the machine's).
        on_walking()
        began = time.monotonic()
        cpu_began = cpu_seconds(bot.pid)
        first = [(users[c], policy(users[c], r)) for c, r in greeted.items()]
        await push([(u, update) for u, update in first if update is not None])
        while True:
            now = time.monotonic()
            waiting = [u for u in users.values() if u.pending_at is not None]
            if now > began + seconds + DRAIN_WITHIN or (now > began + seconds and not waiting):
                figures.lost = len(waiting)
                break
            if figures.cpu != figures.cpu and now >= began + seconds:  # still NaN
                figures.cpu = (cpu_seconds(bot.pid) - cpu_began) / (now - began)
            batch = await replies(0.5)
            following: list[tuple[User, dict[str, Any]]] = []
            for reply in batch:
                user = users.get(int(reply["chat_id"]))
                if user is None or user.pending_at is None:
                    figures.errors += 1  # a message nobody waited for
                    continue
                if reply["at"] < began + seconds:
                    figures.latencies.append(reply["at"] - user.pending_at)
                user.pending_at = None
                if time.monotonic() < began + seconds:
                    update = policy(user, reply)
                    if update is not None:
                        following.append((user, update))
            await push(following)
    figures.rss = peak_rss_mib(bot.pid)
    return figures


# --- the processes -------------------------------------------------------------------


def link_users(database: Path, count: int) -> list[int]:
    """Migrate a fresh database; create `count` persons, each linked to a Telegram account."""
    ids = [FIRST_USER_ID + n for n in range(count)]
    populate(database, [f"TG{n:04d}" for n in range(count)], "2468", telegram_ids=ids)
    return ids


def start_double(log: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    process = spawn([sys.executable, "-m", "tests.telegram.botapi", "--port", str(port)], log)
    url = f"http://{HOST}:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((HOST, port), timeout=1):
                return process, url
        except OSError:
            time.sleep(0.1)
    stop(process)
    raise SystemExit(f"the Bot API double did not start; see {log}")


def spawn(
    command: list[str], log: Path, env: dict[str, str] | None = None
) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:
        return subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)


def stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=5)


def cpu_seconds(pid: int) -> float:
    """User and system time of a process so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run_bot(
    kind: str, command: list[str], env: dict[str, str], args: argparse.Namespace, tmp: Path
) -> Figures:
    double, url = start_double(tmp / f"botapi-{kind}.log")
    log = tmp / f"{kind}.log"
    if kind == "echo":
        bot = spawn([*command, url, TOKEN], log, env)
    else:
        bot = spawn(command, log, {**env, "FILROUGE_TELEGRAM_API_URL": url})
    profiler: list[subprocess.Popen[bytes]] = []

    def profile() -> None:
        if args.py_spy and kind == "filrouge":
            profiler.append(py_spy(bot.pid, args.seconds, args.py_spy, tmp))

    try:
        ids = list(range(FIRST_USER_ID, FIRST_USER_ID + args.users))
        return asyncio.run(load(url, ids, args.seconds, args.walks, kind, bot, profile))
    except BaseException:
        print(f"--- the last lines of {log.name} ---", file=sys.stderr)
        print("\n".join(log.read_text(errors="replace").splitlines()[-30:]), file=sys.stderr)
        raise
    finally:
        for process in profiler:
            process.wait(timeout=args.seconds + 30)
        stop(bot)
        stop(double)


def py_spy(pid: int, seconds: float, out: Path, tmp: Path) -> subprocess.Popen[bytes]:
    """Sample the server while it walks, only the thread holding the GIL (where the CPU
    goes; blocking --gil stalls it): a flame graph (.svg) or collapsed stacks (.txt)."""
    program = Path(sys.executable).parent / "py-spy"
    form = "raw" if out.suffix == ".txt" else "flamegraph"
    command = [
        str(program),
        "record",
        "--gil",
        "--nonblocking",
        "-p",
        str(pid),
        "-d",
        str(int(seconds)),
    ]
    return spawn([*command, "-f", form, "-o", str(out.resolve())], tmp / "py-spy.log")


def report(name: str, figures: Figures, seconds: float) -> float:
    t = figures.latencies
    rate = len(t) / seconds
    print(
        f"{name:<22} {rate:8.1f} {percentile(t, 0.50):7.1f} {percentile(t, 0.95):7.1f}"
        f" {percentile(t, 0.99):7.1f} {figures.cpu:5.2f} {figures.rss:8.1f} {figures.walks:6d}"
        f" {figures.errors:4d} {figures.lost:5d}"
    )
    return rate


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--walks", type=int, default=MAX_WALKS_PER_USER, help="at most, a user")
    parser.add_argument(
        "--py-spy", type=Path, metavar="FILE", help="profile filrouge's load (.svg or .txt)"
    )
    args = parser.parse_args()
    args.users = max(1, min(args.users, 2_000))
    args.seconds = max(1.0, min(args.seconds, 120.0))
    args.walks = max(1, min(args.walks, MAX_WALKS_PER_USER))

    with tempfile.TemporaryDirectory(prefix="filrouge-bench-") as name:
        tmp = Path(name)
        database = tmp / "bench.db"
        link_users(database, args.users)
        env = {
            **os.environ,
            "FILROUGE_DATABASE_URL": f"sqlite:///{database}",
            "FILROUGE_TELEGRAM_TOKEN": TOKEN,
            "FILROUGE_TELEGRAM_PACING": "false",
        }
        echo_file = tmp / "echo_bot.py"
        echo_file.write_text(ECHO_BOT)
        serve = [sys.executable, "-m", "bot.cli", "serve", "--port", str(free_port())]
        print(
            f"{args.users} Telegram users by polling, {args.seconds:.0f} s of load per bot,"
            f" closed loop, at most {args.walks} walks of 6 turns a user; SQLite."
        )
        print(
            "Pacing off for both (FILROUGE_TELEGRAM_PACING=false; the echo bot has none):"
            " Telegram's 30/s per bot and 1/s per chat would measure the pacer."
        )
        print(
            f"{'':<22} {'turns/s':>8} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7}"
            f" {'CPU':>5} {'RSS MiB':>8} {'walks':>6} {'err':>4} {'lost':>5}"
        )
        mine = report("filrouge", run_bot("filrouge", serve, env, args, tmp), args.seconds)
        echo_command = [sys.executable, str(echo_file)]
        floor = report(
            "bare aiogram echo", run_bot("echo", echo_command, env, args, tmp), args.seconds
        )
        ratio = mine / floor if floor else float("nan")
        print(f"filrouge / echo: {ratio:.2f} (target ≥ 0.80)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
