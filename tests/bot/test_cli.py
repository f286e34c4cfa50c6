"""The `filrouge` command, run as an administrator would run it."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from sqlmodel import select

from bot.app import compose
from bot.linking import LinkOutcome, redeem
from storage.database import make_engine, read_session
from storage.models import ChannelIdentity, Person
from tests.services import TEST_KEY, make_settings

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
    env = {
        **os.environ,
        "FILROUGE_ARGON2_TIME_COST": "1",
        "FILROUGE_ARGON2_MEMORY_KIB": "64",
        "FILROUGE_SECRET_KEY": TEST_KEY,
    }
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


def facility(database: Path, code: str = "demo") -> None:
    """A migrated database with one facility (persons are added to a known facility)."""
    assert filrouge("db", "upgrade", database=database).returncode == 0
    done = filrouge("facility", "add", code, "--name", "InSERRE démo", database=database)
    assert done.returncode == 0, done.stderr


def test_db_upgrade_then_person_add_creates_a_person_who_can_log_in(tmp_path: Path) -> None:
    database = tmp_path / "facility.db"
    facility(database)

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
    facility(database)
    args = ("person", "add", "--first-name", "A", "--last-name", "B", "--code", "SAME22")
    filrouge(*args, database=database)

    again = filrouge(*args, database=database)

    assert again.returncode == 1
    assert "already used" in again.stderr


def test_person_add_refuses_a_pin_that_is_not_digits(tmp_path: Path) -> None:
    database = tmp_path / "facility.db"
    facility(database)

    done = filrouge(
        "person", "add", "--first-name", "A", "--last-name", "B", "--pin", "12ab", database=database
    )

    assert done.returncode == 2
    assert "4 to 8 digits" in done.stderr


def person_with_code(database: Path, code: str = "AB3K7Q") -> None:
    facility(database)
    done = filrouge(
        "person", "add", "--first-name", "Démo", "--last-name", "Exemple", "--code", code,
        "--pin", "4821", database=database,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr


def test_link_code_prints_a_code_that_links_and_writes_a_printable_release_sheet(
    tmp_path: Path,
) -> None:
    database = tmp_path / "facility.db"
    person_with_code(database)

    done = filrouge("person", "link-code", "ab3k7q", "--out", str(tmp_path / "sheets"),
                    database=database)  # fmt: skip

    assert done.returncode == 0, done.stderr
    shown = re.search(r"code for AB3K7Q: ([A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{2})", done.stdout)
    assert shown is not None, done.stdout
    code = shown.group(1).replace("-", "")
    assert f"https://t.me/FilRougeBot?start={code}" in done.stdout
    assert re.search(r"Valid until: \w+ \d+ \w+ 20\d\d à \d+ h \d\d", done.stdout)
    sheet = (tmp_path / "sheets" / "release-sheet-AB3K7Q.html").read_text(encoding="utf-8")
    assert shown.group(1) in sheet
    assert "<svg" in sheet
    assert "Installez Telegram." in sheet
    assert "Démo Exemple" in sheet
    assert "<script" not in sheet
    assert not re.search(r"""(src|href)=["']?https?:""", sheet), "no external resource"
    services = compose(make_settings(f"sqlite:///{database}"))
    try:
        assert redeem(services, "555001", shown.group(1)).outcome is LinkOutcome.LINKED
    finally:
        services.close()


def test_link_code_refuses_an_unknown_person(tmp_path: Path) -> None:
    database = tmp_path / "facility.db"
    person_with_code(database)

    done = filrouge("person", "link-code", "ZZZZZZ", "--out", str(tmp_path), database=database)

    assert done.returncode == 1
    assert "no person has the code ZZZZZZ" in done.stderr
    assert list(tmp_path.glob("release-sheet-*")) == []


def test_release_marks_the_person_released_once(tmp_path: Path) -> None:
    database = tmp_path / "facility.db"
    person_with_code(database)

    first = filrouge("person", "release", "AB3K7Q", database=database)
    second = filrouge("person", "release", "AB3K7Q", database=database)

    assert first.returncode == 0, first.stderr
    assert "AB3K7Q is marked released" in first.stdout
    assert second.returncode == 0, second.stderr
    assert "already released" in second.stdout
    engine = make_engine(f"sqlite:///{database}")
    with read_session(engine) as session:
        person = session.exec(select(Person)).one()
    engine.dispose()
    assert person.released_at is not None


def test_release_refuses_an_unknown_person(tmp_path: Path) -> None:
    database = tmp_path / "facility.db"
    person_with_code(database)

    done = filrouge("person", "release", "NOBODY", database=database)

    assert done.returncode == 1
    assert "no person has the code NOBODY" in done.stderr


def test_flows_check_names_a_text_without_translation_unless_drafting(tmp_path: Path) -> None:
    flow = tmp_path / "draft.yaml"
    flow.write_text(
        'id: draft\nversion: 1\ntitle: "Un brouillon"\nrecovery: start\nsteps:\n'
        '  - id: start\n    say: "Un texte tout neuf."\n    source: fil-rouge\n',
        encoding="utf-8",
    )

    checked = filrouge("flows", "check", str(flow))
    drafting = filrouge("flows", "check", "--no-translations", str(flow))

    assert checked.returncode == 1
    assert f"{flow}:6: the text 'Un texte tout neuf.' has no ar translation" in checked.stderr
    assert drafting.returncode == 0, drafting.stderr


def test_the_release_sheet_is_in_the_persons_language(tmp_path: Path) -> None:
    database = tmp_path / "facility.db"
    facility(database)
    added = filrouge(
        "person", "add", "--first-name", "Démo", "--last-name", "Exemple", "--code", "AR2345",
        "--pin", "4821", "--language", "ar", database=database,
    )  # fmt: skip
    assert added.returncode == 0, added.stderr

    done = filrouge("person", "link-code", "AR2345", "--out", str(tmp_path), database=database)

    assert done.returncode == 0, done.stderr
    sheet = (tmp_path / "release-sheet-AR2345.html").read_text(encoding="utf-8")
    assert '<html lang="ar" dir="rtl">' in sheet
    assert "Installez Telegram." not in sheet  # translated, not French
    # Read left to right inside the Arabic sentence: "/start", never "start/".
    assert 'أو أرسل <bdi dir="ltr">/start</bdi> ثم الرمز' in sheet
    assert '<p class="code" dir="ltr"><bdi>' in sheet
    assert "<bdi>Démo Exemple</bdi>" in sheet
