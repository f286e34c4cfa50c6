"""`filrouge counsellor ...` and `filrouge purge`, run as an administrator would."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

from fastapi.testclient import TestClient
from sqlmodel import select

from bot.app import compose, create_app
from storage.database import make_engine, read_session, write_transaction
from storage.models import Person
from storage.persons import get_person_by_code
from tests.bot.test_cli import facility, filrouge
from tests.console.desk import Desk
from tests.services import make_settings


def database_with_a_person(tmp_path: Path) -> Path:
    database = tmp_path / "facility.db"
    facility(database)
    added = filrouge(
        "person", "add", "--first-name", "Démo", "--last-name", "Cli", "--code", "AB3K7Q",
        database=database,
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    return database


def test_an_account_added_with_a_drawn_password_logs_in_to_the_console(tmp_path: Path) -> None:
    database = database_with_a_person(tmp_path)
    added = filrouge(
        "counsellor", "add", "cpip.cli", "--name", "CPIP de la ligne", database=database
    )
    assert added.returncode == 0, added.stderr
    assert "Account cpip.cli created (cpip)." in added.stdout
    found = re.search(r"Password \(shown once, give it to its owner\): (\S+)", added.stdout)
    assert found is not None
    assigned = filrouge("counsellor", "assign", "cpip.cli", "ab3k7q", database=database)
    assert "cpip.cli follows AB3K7Q." in assigned.stdout
    services = compose(make_settings(f"sqlite:///{database}"))
    try:
        with TestClient(create_app(services=services), base_url="http://console.test") as client:
            desk = Desk(client)
            assert desk.log_in("cpip.cli", found.group(1)).status_code == 303
            assert "AB3K7Q" in desk.get("/console").text
    finally:
        services.close()


def test_an_account_with_a_given_password_an_admin_listed_then_disabled(tmp_path: Path) -> None:
    database = database_with_a_person(tmp_path)
    added = filrouge(
        "counsellor", "add", "admin.cli", "--name", "Admin", "--role", "admin",
        "--password", "une-phrase-de-passe", database=database,
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    assert "Password" not in added.stdout
    short = filrouge(
        "counsellor", "add", "x.cli", "--name", "X", "--password", "court", database=database
    )
    assert short.returncode == 1
    assert "a password has at least 12 characters" in short.stderr
    listed = filrouge("counsellor", "list", database=database)
    assert re.search(r"admin\.cli\s+admin\s+0 persons\s+active\s+Admin", listed.stdout)
    off = filrouge("counsellor", "deactivate", "admin.cli", database=database)
    assert "Account admin.cli disabled; its console sessions are ended." in off.stdout
    assert re.search(
        r"admin\.cli\s+admin\s+0 persons\s+disabled \d{4}-\d\d-\d\d",
        filrouge("counsellor", "list", database=database).stdout,
    )
    nobody = filrouge("counsellor", "deactivate", "nobody", database=database)
    assert nobody.returncode == 1


def test_purge_lists_then_erases_the_follow_ups_ended_long_ago(tmp_path: Path) -> None:
    database = database_with_a_person(tmp_path)
    engine = make_engine(f"sqlite:///{database}")
    with write_transaction(engine) as session:
        person = get_person_by_code(session, "AB3K7Q")
        assert person is not None
        person.followup_ended_at = datetime.now(UTC) - timedelta(days=400)
        session.add(person)
    engine.dispose()
    dry = filrouge("purge", "--dry-run", database=database)
    assert dry.returncode == 0, dry.stderr
    assert "Would erase 1 person(s) whose follow-up ended more than 12 months ago:" in dry.stdout
    assert "AB3K7Q  follow-up ended" in dry.stdout
    done = filrouge("purge", database=database)
    assert "Erased 1 person(s)" in done.stdout
    again = filrouge("purge", database=database)
    assert "Nothing to purge" in again.stdout
    engine = make_engine(f"sqlite:///{database}")
    with read_session(engine) as session:
        [kept] = session.exec(select(Person)).all()
    engine.dispose()
    assert (kept.code, kept.first_name, kept.erased_at is not None) == (
        f"ERASED{kept.id}",
        "",
        True,
    )
