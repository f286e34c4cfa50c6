"""The `filrouge` command, run as an administrator would run it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sqlmodel import select

from storage.database import make_engine, read_session
from storage.models import ChannelIdentity, Person

BROKEN_FLOW = """\
id: broken
version: 1
title: "Un flux cassé"
recovery: start
steps:
  - id: start
    say: "Bonjour."
    source: fil-rouge
    next: nowhere
"""


def filrouge(*args: str, database: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "FILROUGE_ARGON2_TIME_COST": "1", "FILROUGE_ARGON2_MEMORY_KIB": "64"}
    if database is not None:
        env["FILROUGE_DATABASE_URL"] = f"sqlite:///{database}"
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


def test_flows_check_passes_on_the_shipped_flows() -> None:
    done = filrouge("flows", "check")

    assert done.returncode == 0, done.stderr
    assert "0 error(s)" in done.stdout


def test_flows_check_names_the_file_and_line_of_a_dangling_target(tmp_path: Path) -> None:
    flow = tmp_path / "broken.yaml"
    flow.write_text(BROKEN_FLOW, encoding="utf-8")

    done = filrouge("flows", "check", str(flow))

    assert done.returncode == 1
    assert f"{flow}:6:" in done.stderr
    assert "'nowhere'" in done.stderr


def test_flows_check_reports_invalid_yaml_with_its_line(tmp_path: Path) -> None:
    flow = tmp_path / "bad.yaml"
    flow.write_text("id: bad\nsteps:\n  - id: [unclosed\n", encoding="utf-8")

    done = filrouge("flows", "check", str(flow))

    assert done.returncode == 1
    assert f"{flow}:" in done.stderr
    assert "not valid YAML" in done.stderr


def test_flows_check_refuses_a_missing_file(tmp_path: Path) -> None:
    done = filrouge("flows", "check", str(tmp_path / "absent.yaml"))

    assert done.returncode == 1
    assert "no such file" in done.stderr


def test_db_upgrade_then_person_add_creates_a_person_who_can_log_in(tmp_path: Path) -> None:
    database = tmp_path / "facility.db"
    assert filrouge("db", "upgrade", database=database).returncode == 0

    done = filrouge(
        "person", "add", "--first-name", "Prénom", "--last-name", "Nom", "--code", "ab3k7q",
        "--pin", "4821", "--language", "ar", database=database,
    )  # fmt: skip

    assert done.returncode == 0, done.stderr
    assert "Kiosk code: AB3K7Q  PIN: 4821" in done.stdout
    engine = make_engine(f"sqlite:///{database}")
    with read_session(engine) as session:
        person = session.exec(select(Person)).one()
        identity = session.exec(select(ChannelIdentity)).one()
    engine.dispose()
    assert person.language == "ar"
    assert identity.external_id == "AB3K7Q"
    assert identity.secret_hash is not None
    assert "4821" not in identity.secret_hash


def test_person_add_refuses_a_code_already_used(tmp_path: Path) -> None:
    database = tmp_path / "facility.db"
    filrouge("db", "upgrade", database=database)
    args = ("person", "add", "--first-name", "A", "--last-name", "B", "--code", "SAME22")
    filrouge(*args, database=database)

    again = filrouge(*args, database=database)

    assert again.returncode == 1
    assert "already used" in again.stderr


def test_person_add_refuses_a_pin_that_is_not_digits(tmp_path: Path) -> None:
    database = tmp_path / "facility.db"
    filrouge("db", "upgrade", database=database)

    done = filrouge(
        "person", "add", "--first-name", "A", "--last-name", "B", "--pin", "12ab", database=database
    )

    assert done.returncode == 2
    assert "4 to 8 digits" in done.stderr
