"""What both benchmarks start from: a fresh SQLite database with N persons.

Logins are not what is measured: PINs get the cheapest argon2 hash.
"""

from __future__ import annotations

import contextlib
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


def populate(
    database: Path | str,
    codes: list[str],
    pin: str,
    telegram_ids: list[int] | None = None,
    secret_key: str | None = None,
) -> None:
    """Migrate `database` (a SQLite file, or a database URL) and create a person per
    code, linked to a Telegram id if given. A server database needs `secret_key`."""
    sys.path.insert(0, str(ROOT))
    from bot.passwords import Hasher
    from bot.settings import Settings
    from storage.database import make_engine, write_transaction
    from storage.enums import Channel
    from storage.migrate import upgrade
    from storage.persons import attach_identity, create_facility, create_person
    from storage.rows import id_of

    url = database if isinstance(database, str) else f"sqlite:///{database}"
    settings = Settings.model_validate(
        {
            "database_url": url,
            "argon2_time_cost": 1,
            "argon2_memory_kib": 64,
            "secret_key": secret_key,
        }
    )
    upgrade(settings.database_url)
    engine = make_engine(settings.database_url)
    pin_hash = Hasher(settings).hash(pin)
    with write_transaction(engine) as session:
        facility = create_facility(session, "bench", "Benchmark")
        for n, code in enumerate(codes):
            person = create_person(session, id_of(facility), code, "Bench", code, "fr", pin_hash)
            if telegram_ids is not None:
                attach_identity(session, id_of(person), Channel.TELEGRAM, str(telegram_ids[n]))
    engine.dispose()


def start(
    command: list[str], env: dict[str, str], port: int, ready: str = "/healthz"
) -> subprocess.Popen[bytes]:
    """Start a server (`command`) and wait, at most a minute, until `ready` answers."""
    process = subprocess.Popen(
        command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://{HOST}:{port}{ready}", timeout=1).status_code < 500:
                return process
        except httpx.TransportError:
            time.sleep(0.1)
    process.kill()
    raise SystemExit(f"the server on port {port} did not start")


def peak_rss_mib(pid: int) -> float:
    """The peak RSS of a process and of its children (uvicorn's workers), summed."""
    pids = [pid]
    children = Path(f"/proc/{pid}/task/{pid}/children")
    if children.exists():
        pids += [int(c) for c in children.read_text().split()]
    total = 0.0
    for one in pids:
        with contextlib.suppress(FileNotFoundError):
            for line in Path(f"/proc/{one}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    total += int(line.split()[1]) / 1024
    return total


def percentile(values: list[float], q: float) -> float:
    """The `q` quantile of durations in seconds, in milliseconds (NaN for none)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000
