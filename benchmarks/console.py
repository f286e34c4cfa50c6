"""The console under a national load: 1 000 000 messages over 5 000 persons.

Builds the database once per backend (SQLite file; a throwaway PostgreSQL cluster
with `--backend postgresql` or `both`), then measures, each with its percentiles:

* search inside one transcript (a person with 5 000 messages), and across an
  80-person caseload (`storage.search`: the blind index of keyed word hashes, accents
  folded; the text is sealed, as in service, and the index written with it);
* the same words looked for without the index, in the same run: every entry of the
  persons read, opened and its words compared (a `LIKE` cannot see sealed text);
* the server time to open the latest page of the 5 000-message transcript and the
  caseload page of 80 persons: the real app, in process (ASGI, no network), a
  counsellor logged in, each view written to the audit log as in production. Every
  person has an appointment done and one to come, and one in seven an open flag:
  the caseload reads them as it does in service.

Targets (issue 9): search p95 <= 100 ms; latest page <= 50 ms; caseload <= 50 ms.
Every loop is bounded; PostgreSQL listens on 127.0.0.1 only.

    .venv/bin/python benchmarks/console.py [--backend sqlite|postgresql|both]
        [--persons 5000] [--messages 1000000] [--caseload 80] [--long 5000] [--runs 200]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pydantic import SecretStr  # noqa: E402
from sqlalchemy import bindparam, insert, select, text  # noqa: E402
from starlette.types import ASGIApp, Receive, Scope, Send  # noqa: E402

from bot.app import compose, create_app  # noqa: E402
from bot.keys import new_key  # noqa: E402
from bot.services import open_engine  # noqa: E402
from bot.settings import Settings  # noqa: E402
from storage.blind_index import holds  # noqa: E402
from storage.counsellors import account_by_login  # noqa: E402
from storage.database import read_session  # noqa: E402
from storage.enums import (  # noqa: E402
    AppointmentStatus,
    Channel,
    Direction,
    FlagReason,
    Origin,
    Role,
)
from storage.migrate import upgrade  # noqa: E402
from storage.models import (  # noqa: E402
    Appointment,
    Assignment,
    ConversationState,
    Counsellor,
    Facility,
    Flag,
    Person,
    TranscriptEntry,
)
from storage.rows import table_of  # noqa: E402
from storage.search import index_entries, search, words_of  # noqa: E402

PG_BIN = Path(os.environ.get("FILROUGE_PG_BIN", "/usr/lib/postgresql/15/bin"))
LOGIN, PASSWORD = "bench.cpip", "bench-password-2026"
CHUNK = 20_000
START = datetime(2025, 1, 1, tzinfo=UTC)
SAID = [
    "oui", "non", "d'accord", "merci", "je ne sais pas", "aide", "menu",
    "j'ai perdu ma carte vitale", "je n'ai pas de logement à la sortie",
    "mon téléphone est cassé", "quand est mon rendez-vous au SPIP ?",
    "je voudrais travailler dans le bâtiment", "ma mère peut m'héberger",
    "je n'ai pas de papiers d'identité", "il me faut un RIB pour la CAF",
    "je cherche une formation de cuisinier", "est-ce que je garde mes droits ?",
]  # fmt: skip


@dataclass(frozen=True)
class World:
    url: str
    secret_key: str
    long_person: int
    caseload: list[int]
    words: list[str]


def corpus() -> list[str]:
    """What Fil rouge says: the French texts of the catalogs (flows, kiosk, bot)."""
    template = (ROOT / "locales" / "messages.pot").read_text(encoding="utf-8")
    found = re.findall(r'^msgid "(.+)"$', template, flags=re.M)
    return [t.replace("\\n", " ").replace('\\"', '"') for t in found if len(t) > 20]


def build(url: str, persons: int, messages: int, caseload: int, long: int) -> World:
    """Migrate and fill the database; the persons of the benchmark's caseload."""
    rng = random.Random(9)  # fixed data: the same database every run
    said_by_fil_rouge = corpus()
    upgrade(url)
    key = new_key()
    engine = open_engine(bench_settings(url, key))  # sealing, and writing the search index
    facility_t, person_t, entry_t = table_of(Facility), table_of(Person), table_of(TranscriptEntry)
    try:
        with engine.begin() as connection:
            facility = connection.execute(
                insert(facility_t).returning(facility_t.c.id),
                {"code": "bench", "name": "Benchmark", "created_at": START},
            ).scalar_one()
            rows = [
                {
                    "facility_id": facility, "code": f"P{n:06d}", "first_name": "Bench",
                    "last_name": f"Personne {n:05d}", "language": "fr", "created_at": START,
                }
                for n in range(persons)
            ]  # fmt: skip
            ids = list(
                connection.execute(insert(person_t).returning(person_t.c.id), rows).scalars()
            )
            counsellor = connection.execute(
                insert(table_of(Counsellor)).returning(table_of(Counsellor).c.id),
                {
                    "facility_id": facility, "login": LOGIN, "display_name": "CPIP bench",
                    "password_hash": "", "role": Role.CPIP, "created_at": START,
                    "failed_logins": 0,
                },
            ).scalar_one()  # fmt: skip
            followed = ids[:caseload]
            connection.execute(
                insert(table_of(Assignment)),
                [{"counsellor_id": counsellor, "person_id": p, "since": START} for p in followed],
            )
            connection.execute(
                insert(table_of(ConversationState)),
                [
                    {
                        "person_id": p, "version": 1, "updated_at": START,
                        "data": {"done": {"sante": ["css", "vitale"][: p % 3], "papiers": ["identite"]}},
                    }
                    for p in followed
                ],
            )  # fmt: skip
            now = datetime.now(UTC)
            connection.execute(
                insert(table_of(Appointment)),
                [
                    {
                        "person_id": p, "kind": "spip" if later else "health",
                        "start_at": now + timedelta(days=3 + p % 20) if later else START,
                        "duration_minutes": None, "place": "SPIP", "address": "",
                        "directions": "", "with_whom": "", "bring": "", "inside": False,
                        "origin": Origin.COUNSELLOR, "created_by": LOGIN,
                        "status": AppointmentStatus.PLANNED if later else AppointmentStatus.DONE,
                        "sequence": 0, "created_at": START, "updated_at": START,
                    }
                    for p in ids
                    for later in (False, True)
                ],
            )  # fmt: skip
            connection.execute(
                insert(table_of(Flag)),
                [
                    {
                        "person_id": p, "reason": FlagReason.COUNSELLOR, "appointment_id": None,
                        "at": START, "last_at": START, "times": 1, "detail": {},
                        "dealt_at": None, "dealt_by": None,
                    }
                    for p in ids
                    if p % 7 == 0
                ],
            )  # fmt: skip
        long_person = followed[0]
        plan = [long_person] * long + [
            rng.choice(ids[1:]) for _ in range(messages - long)
        ]  # who says each message
        rng.shuffle(plan)
        written = 0
        while written < messages:
            part = plan[written : written + CHUNK]
            rows = []
            for n, person in enumerate(part, start=written):
                mine = n % 2 == 0
                rows.append({
                    "person_id": person, "at": START + timedelta(seconds=20 * n),
                    "channel": Channel.KIOSK if n % 3 else Channel.TELEGRAM,
                    "direction": Direction.IN if mine else Direction.OUT,
                    "text": rng.choice(SAID) if mine else rng.choice(said_by_fil_rouge),
                    "payload": {}, "language": "fr",
                })  # fmt: skip
            with engine.begin() as connection:
                added = insert(entry_t).returning(entry_t.c.id, sort_by_parameter_order=True)
                entry_ids = connection.execute(added, rows).scalars().all()
                index_entries(
                    connection,
                    ((i, r["person_id"], r["text"]) for i, r in zip(entry_ids, rows, strict=True)),
                )
            written += len(part)
            print(f"\r  {written:>9,} messages written", end="", flush=True)
        print()
        with engine.begin() as connection:
            connection.execute(text("ANALYZE"))
    finally:
        engine.dispose()
    words = sorted(
        {w.lower() for line in said_by_fil_rouge + SAID for w in re.findall(r"\w{5,}", line)}
    )
    return World(url, key, long_person, followed, words)


def bench_settings(url: str, key: str) -> Settings:
    return Settings(
        database_url=url,
        argon2_time_cost=1,
        argon2_memory_kib=64,
        secret_key=SecretStr(key),  # a server database keeps no key file
    )


def queries(world: World, runs: int) -> list[str]:
    """What counsellors type: one word, sometimes two, sometimes only its start."""
    rng = random.Random(90)
    asked = []
    for n in range(runs):
        word = rng.choice(world.words)
        if n % 4 == 1:
            word = f"{word} {rng.choice(world.words)}"
        elif n % 4 == 2:
            word = word[:5]
        asked.append(word)
    return asked


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered) * 1000, p95 * 1000


def timed(runs: list[Callable[[], object]]) -> tuple[float, float]:
    for run in runs[:5]:  # warm the caches
        run()
    samples = []
    for run in runs:
        started = time.perf_counter()
        run()
        samples.append(time.perf_counter() - started)
    return percentiles(samples)


def measure(world: World, runs: int) -> list[tuple[str, float, float]]:
    engine = open_engine(bench_settings(world.url, world.secret_key))
    entry = table_of(TranscriptEntry)
    every = (
        select(entry.c.id, entry.c.text)
        .where(entry.c.person_id.in_(bindparam("ids", expanding=True)))
        .order_by(entry.c.id.desc())
    )
    asked = queries(world, runs)
    results: list[tuple[str, float, float]] = []

    def searching(ids: list[int], query: str) -> Callable[[], object]:
        def run() -> object:
            with read_session(engine) as session:
                return search(session, ids, query, limit=51)

        return run

    def scanning(ids: list[int], query: str) -> Callable[[], object]:
        wanted = words_of(query)

        def run() -> object:
            with read_session(engine) as session:
                rows = session.connection().execute(every, {"ids": ids})
                return [i for i, said in rows if holds(said, wanted)][:51]

        return run

    one = [world.long_person]
    results.append(
        ("search, one transcript (5 000 messages)", *timed([searching(one, q) for q in asked]))
    )
    results.append(("  without the index, same words", *timed([scanning(one, q) for q in asked])))
    results.append(
        ("search, 80-person caseload", *timed([searching(world.caseload, q) for q in asked]))
    )
    results.append(
        ("  without the index, same words", *timed([scanning(world.caseload, q) for q in asked]))
    )
    engine.dispose()

    from fastapi.testclient import TestClient

    services = compose(bench_settings(world.url, world.secret_key))
    try:
        with services.write() as tx:
            account = account_by_login(tx.session, LOGIN)
            if account is None:
                raise SystemExit(f"no account {LOGIN}: the database was not built here")
            account.password_hash = services.hasher.hash(PASSWORD)
            tx.session.add(account)
        timer = ServerTimer(create_app(services=services))
        with TestClient(timer, base_url="http://bench.test") as client:
            page = client.get("/console/login")
            token = re.search(r'name="csrf" value="([^"]+)"', page.text)
            form = {"login": LOGIN, "password": PASSWORD, "csrf": token.group(1) if token else ""}
            if client.post("/console/login", data=form, follow_redirects=False).status_code != 303:
                raise SystemExit("the benchmark's counsellor could not log in")

            def get(path: str) -> Callable[[], object]:
                def run() -> object:
                    response = client.get(path)
                    if response.status_code != 200:
                        raise SystemExit(f"{path} answered {response.status_code}")
                    return response

                return run

            pages = max(20, runs // 2)
            person = f"/console/persons/{world.long_person}"
            cases = [
                ("latest page, 5 000-message transcript", [get(person)] * pages),
                ("caseload page, 80 persons", [get("/console")] * pages),
                (
                    "search page, one transcript",
                    [get(f"{person}/search?q={q}") for q in asked[:pages]],
                ),
            ]
            for name, calls in cases:
                for call in calls[:5]:
                    call()
                timer.spent.clear()
                for call in calls:
                    call()
                results.append((f"{name} (server)", *percentiles(timer.spent)))
    finally:
        services.close()
    return results


class ServerTimer:
    """ASGI middleware: the time the app takes from a request to the end of its answer
    (what a counsellor waits for, without the network)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.spent: list[float] = []

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        await self.app(scope, receive, send)
        self.spent.append(time.perf_counter() - started)


@contextlib.contextmanager
def postgresql() -> Iterator[str]:
    """A throwaway cluster on 127.0.0.1 (initdb + pg_ctl), removed afterwards."""
    if not (PG_BIN / "pg_ctl").exists():
        raise SystemExit(f"PostgreSQL binaries not found in {PG_BIN} (apt install postgresql-15)")
    root = Path(tempfile.mkdtemp(prefix="filrouge-bench-pg-"))
    as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
    port = 55000 + os.getpid() % 5000

    def run(*args: str) -> None:
        subprocess.run([*as_postgres, *args], check=True, capture_output=True)

    data = root / "data"
    run(
        str(PG_BIN / "initdb"),
        "-D",
        str(data),
        "-A",
        "trust",
        "-U",
        "postgres",
        "-E",
        "UTF8",
        "--locale=C.UTF-8",
    )
    options = f"-c listen_addresses=127.0.0.1 -p {port} -k {root} -c fsync=off -c synchronous_commit=off -c shared_buffers=256MB"
    run(
        str(PG_BIN / "pg_ctl"),
        "start",
        "-w",
        "-D",
        str(data),
        "-l",
        str(root / "log"),
        "-o",
        options,
    )
    try:
        run(str(PG_BIN / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "bench")
        yield f"postgresql://postgres@127.0.0.1:{port}/bench"
    finally:
        run(str(PG_BIN / "pg_ctl"), "stop", "-m", "fast", "-D", str(data))
        shutil.rmtree(root, ignore_errors=True)


def report(backend: str, built: float, results: list[tuple[str, float, float]]) -> None:
    print(f"\n{backend}: built in {built:.0f} s")
    print(f"  {'':44} {'p50 ms':>8} {'p95 ms':>8}")
    for name, p50, p95 in results:
        print(f"  {name:44} {p50:8.1f} {p95:8.1f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="sqlite")
    parser.add_argument("--persons", type=int, default=5000)
    parser.add_argument("--messages", type=int, default=1_000_000)
    parser.add_argument("--caseload", type=int, default=80)
    parser.add_argument("--long", type=int, default=5000, help="messages of the long transcript")
    parser.add_argument("--runs", type=int, default=200, help="searches measured per case")
    args = parser.parse_args()
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    print(
        f"{args.messages:,} messages over {args.persons:,} persons; a caseload of "
        f"{args.caseload}; one transcript of {args.long:,}; {args.runs} searches per case"
    )
    for backend in backends:
        with (
            tempfile.TemporaryDirectory(prefix="filrouge-bench-") as folder,
            contextlib.ExitStack() as stack,
        ):
            if backend == "sqlite":
                url = f"sqlite:///{Path(folder) / 'console.db'}"
            else:
                url = stack.enter_context(postgresql())
            print(f"{backend}: building")
            started = time.perf_counter()
            world = build(url, args.persons, args.messages, args.caseload, args.long)
            built = time.perf_counter() - started
            report(backend, built, measure(world, args.runs))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
