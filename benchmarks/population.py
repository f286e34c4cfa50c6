"""What both benchmarks start from: a fresh SQLite database with N persons.

Logins are not what is measured: PINs get the cheapest argon2 hash.
"""

from __future__ import annotations

import socket
import sys
from pathlib import Path

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
