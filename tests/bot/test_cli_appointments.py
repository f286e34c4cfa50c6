"""`filrouge appointment ...` and `filrouge flags`, run as a counsellor would run them:
clear messages and a non-zero status on bad input, nothing written then.

These run on the system clock (the command line has no other): every date is
chosen from today.
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

from storage.database import make_engine, read_session
from storage.models import Appointment, Reminder

PARIS = ZoneInfo("Europe/Paris")


def filrouge(database: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "FILROUGE_DATABASE_URL": f"sqlite:///{database}",
        "FILROUGE_ARGON2_TIME_COST": "1",
        "FILROUGE_ARGON2_MEMORY_KIB": "64",
    }
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


def last_sunday(year: int, month: int) -> date:
    """The last Sunday of a month: when the clocks change in March and October."""
    day = date(year, month + 1, 1) - timedelta(days=1)
    return day - timedelta(days=(day.weekday() + 1) % 7)


def next_change(month: int) -> date:
    """The next last Sunday of `month` from today (within two years)."""
    today = datetime.now(PARIS).date()
    for year in (today.year, today.year + 1):
        if last_sunday(year, month) > today + timedelta(days=1):
            return last_sunday(year, month)
    raise AssertionError("unreachable: there is one every year")


def in_days(days: int, clock: str = "14:30") -> str:
    return f"{(datetime.now(PARIS).date() + timedelta(days=days)).isoformat()} {clock}"


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database with Démo A (DEMO01), made once for the module."""
    path = tmp_path_factory.mktemp("cli") / "facility.db"
    assert filrouge(path, "db", "upgrade").returncode == 0
    facility = filrouge(path, "facility", "add", "demo", "--name", "InSERRE Démo")
    assert facility.returncode == 0, facility.stderr
    added = filrouge(
        path, "person", "add", "--first-name", "Démo", "--last-name", "A",
        "--code", "DEMO01", "--pin", "1234",
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    return path


def stored(database: Path) -> tuple[int, int]:
    """How many appointments and reminders the database holds."""
    engine = make_engine(f"sqlite:///{database}")
    try:
        with read_session(engine) as session:
            counted = (
                len(session.exec(select(Appointment)).all()),
                len(session.exec(select(Reminder)).all()),
            )
    finally:
        engine.dispose()
    return counted


def add(
    database: Path, at: str, *more: str, code: str = "DEMO01", kind: str = "spip"
) -> subprocess.CompletedProcess[str]:
    return filrouge(
        database, "appointment", "add", code, "--at", at, "--kind", kind, "--place", "SPIP", *more
    )


def test_a_counsellor_adds_an_appointment_and_sees_it_with_its_reminders(database: Path) -> None:
    done = add(
        database, in_days(10), "--address", "12 rue de la Gare", "--bring", "La convocation",
        "--with", "Votre CPIP", "--by", "cpip.demo",
    )  # fmt: skip

    assert done.returncode == 0, done.stderr
    assert "Appointment added; the person is told." in done.stdout
    assert f"{in_days(10)}  spip" in done.stdout
    assert "planned" in done.stdout
    for label in ("J-7", "J-1", "H-2", "follow-up"):
        assert label in done.stdout
    listed = filrouge(database, "appointment", "list", "DEMO01")
    assert in_days(10) in listed.stdout
    assert "SPIP, 12 rue de la Gare" in listed.stdout


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (("--at", "yesterday"), "is not a date and time written YYYY-MM-DD HH:MM"),
        (("--at", "2026-02-30 10:00"), "is not a date and time written YYYY-MM-DD HH:MM"),
        (("--at", "past"), "this time is already past"),
        (("--at", "far"), "more than two years ahead"),
        (("--at", "march"), "does not exist that night: the clocks go forward"),
        (("--at", "october"), "happens twice that night (the clocks go back"),
        (("--kind", "dentist"), "unknown kind 'dentist'; use one of: spip, jap, health"),
    ],
    ids=["words", "impossible", "past", "far", "march-02:30", "october-02:30", "kind"],
)
def test_bad_input_is_refused_with_what_to_fix_and_nothing_is_written(
    database: Path, args: tuple[str, str], said: str
) -> None:
    option, value = args
    at, kind = in_days(5), "spip"
    if option == "--kind":
        kind = value
    else:
        at = {
            "past": in_days(-1),
            "far": in_days(3 * 366),
            "march": f"{next_change(3).isoformat()} 02:30",
            "october": f"{next_change(10).isoformat()} 02:30",
        }.get(value, value)
    before = stored(database)

    done = add(database, at, kind=kind)

    assert done.returncode == 2
    assert said in done.stderr
    assert done.stdout == ""
    assert stored(database) == before


def test_an_unknown_person_or_appointment_is_named(database: Path) -> None:
    nobody = add(database, in_days(5), code="NOPE22")
    assert nobody.returncode == 1
    assert "no person has the code NOPE22" in nobody.stderr

    for action in (
        ("cancel", "424242"),
        ("done", "424242"),
        ("move", "424242", "--at", in_days(3)),
    ):
        done = filrouge(database, "appointment", *action)
        assert done.returncode == 1
        assert "no appointment 424242" in done.stderr


def test_move_cancel_and_done_are_kept_in_the_history(database: Path) -> None:
    added = add(database, in_days(20, "09:30"))
    number = added.stdout.split("#", 1)[1].split()[0]

    moved = filrouge(database, "appointment", "move", number, "--at", in_days(21, "10:00"))
    assert moved.returncode == 0, moved.stderr
    cancelled = filrouge(database, "appointment", "cancel", number, "--note", "juge absent")
    assert cancelled.returncode == 0, cancelled.stderr
    done = filrouge(database, "appointment", "done", number)
    assert done.returncode == 1
    assert "is cancelled" in done.stderr

    shown = filrouge(database, "appointment", "show", number).stdout
    history = shown.split("history:")[1].split("reminders:")[0]
    assert [line.split()[2] for line in history.strip().splitlines()] == [
        "planned",
        "planned",
        "cancelled",
    ]
    assert "juge absent" in history
    assert "cancelled (cancelled)" in shown.split("reminders:")[1]


def test_flags_are_listed_and_dealt_with(database: Path, tmp_path: Path) -> None:
    from bot.app import compose
    from bot.flags import raise_in
    from storage.enums import FlagReason
    from tests.services import make_settings

    services = compose(make_settings(f"sqlite:///{database}"))
    with services.write() as tx:
        flag_id = raise_in(tx, 1, FlagReason.COUNSELLOR, detail={"where": "css/intro"})
    services.close()

    listed = filrouge(database, "flags", "--open")
    assert listed.returncode == 0, listed.stderr
    [line] = [row for row in listed.stdout.splitlines() if row.startswith(f"#{flag_id} ")]
    assert "open" in line
    assert "DEMO01 Démo A  counsellor  where=css/intro" in line

    dealt = filrouge(database, "flags", "done", str(flag_id), "--by", "cpip.demo")
    assert dealt.returncode == 0, dealt.stderr
    assert "dealt with by cpip.demo" in dealt.stdout
    assert f"#{flag_id} " not in filrouge(database, "flags", "--open").stdout
    missing = filrouge(database, "flags", "done", "999999", "--by", "cpip.demo")
    assert missing.returncode == 1
    assert "no flag 999999" in missing.stderr
