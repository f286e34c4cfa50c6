"""Backups as an administrator lives them: `filrouge backup` while the service holds
data, a bad day, `filrouge restore`, and everything the backup held is back (and only
that), on SQLite and on PostgreSQL; `filrouge keys new` for a server install."""

from __future__ import annotations

import base64
import stat
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.cli import main
from bot.kiosk.login import Outcome, log_in
from bot.services import build
from bot.settings import Settings
from tests.services import TEST_KEY


@dataclass
class Done:
    status: int
    out: str
    err: str


Run = pytest.CaptureFixture[str]


def filrouge(capsys: Run, *argv: str) -> Done:
    status = main(list(argv))
    captured = capsys.readouterr()
    return Done(status, captured.out, captured.err)


@pytest.fixture
def install(db_url: str, monkeypatch: pytest.MonkeyPatch, capsys: Run) -> str:
    """An install with a facility and one person, Avant Sauvegarde (AVANT1, PIN 246810)."""
    monkeypatch.setenv("FILROUGE_DATABASE_URL", db_url)
    monkeypatch.setenv("FILROUGE_SECRET_KEY", TEST_KEY)
    monkeypatch.setenv("FILROUGE_ARGON2_TIME_COST", "1")
    monkeypatch.setenv("FILROUGE_ARGON2_MEMORY_KIB", "64")
    assert filrouge(capsys, "facility", "add", "lille", "--name", "InSERRE Lille").status == 0
    added = filrouge(
        capsys, "person", "add", "--facility", "lille", "--first-name", "Avant",
        "--last-name", "Sauvegarde", "--code", "AVANT1", "--pin", "246810",
    )  # fmt: skip
    assert added.status == 0, added.err
    return db_url


def codes(capsys: Run) -> list[str]:
    listed = filrouge(capsys, "person", "list")
    assert listed.status == 0, listed.err
    return [line.split()[0] for line in listed.out.splitlines()[1:-1]]


def test_a_backup_put_back_brings_back_what_it_held_and_only_that(
    install: str, tmp_path: Path, capsys: Run
) -> None:
    target = tmp_path / "filrouge-lundi.backup"
    made = filrouge(capsys, "backup", str(target))

    assert made.status == 0, made.err
    assert made.out.startswith(f"Backup written: {target} (")
    assert "The secret key is not in it" in made.out
    assert stat.S_IMODE(target.stat().st_mode) == 0o600

    # A bad day: a person added by mistake, the one who was there reset.
    after = filrouge(
        capsys, "person", "add", "--facility", "lille", "--first-name", "Après",
        "--last-name", "Sauvegarde", "--code", "APRES1", "--pin", "135790",
    )  # fmt: skip
    assert after.status == 0, after.err
    assert filrouge(capsys, "person", "reset-pin", "AVANT1", "--pin", "999999").status == 0
    assert codes(capsys) == ["APRES1", "AVANT1"]

    restored = filrouge(capsys, "restore", str(target), "--yes")

    assert restored.status == 0, restored.err
    assert restored.out == f"Restored from {target}; the database is up to date.\n"
    assert codes(capsys) == ["AVANT1"]
    services = build(Settings(argon2_time_cost=1, argon2_memory_kib=64))
    try:
        assert log_in(services, "AVANT1", "246810").outcome is Outcome.OK  # the PIN it held
    finally:
        services.close()


def test_restore_refuses_what_is_not_a_backup_and_loses_nothing(
    install: str, tmp_path: Path, capsys: Run
) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("pas une sauvegarde\n")

    refused = filrouge(capsys, "restore", str(notes), "--yes")
    missing = filrouge(capsys, "restore", str(tmp_path / "absent.backup"), "--yes")

    assert refused.status == 1
    assert refused.err.startswith("filrouge: nothing restored: ")
    assert str(notes) in refused.err
    assert missing.status == 1
    assert "there is no backup file" in missing.err
    assert codes(capsys) == ["AVANT1"]


def test_restore_asks_before_replacing_everything(
    install: str, tmp_path: Path, capsys: Run
) -> None:
    target = tmp_path / "filrouge.backup"
    assert filrouge(capsys, "backup", str(target)).status == 0

    unconfirmed = filrouge(capsys, "restore", str(target))  # no terminal to answer on

    assert unconfirmed.status == 1
    assert "add --yes to confirm" in unconfirmed.err
    assert "Nothing restored." in unconfirmed.err


def test_a_backup_never_overwrites_a_file(install: str, tmp_path: Path, capsys: Run) -> None:
    target = tmp_path / "hier.backup"
    target.write_bytes(b"yesterday's backup")

    again = filrouge(capsys, "backup", str(target))

    assert again.status == 1
    assert "already exists: choose a new file name" in again.err
    assert target.read_bytes() == b"yesterday's backup"


def test_keys_new_prints_a_key_the_service_accepts(
    monkeypatch: pytest.MonkeyPatch, capsys: Run
) -> None:
    first = filrouge(capsys, "keys", "new")
    second = filrouge(capsys, "keys", "new")

    assert first.status == 0
    key = first.out.strip()
    assert len(base64.b64decode(key, validate=True)) == 32
    assert key != second.out.strip()
    assert "FILROUGE_SECRET_KEY" in first.err
    monkeypatch.setenv("FILROUGE_SECRET_KEY", key)
    assert Settings().secret_key is not None


def test_the_files_the_commands_create_are_for_the_service_user_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Run
) -> None:
    database = tmp_path / "filrouge.db"
    monkeypatch.setenv("FILROUGE_DATABASE_URL", f"sqlite:///{database}")
    monkeypatch.delenv("FILROUGE_SECRET_KEY", raising=False)

    assert filrouge(capsys, "db", "upgrade").status == 0
    assert filrouge(capsys, "facility", "add", "lille", "--name", "InSERRE Lille").status == 0

    made = {path.name: stat.S_IMODE(path.stat().st_mode) for path in tmp_path.iterdir()}
    assert made["filrouge.db"] == 0o600
    assert made["filrouge.key"] == 0o600
    assert set(made.values()) == {0o600}  # its journal files too
