"""The rows of the moment are deleted once old, and only those: what is still
pending (an update not handled, a message not sent, a wait still running, an open
session) stays, on SQLite and PostgreSQL."""

from __future__ import annotations

import shutil
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine
from sqlmodel import func, select

from storage.database import make_engine, read_session, write_transaction
from storage.housekeeping import Swept, sweep
from storage.models import KioskSession, LinkAttempt, LoginThrottle, Outbox, TelegramUpdate
from storage.persons import create_facility

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
CUTOFF = NOW - timedelta(days=30)
OLD = NOW - timedelta(days=45)
RECENT = NOW - timedelta(days=2)


def counts(engine: Engine) -> dict[str, int]:
    with read_session(engine) as session:
        return {
            model.__name__: session.exec(select(func.count()).select_from(model)).one()
            for model in (KioskSession, TelegramUpdate, LinkAttempt, Outbox, LoginThrottle)
        }


def fill(engine: Engine, person_id: int) -> None:
    with write_transaction(engine) as session:
        for n, (seen, ended) in enumerate(
            [(OLD, OLD), (OLD, None), (RECENT, RECENT), (RECENT, None), (OLD, RECENT)]
        ):
            session.add(
                KioskSession(
                    token_hash=f"{n:064d}", person_id=person_id, csrf_token="x",
                    created_at=seen, last_seen_at=seen, ended_at=ended,
                )
            )  # fmt: skip
        session.add(TelegramUpdate(update_id=1, at=OLD, done_at=OLD))
        session.add(TelegramUpdate(update_id=2, at=OLD, payload="{}"))  # never handled: kept
        session.add(TelegramUpdate(update_id=3, at=RECENT, done_at=RECENT))
        session.add(LinkAttempt(telegram_user_id="42", at=OLD))
        session.add(LinkAttempt(telegram_user_id="42", at=RECENT))
        for sent, failed, created in [
            (OLD, None, OLD),
            (None, OLD, OLD),
            (None, None, OLD),
            (RECENT, None, RECENT),
        ]:
            session.add(
                Outbox(person_id=person_id, chat_id=42, payload={}, entry={},
                       created_at=created, not_before=created, sent_at=sent, failed_at=failed)
            )  # fmt: skip
        session.add(LoginThrottle(key="a", code_key="c", failures=3, updated_at=OLD))
        session.add(
            LoginThrottle(key="b", code_key="c", failures=9, updated_at=OLD, wait_until=NOW + timedelta(days=1))
        )  # fmt: skip
        session.add(LoginThrottle(key="c", code_key="c", failures=1, updated_at=RECENT))


def test_a_dry_run_counts_what_would_go_and_deletes_nothing(engine: Engine, person_id: int) -> None:
    fill(engine, person_id)
    before = counts(engine)

    with write_transaction(engine) as session:
        told = sweep(session, CUTOFF, dry_run=True)

    assert told == Swept(
        kiosk_sessions=2, telegram_updates=1, link_attempts=1, outbox=2, login_waits=1
    )
    assert told.total == 7
    assert counts(engine) == before


def test_the_sweep_deletes_the_old_rows_and_keeps_what_is_pending(
    engine: Engine, person_id: int
) -> None:
    fill(engine, person_id)

    with write_transaction(engine) as session:
        swept = sweep(session, CUTOFF)

    assert swept.total == 7
    assert counts(engine) == {
        "KioskSession": 3,  # recent, open and recent, ended recently
        "TelegramUpdate": 2,  # the one never handled, the recent one
        "LinkAttempt": 1,
        "Outbox": 2,  # the one still to send, the recent one
        "LoginThrottle": 2,  # the wait still running, the recent count
    }
    with write_transaction(engine) as session:
        assert sweep(session, CUTOFF).total == 0  # again: nothing left to sweep


def _leftover_after_delete(database: Path, engine: Engine | None) -> bool:
    """Write then delete a facility; whether its name is still somewhere in the file."""
    if engine is None:  # the control: plain SQLite with secure_delete off
        raw = sqlite3.connect(database)
        raw.execute("PRAGMA secure_delete = OFF")
        raw.execute(
            "INSERT INTO facility (code, name, created_at) VALUES ('gone', ?, '2026-11-30')",
            (MARKER,),
        )
        raw.commit()
        raw.execute("DELETE FROM facility WHERE code = 'gone'")
        raw.commit()
        raw.close()
    else:
        with write_transaction(engine) as session:
            create_facility(session, "gone", MARKER)
        with write_transaction(engine) as session:
            session.connection().exec_driver_sql("DELETE FROM facility WHERE code = 'gone'")
        with engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        engine.dispose()
    return MARKER.encode() in database.read_bytes()


MARKER = "Nom-a-effacer-7Q4"


def test_what_is_deleted_on_sqlite_is_not_left_readable_in_the_file(
    migrated_sqlite: Path, tmp_path: Path
) -> None:
    control, ours = tmp_path / "control.db", tmp_path / "filrouge.db"
    shutil.copy(migrated_sqlite, control)
    shutil.copy(migrated_sqlite, ours)

    assert _leftover_after_delete(control, None)  # what a delete leaves without it
    assert not _leftover_after_delete(ours, make_engine(f"sqlite:///{ours}"))
