"""Backups of the database, and putting one back.

SQLite: the online backup API copies a consistent snapshot page by page while
the service keeps running, into a file created 0600; putting it back copies it
the same way over the live database (other connections wait for the copy).
PostgreSQL: `pg_dump --format=custom` (a consistent snapshot too) and
`pg_restore`, after emptying the database's schema, in one transaction.

Either way a backup holds what the database holds, and not the service's secret
key (`bot.keys`): without the key, the PINs and link codes of a restored backup
cannot be checked. Restoring then brings the database to the code's migrations.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import URL, make_url


class BackupFailed(Exception):
    """A backup could not be made or put back: the message says why and what to do."""


@dataclass(frozen=True)
class Made:
    path: Path
    size: int
    revision: str | None
    """The migration the backed-up database was at."""


def backup(database_url: str, target: Path) -> Made:
    """Write a backup of the database at `database_url` to `target` (a new file, 0600)."""
    if target.exists():
        raise BackupFailed(f"{target} already exists: choose a new file name")
    if not target.parent.is_dir():
        raise BackupFailed(f"the folder {target.parent} does not exist: create it first")
    url = make_url(database_url)
    # Created empty and private first: the copy never exists with wider rights.
    os.close(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    try:
        if url.get_backend_name() == "sqlite":
            revision = _sqlite_backup(_sqlite_path(url), target)
        else:
            dump = [_pg_tool("pg_dump"), "--format=custom", "--no-owner", f"--file={target}"]
            _run([*dump, f"--dbname={_libpq(url)}"], url.password)
            revision = None
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    return Made(target, target.stat().st_size, revision)


def restore(database_url: str, source: Path) -> None:
    """Replace the database at `database_url` by the backup in `source`. The caller
    brings it to the code's migrations afterwards (`storage.migrate.upgrade`)."""
    if not source.is_file():
        raise BackupFailed(f"there is no backup file {source}")
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        _sqlite_restore(source, _sqlite_path(url))
        return
    _check_pg_backup(source)
    # The current schema is set aside, not dropped, until the backup is in.
    _pg_admin(
        url, b"ALTER SCHEMA public RENAME TO filrouge_before_restore", b"CREATE SCHEMA public"
    )
    try:
        restore_ = [_pg_tool("pg_restore"), "--no-owner", "--single-transaction", "--exit-on-error"]
        _run([*restore_, f"--dbname={_libpq(url)}", str(source)], url.password)
    except BaseException:
        _pg_admin(
            url,
            b"DROP SCHEMA public CASCADE",
            b"ALTER SCHEMA filrouge_before_restore RENAME TO public",
        )
        raise
    _pg_admin(url, b"DROP SCHEMA filrouge_before_restore CASCADE")


def backup_revision(source: Path) -> str | None:
    """The migration a SQLite backup is at (None for a PostgreSQL one, or unmigrated)."""
    if not _is_sqlite(source):
        return None
    with _read_only(source) as connection:
        return _revision_of(connection)


# --- SQLite ---------------------------------------------------------------------------


def _sqlite_path(url: URL) -> Path:
    if not url.database or url.database == ":memory:":
        raise BackupFailed("an in-memory database has nothing to back up")
    return Path(url.database).resolve()


def _sqlite_backup(database: Path, target: Path) -> str | None:
    if not database.exists():
        raise BackupFailed(f"there is no database {database}: check FILROUGE_DATABASE_URL")
    source = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
        return _revision_of(copy)
    finally:
        copy.close()
        source.close()


def _sqlite_restore(source: Path, database: Path) -> None:
    if not _is_sqlite(source):
        raise BackupFailed(f"{source} is not a SQLite backup of Fil rouge")
    with _read_only(source) as backup_db:
        checked = backup_db.execute("PRAGMA integrity_check").fetchone()
        if checked is None or checked[0] != "ok":
            raise BackupFailed(f"{source} is damaged (integrity check: {checked}): use another")
        if _revision_of(backup_db) is None:
            raise BackupFailed(f"{source} is not a backup of Fil rouge (no migration recorded)")
        live = sqlite3.connect(database, timeout=30)
        try:
            backup_db.backup(live)
        except sqlite3.OperationalError as error:
            raise BackupFailed(f"the database {database} could not be replaced: {error}") from error
        finally:
            live.close()


def _is_sqlite(path: Path) -> bool:
    with path.open("rb") as handle:
        return handle.read(16) == b"SQLite format 3\x00"


class _read_only:
    def __init__(self, path: Path) -> None:
        self.connection = sqlite3.connect(f"file:{path.resolve()}?mode=ro", uri=True)

    def __enter__(self) -> sqlite3.Connection:
        return self.connection

    def __exit__(self, *_exc: object) -> None:
        self.connection.close()


def _revision_of(connection: sqlite3.Connection) -> str | None:
    try:
        row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.DatabaseError:
        return None
    return None if row is None else str(row[0])


# --- PostgreSQL -----------------------------------------------------------------------


def _pg_tool(name: str) -> str:
    """`pg_dump` / `pg_restore` from the PATH, else from the newest server install."""
    found = shutil.which(name)
    if found:
        return found
    installed = sorted(
        Path("/usr/lib/postgresql").glob(f"*/bin/{name}"),
        key=lambda p: int(p.parts[-3]) if p.parts[-3].isdigit() else 0,
    )
    if installed:
        return str(installed[-1])
    raise BackupFailed(f"{name} is not installed: apt install postgresql-client")


def _libpq(url: URL) -> str:
    """The URL as libpq reads it (no driver name, no password: that goes by PGPASSWORD)."""
    plain = url.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False)


def _run(command: list[str], password: str | None) -> None:
    env = dict(os.environ)
    if password:
        env["PGPASSWORD"] = password
    done = subprocess.run(  # noqa: S603 - an argument list, no shell
        command, capture_output=True, text=True, env=env, check=False
    )
    if done.returncode != 0:
        said = (done.stderr or done.stdout).strip().splitlines()
        raise BackupFailed(
            f"{Path(command[0]).name} failed: {said[-1] if said else done.returncode}"
        )


def _check_pg_backup(source: Path) -> None:
    with source.open("rb") as handle:
        if handle.read(5) != b"PGDMP":
            raise BackupFailed(f"{source} is not a PostgreSQL backup (made by `filrouge backup`)")
    listing = subprocess.run(  # noqa: S603 - an argument list, no shell
        [_pg_tool("pg_restore"), "--list", str(source)], capture_output=True, text=True, check=False
    )
    if listing.returncode != 0 or "alembic_version" not in listing.stdout:
        raise BackupFailed(f"{source} is not a backup of Fil rouge (no migration recorded)")


def _pg_admin(url: URL, *statements: bytes) -> None:
    """Run `statements` in one transaction on the database."""
    import psycopg

    with psycopg.connect(_libpq(url), password=url.password or None) as connection:
        for statement in statements:
            connection.execute(statement)
