"""A crowd attacking the kiosk's login, and a person already logged in.

Starts `filrouge serve` on a fresh SQLite database with argon2 at its real cost
(64 MiB, 3 passes) and many web threads, logs one person in, and measures the
time of their page (`GET /kiosk/chat`) twice in the same run:

* quiet: nobody else (the baseline);
* attacked: `--attackers` clients (60 by default) each trying codes and PINs
  in a loop, as fast as they are answered.

Prints the person's p50 / p95 in both phases, their ratio, the attempts answered
and how (a refusal, "wait", "too many at once"), and the server's peak RSS.
Targets: peak RSS below 400 MB, the person's p50 under attack below 5 x quiet.
Every loop is bounded in count and time; only 127.0.0.1 is used.

    .venv/bin/python benchmarks/login_attack.py [--attackers 60] [--seconds 20]
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import os
import re
import sys
import tempfile
import time
from pathlib import Path

import httpx
from population import (
    HOST,
    free_port,
    peak_rss_mib,
    percentile,
    populate,
    start,
)  # this script's folder

PIN = "246810"
MAX_TRIES_PER_ATTACKER = 2_000
MAX_READS = 20_000


def env_for(database: Path) -> dict[str, str]:
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith("FILROUGE_")},
        "FILROUGE_DATABASE_URL": f"sqlite:///{database}",
        "FILROUGE_ARGON2_MEMORY_KIB": "65536",  # the real cost
        "FILROUGE_ARGON2_TIME_COST": "3",
        "FILROUGE_WEB_THREADS": "16",  # many threads: the hashing bound must hold memory
        "FILROUGE_KIOSK_IDLE_SECONDS": "3600",
    }


def csrf(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    return found.group(1) if found else ""


async def logged_in(base: str) -> httpx.AsyncClient:
    client = httpx.AsyncClient(base_url=base, timeout=120)
    page = await client.get("/kiosk")
    form = {"csrf": csrf(page.text), "code": "BENCH000", "pin": PIN}
    answer = await client.post("/kiosk/login", data=form)
    if answer.status_code != 303:
        raise SystemExit(f"the person could not log in: {answer.status_code}")
    return client


async def read_until(client: httpx.AsyncClient, until: float) -> list[float]:
    """The person reads their conversation every 50 ms; the time each page took."""
    times: list[float] = []
    for _ in range(MAX_READS):
        if time.monotonic() >= until:
            break
        began = time.perf_counter()
        page = await client.get("/kiosk/chat")
        if page.status_code == 200:
            times.append(time.perf_counter() - began)
        await asyncio.sleep(0.05)
    return times


async def attacker(base: str, number: int, until: float, seen: collections.Counter[str]) -> None:
    async with httpx.AsyncClient(base_url=base, timeout=120) as client:
        for attempt in range(MAX_TRIES_PER_ATTACKER):
            if time.monotonic() >= until:
                return
            page = await client.get("/kiosk")
            code = "BENCH000" if attempt % 4 == 0 else f"X{number:02d}{attempt:04d}"
            form = {"csrf": csrf(page.text), "code": code, "pin": f"{attempt % 1_000_000:06d}"}
            answer = await client.post("/kiosk/login", data=form)
            seen[kind_of(answer)] += 1


def kind_of(answer: httpx.Response) -> str:
    if answer.status_code == 303:
        return "logged in (!)"
    if answer.status_code == 503:
        return "too many at once (503)"
    if 'id="locked"' in answer.text:
        return "slowed: asked to wait"
    if "incorrect" in answer.text:
        return "refused: wrong code or PIN"
    return f"other ({answer.status_code})"


async def run(base: str, attackers: int, seconds: float) -> None:
    person = await logged_in(base)
    try:
        quiet = await read_until(person, time.monotonic() + seconds)
        seen: collections.Counter[str] = collections.Counter()
        until = time.monotonic() + seconds
        crowd = asyncio.gather(*(attacker(base, n, until, seen) for n in range(attackers)))
        attacked, _ = await asyncio.gather(read_until(person, until), crowd)
    finally:
        await person.aclose()
    q50, a50 = percentile(quiet, 0.5), percentile(attacked, 0.5)
    print(f"{'':<26} {'reads':>6} {'p50 ms':>8} {'p95 ms':>8}")
    print(f"{'quiet (baseline)':<26} {len(quiet):6d} {q50:8.1f} {percentile(quiet, 0.95):8.1f}")
    print(
        f"{f'{attackers} attackers':<26} {len(attacked):6d} {a50:8.1f}"
        f" {percentile(attacked, 0.95):8.1f}"
    )
    print(f"p50 attacked / quiet: {a50 / q50:.1f} x (target < 5 x)")
    total = sum(seen.values())
    print(f"login attempts answered: {total} ({total / seconds:.0f}/s)")
    for kind, count in seen.most_common():
        print(f"  {kind:<24} {count:6d}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--attackers", type=int, default=60)
    parser.add_argument("--seconds", type=float, default=20.0, help="each phase")
    args = parser.parse_args()
    attackers = max(1, min(args.attackers, 200))
    seconds = max(2.0, min(args.seconds, 120.0))
    with tempfile.TemporaryDirectory(prefix="filrouge-bench-") as tmp:
        database = Path(tmp) / "bench.db"
        populate(database, ["BENCH000"], PIN)
        port = free_port()
        command = [sys.executable, "-m", "bot.cli", "serve", "--port", str(port)]
        server = start(command, env_for(database), port)
        try:
            print(f"argon2 64 MiB x 3 passes, 16 web threads, {seconds:.0f} s per phase")
            asyncio.run(run(f"http://{HOST}:{port}", attackers, seconds))
            print(f"server peak RSS: {peak_rss_mib(server.pid):.0f} MiB (target < 400 MB)")
        finally:
            server.terminate()
            server.wait(timeout=30)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
