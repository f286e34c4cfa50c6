"""What one turn costs in CPU, split into engine, storage, rendering and channel.

In one process, without sockets, on a fresh SQLite file with N linked persons:

* **Telegram**: each person walks the CSS guide (the same six steps as
  `telegram_turns.py`). Every update goes through aiogram's dispatcher and our
  handlers as in `filrouge serve`; the bot's HTTP session is replaced by one that
  answers at once (requests are still built and answers still parsed: only the
  network is missing). A turn is counted once its reply was "sent" and recorded.
* **Kiosk**: each person taps through the same guide by calling the web app
  (ASGI) directly: the POST that runs the turn and the GET of the page after it.

CPU is the process's (every thread). Engine and storage are timed inside the
turn (the engine's `step`, and the turn's transaction minus the engine);
rendering is what turns outputs into a message or a page; channel is the rest
(aiogram, FastAPI, the handlers, the outbox). The baseline printed beside the
figures is the cost of a bare aiogram dispatch to a handler that answers with
`send_message` (the echo bot of `telegram_turns.py`), in the same process and
run, and a bare FastAPI POST + GET.

    .venv/bin/python benchmarks/turn_cost.py [--persons 50] [--turns 3000]
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import gc
import itertools
import json
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from population import ROOT, populate  # the folder of this script

sys.path.insert(0, str(ROOT))

FIRST_USER_ID = 7_000_001
WALK = ("sante", "css", "no", "go_on", "done", "no")
MAX_TURNS = 20_000


class Split:
    """CPU seconds spent inside wrapped functions, by part, each thread on its own clock.

    A part wrapped several times counts its outermost call only; `minus` takes out
    what other parts measured inside it, on the same thread.
    """

    def __init__(self) -> None:
        self._local = threading.local()
        self._all: list[dict[str, float]] = []
        self._guard = threading.Lock()

    @property
    def seconds(self) -> dict[str, float]:
        total: dict[str, float] = defaultdict(float)
        for per_thread in self._all:
            for part, spent in per_thread.items():
                total[part] += spent
        return total

    def clear(self) -> None:
        for per_thread in self._all:
            per_thread.clear()

    def _mine(self) -> tuple[dict[str, float], dict[str, int]]:
        if not hasattr(self._local, "seconds"):
            self._local.seconds = defaultdict(float)
            self._local.depth = defaultdict(int)
            with self._guard:
                self._all.append(self._local.seconds)
        return self._local.seconds, self._local.depth

    @contextmanager
    def timing(self, part: str, minus: tuple[str, ...] = ()) -> Iterator[None]:
        seconds, depth = self._mine()
        if depth[part]:
            yield
            return
        depth[part] += 1
        inner = sum(seconds[m] for m in minus)
        began = time.thread_time()
        try:
            yield
        finally:
            spent = time.thread_time() - began
            spent -= sum(seconds[m] for m in minus) - inner
            seconds[part] += spent
            depth[part] -= 1

    def wrap(self, owner: Any, name: str, part: str, minus: tuple[str, ...] = ()) -> None:
        """Time calls of `owner.name` as `part`."""
        original = getattr(owner, name)

        @functools.wraps(original)
        def timed(*args: Any, **kwargs: Any) -> Any:
            with self.timing(part, minus):
                return original(*args, **kwargs)

        setattr(owner, name, timed)

    def wrap_cm(self, owner: Any, name: str, part: str, minus: tuple[str, ...] = ()) -> None:
        """Time the blocks of the context manager `owner.name` as `part`."""
        original = getattr(owner, name)

        @contextmanager
        @functools.wraps(original)
        def timed(*args: Any, **kwargs: Any) -> Iterator[Any]:
            with self.timing(part, minus), original(*args, **kwargs) as value:
                yield value

        setattr(owner, name, timed)


@contextmanager
def cpu() -> Iterator[list[float]]:
    out: list[float] = []
    gc.collect()
    began = time.process_time()
    yield out
    out.append(time.process_time() - began)


def instrument_core(split: Split) -> None:
    """Engine, storage (every transaction, less the engine and rendering run inside
    it) and rendering, wherever the modules that use them look them up."""
    import bot.telegram.render as render
    import dialogs.engine as engine
    import storage.database as database

    originals = {
        (engine, "step"): ("engine", (), False),
        (engine, "current_prompt"): ("engine", (), False),
        (render, "render"): ("rendering", (), False),
        (database, "write_transaction"): ("storage", ("engine", "rendering"), True),
        (database, "read_session"): ("storage", ("engine", "rendering"), True),
    }
    for (owner, name), (part, minus, is_cm) in originals.items():
        original = getattr(owner, name)
        (split.wrap_cm if is_cm else split.wrap)(owner, name, part, minus)
        for module_name, module in list(sys.modules.items()):
            ours = module_name.startswith(("bot", "dialogs", "storage")) and module is not owner
            if ours and getattr(module, name, None) is original:
                setattr(module, name, getattr(owner, name))


# --- Telegram ---------------------------------------------------------------------


def instant_session() -> Any:
    """An aiogram session that answers every request at once, as the Bot API would."""
    from aiogram.client.session.base import BaseSession
    from aiogram.methods import SendMessage

    class Instant(BaseSession):
        def __init__(self) -> None:
            super().__init__()
            self.sent: list[dict[str, Any]] = []
            self.more = asyncio.Event()
            self._ids = itertools.count(1)

        async def close(self) -> None:
            return None

        async def make_request(self, bot: Any, method: Any, timeout: Any = None) -> Any:  # noqa: ASYNC109
            params = {k: self.prepare_value(v, bot, {}) for k, v in method.model_dump().items()}
            if isinstance(method, SendMessage):
                self.sent.append(params)
                self.more.set()
                result: Any = {
                    "message_id": next(self._ids),
                    "date": int(time.time()),
                    "chat": {"id": params["chat_id"], "type": "private"},
                    "text": params.get("text", ""),
                }
            else:
                result = True
            content = json.dumps({"ok": True, "result": result})
            return self.check_response(bot, method, 200, content).result

        async def stream_content(self, *args: Any, **kwargs: Any) -> Any:
            raise NotImplementedError

    return Instant()


def said(user: int, text: str, n: int) -> dict[str, Any]:
    account = {"id": user, "is_bot": False, "first_name": "Bench", "language_code": "fr"}
    message = {
        "message_id": n,
        "date": int(time.time()),
        "chat": {"id": user, "type": "private", "first_name": "Bench"},
        "from": account,
        "text": text,
    }
    return {"update_id": n, "message": message}


def pressed(user: int, reply: dict[str, Any], data: str, n: int) -> dict[str, Any]:
    account = {"id": user, "is_bot": False, "first_name": "Bench", "language_code": "fr"}
    query = {
        "id": str(n),
        "from": account,
        "chat_instance": f"ci-{user}",
        "data": data,
        "message": {
            "message_id": reply.get("message_id", 1),
            "date": int(time.time()),
            "chat": {"id": user, "type": "private"},
            "text": reply.get("text", ""),
        },
    }
    return {"update_id": n, "callback_query": query}


def next_update(user: int, step: int, reply: dict[str, Any], n: int) -> dict[str, Any]:
    markup = reply.get("reply_markup") or {}
    if isinstance(markup, str):
        markup = json.loads(markup)
    rows = markup.get("inline_keyboard", [])
    keys = {b["callback_data"].rsplit(":", 1)[-1]: b["callback_data"] for r in rows for b in r}
    wanted = WALK[step % len(WALK)]
    if wanted == "no" and step % len(WALK) == 2:
        return said(user, "non", n)
    if wanted in keys:
        return pressed(user, reply, keys[wanted], n)
    if "back" in keys:
        return pressed(user, reply, keys["back"], n)
    return said(user, "menu", n)


class TelegramUnderTest:
    """The Telegram channel as `filrouge serve` builds it, on an instant Bot API session:
    each batch goes into the inbox, then through aiogram to our handlers."""

    def __init__(self, database: Path) -> None:
        from aiogram import Bot
        from pydantic import SecretStr

        from bot.app import compose
        from bot.settings import Settings
        from bot.telegram.pacer import Unpaced
        from bot.telegram.runner import TelegramChannel

        settings = Settings(
            database_url=f"sqlite:///{database}", telegram_token=SecretStr("123456:BENCH")
        )
        self.services = compose(settings)
        self.channel = TelegramChannel(self.services, pacer=Unpaced())
        self.session = instant_session()
        self.bot = Bot("123456:BENCH", session=self.session)
        self.channel.bot = self.channel.sender.bot = self.bot

    async def stop(self) -> None:
        await self.bot.session.close()
        self.services.close()

    async def exchange(self, updates: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Take in updates of different users; return each one's last reply, once recorded."""
        from aiogram.types import Update

        before = len(self.session.sent)
        parsed = [Update.model_validate(u, context={"bot": self.bot}) for u in updates]
        await self.channel.take_in(parsed)
        await self.channel.settled()
        last: dict[int, dict[str, Any]] = {}
        for number, params in enumerate(self.session.sent[before:], start=before + 1):
            last[int(params["chat_id"])] = {**params, "message_id": number}
        return [last[_user_of(u)] for u in updates]


def _user_of(update: dict[str, Any]) -> int:
    part = update.get("message") or update.get("callback_query") or {}
    return int(part["from"]["id"])


async def telegram_filrouge(database: Path, users: list[int], turns: int) -> dict[str, float]:
    under_test = TelegramUnderTest(database)
    split = Split()
    instrument_core(split)
    ids = itertools.count(1)
    replies = dict(
        zip(
            users,
            await under_test.exchange([said(u, "/start", next(ids)) for u in users]),
            strict=True,
        )
    )
    steps = dict.fromkeys(users, 0)
    done = 0
    split.seconds.clear()
    with cpu() as spent:
        while done < turns:
            batch = [next_update(u, steps[u], replies[u], next(ids)) for u in users]
            for user in users:
                steps[user] += 1
            replies = dict(zip(users, await under_test.exchange(batch), strict=True))
            done += len(batch)
    await under_test.stop()
    return {"total": spent[0] / done, **{k: v / done for k, v in split.seconds.items()}}


async def telegram_echo(users: list[int], turns: int) -> float:
    from aiogram import Bot, Dispatcher
    from aiogram.types import CallbackQuery, Message, Update

    session = instant_session()
    bot = Bot("123456:BENCH", session=session)
    dispatcher = Dispatcher()

    @dispatcher.message()
    async def echo_said(message: Message, bot: Bot) -> None:
        await bot.send_message(message.chat.id, message.text or "?")

    @dispatcher.callback_query()
    async def echo_pressed(query: CallbackQuery, bot: Bot) -> None:
        await bot.send_message(query.from_user.id, query.data or "?")

    ids = itertools.count(1)
    done = 0
    with cpu() as spent:
        while done < turns:
            updates = [
                Update.model_validate(
                    pressed(u, {}, "v1:0:x", next(ids)) if done % 6 else said(u, "non", next(ids)),
                    context={"bot": bot},
                )
                for u in users
            ]
            await asyncio.gather(*(dispatcher.feed_update(bot, u) for u in updates))
            done += len(updates)
    return spent[0] / done


# --- Kiosk ------------------------------------------------------------------------


class Asgi:
    """Calls an ASGI app as a server would, without a socket; keeps cookies."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.cookies: dict[str, str] = {}

    async def request(
        self, method: str, path: str, form: dict[str, str] | None = None
    ) -> tuple[int, str]:
        body = urlencode(form or {}).encode()
        path, _, query = path.partition("?")
        headers = [(b"host", b"127.0.0.1")]
        if self.cookies:
            cookie = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
            headers.append((b"cookie", cookie.encode()))
        if method == "POST":
            headers.append((b"content-type", b"application/x-www-form-urlencoded"))
            headers.append((b"content-length", str(len(body)).encode()))
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": method,
            "scheme": "http",
            "path": path,
            "raw_path": path.encode(),
            "query_string": query.encode(),
            "root_path": "",
            "headers": headers,
            "client": ("127.0.0.1", 50000),
            "server": ("127.0.0.1", 8000),
        }
        sent = False
        status = 0
        chunks: list[bytes] = []

        async def receive() -> dict[str, Any]:
            nonlocal sent
            if sent:
                await asyncio.sleep(3600)
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}

        async def send(message: dict[str, Any]) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                for name, value in message.get("headers", []):
                    if name.lower() == b"set-cookie":
                        key, _, rest = value.decode().partition("=")
                        value_part = rest.split(";", 1)[0]
                        if "Max-Age=0" in rest or not value_part.strip('"'):
                            self.cookies.pop(key, None)
                        else:
                            self.cookies[key] = value_part
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))

        await self.app(scope, receive, send)
        return status, b"".join(chunks).decode()


def hidden(html: str, name: str) -> str:
    import re

    found = re.search(rf'name="{name}" value="([^"]*)"', html)
    return found.group(1) if found else ""


def choose(html: str) -> dict[str, str]:
    """The form of the button to press on this page: the same walk as on Telegram."""
    import re

    form = re.search(
        r'<form method="post" action="/kiosk/say" class="buttons[^"]*">(.*?)</form>', html, re.S
    )
    body = form.group(1) if form else ""
    values = re.findall(r'name="value" value="([^"]*)"', body)
    pick = next((v for v in ("css", "sante", "done", "no", "go_on") if v in values), None)
    pick = pick or (values[0] if values else "menu")
    return {
        "csrf": hidden(html, "csrf"),
        "mid": hidden(body, "mid") or hidden(html, "mid"),
        "seq": hidden(body, "seq"),
        "value": pick,
    }


async def kiosk_filrouge(database: Path, codes: list[str], turns: int) -> dict[str, float]:
    import bot.kiosk.pages as pages
    from bot.app import compose, create_app
    from bot.settings import Settings

    settings = Settings(
        database_url=f"sqlite:///{database}",
        argon2_time_cost=1,
        argon2_memory_kib=64,
        kiosk_idle_seconds=3600,
    )
    services = compose(settings)
    split = Split()
    import bot.kiosk.routes  # noqa: F401 - loaded, so that its names are rebound

    instrument_core(split)
    split.wrap(pages.Pages, "render", "rendering", minus=("engine",))
    app = create_app(services=services)
    kiosks = [Asgi(app) for _ in codes]
    pages_now: list[str] = []
    for kiosk, code in zip(kiosks, codes, strict=True):
        _, login = await kiosk.request("GET", "/kiosk")
        form = {"code": code, "pin": "2468", "csrf": hidden(login, "csrf")}
        await kiosk.request("POST", "/kiosk/login", form)
        pages_now.append((await kiosk.request("GET", "/kiosk/chat"))[1])
    split.seconds.clear()
    done = 0
    with cpu() as spent:
        while done < turns:
            for index, kiosk in enumerate(kiosks):
                status, _ = await kiosk.request("POST", "/kiosk/say", choose(pages_now[index]))
                if status != 303:
                    raise SystemExit(f"a kiosk turn answered {status}")
                status, pages_now[index] = await kiosk.request("GET", "/kiosk/chat")
                done += 1
    services.close()
    return {"total": spent[0] / done, **{k: v / done for k, v in split.seconds.items()}}


async def kiosk_floor(turns: int) -> float:
    from fastapi import FastAPI, Form
    from fastapi.responses import HTMLResponse, RedirectResponse

    app = FastAPI()

    @app.post("/kiosk/say")
    def say(value: str = Form("")) -> RedirectResponse:
        return RedirectResponse("/kiosk/chat", 303)

    @app.get("/kiosk/chat")
    def chat() -> HTMLResponse:
        return HTMLResponse("<form><input name=mid value=x><button value=sante></button></form>")

    client = Asgi(app)
    with cpu() as spent:
        for _ in range(turns):
            await client.request("POST", "/kiosk/say", {"value": "x"})
            await client.request("GET", "/kiosk/chat")
    return spent[0] / turns


# --- the report -------------------------------------------------------------------


def row(name: str, figures: dict[str, float], floor: float) -> None:
    parts = ("engine", "storage", "rendering")
    known = sum(figures.get(p, 0.0) for p in parts)
    channel = figures["total"] - known
    cells = [figures.get(p, 0.0) * 1e6 for p in parts] + [channel * 1e6, figures["total"] * 1e6]
    print(
        f"{name:<12} "
        + " ".join(f"{c:9.0f}" for c in cells)
        + f" {floor * 1e6:9.0f} {figures['total'] / floor:7.2f}"
    )


def measure(part: str, persons: int, turns: int) -> dict[str, float]:
    """One part, in this process: the figures of filrouge and of its baseline."""
    with tempfile.TemporaryDirectory(prefix="filrouge-cost-") as name:
        database = Path(name) / "bench.db"
        if part == "telegram":
            users = [FIRST_USER_ID + n for n in range(persons)]
            codes = [f"TG{n:04d}" for n in range(persons)]
            populate(database, codes, "2468", telegram_ids=users)
            figures = asyncio.run(telegram_filrouge(database, users, turns))
            figures["baseline"] = asyncio.run(telegram_echo(users, turns))
        else:
            codes = [f"K{n:04d}" for n in range(persons)]
            populate(database, codes, "2468")
            figures = asyncio.run(kiosk_filrouge(database, codes, turns))
            figures["baseline"] = asyncio.run(kiosk_floor(turns))
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--persons", type=int, default=50)
    parser.add_argument("--turns", type=int, default=3000)
    parser.add_argument("--part", choices=("telegram", "kiosk"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    persons = max(1, min(args.persons, 500))
    turns = max(persons, min(args.turns, MAX_TURNS))
    if args.part:  # a child process: one part, printed as JSON
        print(json.dumps(measure(args.part, persons, turns)))
        return 0
    print(f"CPU µs per turn, {turns} turns of {persons} persons, SQLite, no sockets")
    header = ("engine", "storage", "render", "channel", "total", "baseline", "x base")
    print(f"{'':<12} " + " ".join(f"{h:>9}" for h in header[:-1]) + f" {header[-1]:>7}")
    for part in ("telegram", "kiosk"):
        command = [sys.executable, __file__, "--part", part]
        command += ["--persons", str(persons), "--turns", str(turns)]
        done = subprocess.run(command, capture_output=True, text=True, check=False, timeout=900)
        if done.returncode != 0:
            print(done.stderr, file=sys.stderr)
            return 1
        figures = json.loads(done.stdout.strip().splitlines()[-1])
        row(part, figures, figures["baseline"])
    print("baseline: a bare aiogram echo (dispatch + sendMessage) / a bare FastAPI POST + GET")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
