"""Kiosk turns with one and two worker processes on PostgreSQL, against one on SQLite.

The same load as `kiosk_turns.py` (N kiosks walking the CSS flow over real HTTP,
saturated: no think time), in the same run, on three installs:

* SQLite, `filrouge serve` (one process: the embedded default, the baseline);
* PostgreSQL, `filrouge serve` (one process);
* PostgreSQL, `filrouge serve --workers 2` (two processes behind one port).

PostgreSQL is a throwaway cluster the benchmark starts (initdb, fsync off, a
random port on 127.0.0.1) and removes. Prints turns/s, the latency of a turn,
the peak RSS of the serving processes, and the scaling from one to two workers.
On a 2-core machine the load generator and PostgreSQL share the cores with the
workers: read the scaling with that in mind. Every loop is bounded in count and
time; only 127.0.0.1 is used.

    .venv/bin/python benchmarks/workers.py [--kiosks 50] [--seconds 15]
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

from kiosk_turns import PIN, Figures, load  # the folder of this script
from population import free_port, peak_rss_mib, percentile, populate, start

PG_BIN = Path(os.environ.get("FILROUGE_PG_BIN", "/usr/lib/postgresql/15/bin"))


def as_postgres() -> list[str]:
    return ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []


@contextlib.contextmanager
def postgres_cluster() -> Iterator[str]:
    """A throwaway PostgreSQL cluster; yields the URL of an empty database in it."""
    root = Path(tempfile.mkdtemp(prefix="filrouge-bench-pg-"))
    if os.geteuid() == 0:
        shutil.chown(root, "postgres")
    data, port = root / "data", free_port()
    run = as_postgres()
    subprocess.run(
        [*run, str(PG_BIN / "initdb"), "--no-sync", "-A", "trust", "-U", "postgres", str(data)],
        check=True,
        capture_output=True,
    )
    options = (
        f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200"
    )
    pg_ctl = [*run, str(PG_BIN / "pg_ctl"), "-D", str(data), "-l", str(root / "log")]
    subprocess.run(
        [*pg_ctl, "-o", options, "-w", "start"],
        check=True,
        capture_output=True,
    )
    try:
        subprocess.run(
            [*run, str(PG_BIN / "createdb"), "-h", "127.0.0.1", "-p", str(port), "bench"],
            check=True,
            capture_output=True,
        )
        yield f"postgresql://postgres@127.0.0.1:{port}/bench"
    finally:
        subprocess.run(
            [*run, str(PG_BIN / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
            check=False,
            capture_output=True,
        )
        shutil.rmtree(root, ignore_errors=True)


def env_for(url: str, key: str) -> dict[str, str]:
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith("FILROUGE_")},
        "FILROUGE_DATABASE_URL": url,
        "FILROUGE_SECRET_KEY": key,
        "FILROUGE_ARGON2_TIME_COST": "1",
        "FILROUGE_ARGON2_MEMORY_KIB": "64",
        "FILROUGE_KIOSK_IDLE_SECONDS": "3600",
    }


def measure(url: str, key: str, workers: int, kiosks: int, seconds: float) -> tuple[Figures, float]:
    codes = [f"BENCH{n:03d}" for n in range(kiosks)]
    populate(url, codes, PIN, secret_key=key)
    port = free_port()
    command = [sys.executable, "-m", "bot.cli", "serve", "--port", str(port)]
    if workers > 1:
        command += ["--workers", str(workers)]
    server = start(command, env_for(url, key), port)
    try:
        asyncio.run(load(port, codes, kiosks, min(3.0, seconds), 0.0))  # warm up, logged in
        figures = asyncio.run(load(port, codes, kiosks, seconds, 0.0))
        return figures, peak_rss_mib(server.pid)
    finally:
        server.terminate()
        server.wait(timeout=30)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--kiosks", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=15.0)
    args = parser.parse_args()
    kiosks = max(1, min(args.kiosks, 150))
    seconds = max(2.0, min(args.seconds, 120.0))
    if not (PG_BIN / "pg_ctl").exists():
        raise SystemExit(f"PostgreSQL server binaries not found in {PG_BIN}")
    key = base64.b64encode(os.urandom(32)).decode()
    print(
        f"{kiosks} kiosks, saturated (no think time), {seconds:.0f} s per install, {os.cpu_count()} cores"
    )
    print(
        f"{'':<30} {'turns/s':>8} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'RSS MiB':>8} {'err':>4}"
    )
    rates: dict[str, float] = {}
    for name, workers in (
        ("SQLite, 1 process", 1),
        ("PostgreSQL, 1 process", 1),
        ("PostgreSQL, 2 workers", 2),
    ):
        with contextlib.ExitStack() as stack:
            if name.startswith("SQLite"):
                folder = stack.enter_context(tempfile.TemporaryDirectory(prefix="filrouge-bench-"))
                url = f"sqlite:///{Path(folder) / 'bench.db'}"
            else:
                url = stack.enter_context(postgres_cluster())
            figures, rss = measure(url, key, workers, kiosks, seconds)
        t = figures.turns
        rates[name] = len(t) / seconds
        print(
            f"{name:<30} {rates[name]:8.1f} {percentile(t, 0.5):7.1f} {percentile(t, 0.95):7.1f}"
            f" {percentile(t, 0.99):7.1f} {rss:8.1f} {figures.errors:4d}"
        )
    one, two = rates["PostgreSQL, 1 process"], rates["PostgreSQL, 2 workers"]
    base = rates["SQLite, 1 process"]
    print(
        f"2 workers / 1 on PostgreSQL: {two / one:.2f} x; PostgreSQL 1 process / SQLite: {one / base:.2f} x"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
