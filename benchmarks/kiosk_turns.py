"""Kiosk turns under load: N simulated kiosks walking the CSS flow over real HTTP.

Starts `filrouge serve` on a fresh SQLite database (one process, as on a
facility server) with N persons, logs each kiosk in, then has every kiosk walk
the "complémentaire santé solidaire" flow again and again: read the chat page,
press a button, follow the redirect. Prints turns/s, the latency of a turn (the
POST that runs it) and of the page that follows, and the server's peak RSS.

In the same run and the same way it measures a bare FastAPI app that does
nothing (POST answers 303, GET answers a small page): the HTTP floor.

Two loads: "paced" kiosks wait `--think` seconds between taps (a person reads
before tapping; this is the load the p99 target is for), "saturated" ones
never wait (the capacity). Every loop is bounded in count and time; only
127.0.0.1 is used.

    .venv/bin/python benchmarks/kiosk_turns.py [--kiosks 50] [--seconds 15] [--think 1.0]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import sys
import tempfile
import textwrap
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

from population import (
    HOST,
    free_port,
    peak_rss_mib,
    percentile,
    populate,
    start,
)  # this script's folder

MAX_TURNS_PER_KIOSK = 5_000
PIN = "2468"

FLOOR_APP = textwrap.dedent(
    """
    from fastapi import FastAPI, Form
    from fastapi.responses import HTMLResponse, RedirectResponse

    app = FastAPI()

    @app.post("/kiosk/say")
    def say(value: str = Form("")):
        return RedirectResponse("/kiosk/chat", 303)

    @app.get("/kiosk/chat")
    def chat():
        return HTMLResponse("<form><input name=mid value=x><button value=sante></button></form>")
    """
)


@dataclass
class Figures:
    turns: list[float] = field(default_factory=list)
    pages: list[float] = field(default_factory=list)
    walks: int = 0
    errors: int = 0
    last_page: str = ""


def env_for(database: Path) -> dict[str, str]:
    return {
        **os.environ,
        "FILROUGE_DATABASE_URL": f"sqlite:///{database}",
        # Logins are not what is measured: cheap hashes keep the set-up short.
        "FILROUGE_ARGON2_TIME_COST": "1",
        "FILROUGE_ARGON2_MEMORY_KIB": "64",
        "FILROUGE_KIOSK_IDLE_SECONDS": "3600",
    }


def make_persons(database: Path, count: int) -> list[str]:
    """Migrate a fresh database and create `count` persons; return their codes."""
    codes = [f"BENCH{n:03d}" for n in range(count)]
    populate(database, codes, PIN)
    return codes


def hidden(html: str, name: str) -> str:
    found = re.search(rf'name="{name}" value="([^"]*)"', html)
    return found.group(1) if found else ""


def choose(html: str) -> tuple[str, str] | None:
    """The (seq, value) to press on this page: the walk policy through the CSS flow."""
    form = re.search(
        r'<form method="post" action="/kiosk/say" class="buttons[^"]*">(.*?)</form>', html, re.S
    )
    if form is None:
        return None
    body = form.group(1)
    values = re.findall(r'name="value" value="([^"]*)"', body)
    seq = hidden(body, "seq")
    for preferred in ("css", "sante", "done", "no"):
        if preferred in values:
            return seq, preferred
    return seq, values[0] if values else "menu"


class Connection:
    """A minimal keep-alive HTTP/1.1 client: the load generator must cost little CPU,
    or it measures itself (httpx costs about a millisecond a request here)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def request(
        self, method: str, path: str, form: dict[str, str] | None = None
    ) -> tuple[int, dict[str, str], str]:
        if self.reader is None or self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(HOST, self.port)
        body = urlencode(form or {}).encode()
        cookie = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        head = f"{method} {path} HTTP/1.1\r\nHost: {HOST}\r\n"
        if cookie:
            head += f"Cookie: {cookie}\r\n"
        if method == "POST":
            head += "Content-Type: application/x-www-form-urlencoded\r\n"
            head += f"Content-Length: {len(body)}\r\n"
        self.writer.write(head.encode() + b"\r\n" + body)
        raw = await self.reader.readuntil(b"\r\n\r\n")
        lines = raw.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        headers: dict[str, str] = {}
        for line in lines[1:]:
            if ":" in line:
                name, value = line.split(":", 1)
                name = name.lower()
                if name == "set-cookie":
                    key, _, rest = value.strip().partition("=")
                    self.cookies[key] = rest.split(";", 1)[0]
                headers[name] = value.strip()
        length = int(headers.get("content-length", "0"))
        content = await self.reader.readexactly(length) if length else b""
        return status, headers, content.decode()

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            await self.writer.wait_closed()


async def walk(conn: Connection, code: str, until: float, think: float, figures: Figures) -> None:
    await asyncio.sleep(random.uniform(0, think))  # kiosks do not all start at once
    _status, _headers, page = await conn.request("GET", "/kiosk")
    form = {"code": code, "pin": PIN, "csrf": hidden(page, "csrf")}
    status, _headers, _ = await conn.request("POST", "/kiosk/login", form)
    if status != 303:
        figures.errors += 1
        return
    status, _headers, page = await conn.request("GET", "/kiosk/chat")
    for _ in range(MAX_TURNS_PER_KIOSK):
        if time.monotonic() >= until:
            return
        picked = choose(page)
        if picked is None:
            figures.errors += 1
            return
        seq, value = picked
        if value == "css":
            figures.walks += 1
        form = {"csrf": hidden(page, "csrf"), "mid": hidden(page, "mid"), "seq": seq}
        form["value"] = value
        if not await timed_turn(conn, form, figures):
            return
        page = figures.last_page
        if think:
            await asyncio.sleep(random.uniform(0.5, 1.5) * think)


async def timed_turn(conn: Connection, form: dict[str, str], figures: Figures) -> bool:
    """POST a tap, then GET the page it redirects to; record both latencies."""
    began = time.perf_counter()
    status, _headers, _ = await conn.request("POST", "/kiosk/say", form)
    turned = time.perf_counter()
    following, _headers, page = await conn.request("GET", "/kiosk/chat")
    ended = time.perf_counter()
    if status != 303 or following != 200:
        figures.errors += 1
        return False
    figures.turns.append(turned - began)
    figures.pages.append(ended - turned)
    figures.last_page = page
    return True


async def floor_walk(conn: Connection, until: float, think: float, figures: Figures) -> None:
    await asyncio.sleep(random.uniform(0, think))
    for _ in range(MAX_TURNS_PER_KIOSK):
        if time.monotonic() >= until:
            return
        if not await timed_turn(conn, {"value": "x"}, figures):
            return
        if think:
            await asyncio.sleep(random.uniform(0.5, 1.5) * think)


async def load(
    port: int, codes: list[str] | None, kiosks: int, seconds: float, think: float
) -> Figures:
    figures = Figures()
    conns = [Connection(port) for _ in range(kiosks)]
    until = time.monotonic() + seconds
    if codes is None:
        jobs = [floor_walk(c, until, think, figures) for c in conns]
    else:
        jobs = [walk(c, code, until, think, figures) for c, code in zip(conns, codes, strict=True)]
    await asyncio.gather(*jobs)
    for conn in conns:
        await conn.close()
    return figures


def report(name: str, figures: Figures, seconds: float, rss: float) -> None:
    t = figures.turns
    print(
        f"{name:<28} {len(t) / seconds:8.1f} {percentile(t, 0.50):7.1f} {percentile(t, 0.95):7.1f}"
        f" {percentile(t, 0.99):7.1f} {percentile(figures.pages, 0.99):9.1f} {rss:8.1f}"
        f" {figures.walks:6d} {figures.errors:4d}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--kiosks", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--think", type=float, default=1.0, help="seconds between taps (paced)")
    args = parser.parse_args()
    kiosks = max(1, min(args.kiosks, 500))
    seconds = max(1.0, min(args.seconds, 120.0))

    with tempfile.TemporaryDirectory(prefix="filrouge-bench-") as tmp:
        database = Path(tmp) / "bench.db"
        codes = make_persons(database, kiosks)
        env = env_for(database)
        port, floor_port = free_port(), free_port()
        floor_file = Path(tmp) / "floor_app.py"
        floor_file.write_text(FLOOR_APP)
        server = start([sys.executable, "-m", "bot.cli", "serve", "--port", str(port)], env, port)
        floor = start(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "--app-dir",
                tmp,
                "floor_app:app",
                "--port",
                str(floor_port),
                "--log-level",
                "warning",
            ],
            env,
            floor_port,
        )
        try:
            print(f"{kiosks} kiosks, {seconds:.0f} s per load, think time {args.think} s (paced)")
            print(
                f"{'':<28} {'turns/s':>8} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7}"
                f" {'page p99':>9} {'RSS MiB':>8} {'walks':>6} {'err':>4}"
            )
            for label, think in (("paced", args.think), ("saturated", 0.0)):
                mine = asyncio.run(load(port, codes, kiosks, seconds, think))
                report(f"filrouge, {label}", mine, seconds, peak_rss_mib(server.pid))
                bare = asyncio.run(load(floor_port, None, kiosks, seconds, think))
                report(f"bare FastAPI, {label}", bare, seconds, peak_rss_mib(floor.pid))
        finally:
            for process in (server, floor):
                process.terminate()
                process.wait(timeout=10)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
