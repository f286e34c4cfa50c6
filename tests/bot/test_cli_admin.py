"""The administrator's commands: list, find, show, unlock, reset, assign; facilities;
and `serve` as it starts. Run in the test process (`main(argv)`) on a copy of the demo
database, except `serve`, which runs as a program."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.cli import main
from bot.kiosk.login import Outcome, log_in
from bot.services import Services
from bot.turn import Inbound, run_turn
from dialogs.events import Said
from storage.counsellors import create_counsellor
from storage.enums import Channel
from storage.persons import get_facility_by_code
from storage.rows import id_of
from tests.conftest import ServicesFactory


@dataclass
class Done:
    """What a command did: its exit status and what it printed."""

    status: int
    out: str
    err: str


@pytest.fixture
def demo(make_services: ServicesFactory, monkeypatch: pytest.MonkeyPatch) -> Services:
    """The demo database (facility demo, DEMO01, DEMO02, cpip.demo), for the commands."""
    services = make_services(real_clock=True)  # the commands' clock
    monkeypatch.setenv("FILROUGE_DATABASE_URL", services.settings.database_url)
    monkeypatch.setenv("FILROUGE_ARGON2_TIME_COST", "1")
    monkeypatch.setenv("FILROUGE_ARGON2_MEMORY_KIB", "64")
    monkeypatch.delenv("FILROUGE_TELEGRAM_BOT_USERNAME", raising=False)
    return services


def filrouge_in(capsys: pytest.CaptureFixture[str], *argv: str) -> Done:
    status = main(list(argv))
    captured = capsys.readouterr()
    return Done(status, captured.out, captured.err)


Run = pytest.CaptureFixture[str]


def test_person_list_shows_every_person_with_facility_situation_and_counsellor(
    demo: Services, capsys: Run
) -> None:
    done = filrouge_in(capsys, "person", "list")

    assert done.status == 0, done.err
    lines = done.out.splitlines()
    assert lines[0].split() == ["CODE", "NAME", "FACILITY", "LANG", "SITUATION", "COUNSELLOR"]
    assert lines[1].split() == ["DEMO01", "Démo", "A", "demo", "fr", "inside", "cpip.demo"]
    assert lines[2].split() == ["DEMO02", "Démo", "B", "demo", "ar", "inside", "cpip.demo"]
    assert lines[-1] == "2 person(s)."


def test_person_list_filters_by_situation_facility_and_counsellor(
    demo: Services, capsys: Run
) -> None:
    assert filrouge_in(capsys, "person", "release", "DEMO02").status == 0

    released = filrouge_in(capsys, "person", "list", "--released")
    inside = filrouge_in(capsys, "person", "list", "--inside", "--facility", "demo")
    followed = filrouge_in(capsys, "person", "list", "--counsellor", "cpip.demo")

    assert [line.split()[0] for line in released.out.splitlines()[1:-1]] == ["DEMO02"]
    assert [line.split()[0] for line in inside.out.splitlines()[1:-1]] == ["DEMO01"]
    assert followed.out.splitlines()[-1] == "2 person(s)."


def test_person_list_refuses_an_unknown_facility_or_counsellor(demo: Services, capsys: Run) -> None:
    facility = filrouge_in(capsys, "person", "list", "--facility", "nope")
    counsellor = filrouge_in(capsys, "person", "list", "--counsellor", "nobody")

    assert facility.status == 1
    assert "there is no facility 'nope' (known: demo)" in facility.err
    assert counsellor.status == 1
    assert "no active counsellor has the login 'nobody'" in counsellor.err


def test_person_show_gives_the_situation_never_the_transcript(demo: Services, capsys: Run) -> None:
    run_turn(demo, Inbound(1, Channel.KIOSK, Said("mon secret est 4242"), "secret-message-1"))

    done = filrouge_in(capsys, "person", "show", "demo01")

    assert done.status == 0, done.err
    assert done.out.splitlines() == [
        "DEMO01: Démo A",
        "  Facility:    demo (InSERRE démo)",
        "  Situation:   inside",
        "  Language:    fr",
        "  Channels:    kiosk only (no phone linked: `filrouge person link-code`)",
        "  Kiosk login: can log in now",
        "  Counsellor:  cpip.demo (CPIP démo)",
    ]
    assert "secret" not in done.out


def test_a_person_slowed_by_wrong_pins_is_shown_waiting_and_let_in_at_once(
    demo: Services, capsys: Run
) -> None:
    for _ in range(demo.settings.pin_attempts):
        log_in(demo, "DEMO01", "0000", source="screen-1")
    assert log_in(demo, "DEMO01", "1234", source="screen-1").outcome is Outcome.SLOWED

    shown = filrouge_in(capsys, "person", "show", "DEMO01")
    unlocked = filrouge_in(capsys, "person", "unlock", "DEMO01")
    again = filrouge_in(capsys, "person", "unlock", "DEMO01")

    assert "  Kiosk login: wrong PINs: the next try waits until " in shown.out
    assert "`filrouge person unlock DEMO01` lifts it" in shown.out
    assert unlocked.out.strip() == (
        "DEMO01 can log in at the kiosk now: the waits after wrong PINs are lifted."
    )
    assert log_in(demo, "DEMO01", "1234", source="screen-1").outcome is Outcome.OK
    assert "had no wait to lift" in again.out


def test_reset_pin_prints_a_new_pin_that_works_and_the_old_one_no_longer_does(
    demo: Services, capsys: Run
) -> None:
    chosen = filrouge_in(capsys, "person", "reset-pin", "DEMO01", "--pin", "86420")
    drawn = filrouge_in(capsys, "person", "reset-pin", "DEMO02")

    assert chosen.out.startswith("New PIN for DEMO01: 86420")
    assert log_in(demo, "DEMO01", "86420").outcome is Outcome.OK
    assert log_in(demo, "DEMO01", "1234").outcome is Outcome.REFUSED
    pin = drawn.out.split("New PIN for DEMO02: ")[1].split()[0]
    assert pin.isdigit()
    assert len(pin) == 6  # six digits unless an administrator chooses
    assert log_in(demo, "DEMO02", pin).outcome is Outcome.OK


def test_reset_pin_refuses_a_pin_that_is_not_digits_or_an_unknown_person(
    demo: Services, capsys: Run
) -> None:
    short = filrouge_in(capsys, "person", "reset-pin", "DEMO01", "--pin", "12")
    nobody = filrouge_in(capsys, "person", "reset-pin", "NOBODY")

    assert (short.status, short.err.strip()) == (2, "filrouge: the PIN is 4 to 8 digits.")
    assert nobody.status == 1
    assert "no person has the code NOBODY" in nobody.err
    assert log_in(demo, "DEMO01", "1234").outcome is Outcome.OK  # nothing changed


def test_assign_adds_a_counsellor_once(demo: Services, capsys: Run) -> None:
    with demo.write() as tx:
        facility = get_facility_by_code(tx.session, "demo")
        assert facility is not None
        create_counsellor(tx.session, id_of(facility), "cpip.deux", "CPIP deux", "x", "cpip")

    first = filrouge_in(capsys, "person", "assign", "DEMO01", "--counsellor", "cpip.deux")
    second = filrouge_in(capsys, "person", "assign", "DEMO01", "--counsellor", "cpip.deux")
    unknown = filrouge_in(capsys, "person", "assign", "DEMO01", "--counsellor", "nobody")

    assert first.out.strip() == "cpip.deux now follows DEMO01 (also followed by cpip.demo)."
    assert second.out.strip() == "cpip.deux already follows DEMO01; nothing changed."
    assert unknown.status == 1
    shown = filrouge_in(capsys, "person", "show", "DEMO01").out
    assert "  Counsellor:  cpip.demo (CPIP démo), cpip.deux (CPIP deux)" in shown


def test_person_add_refuses_an_unknown_facility_and_lists_the_known_ones(
    demo: Services, capsys: Run
) -> None:
    done = filrouge_in(
        capsys, "person", "add", "--first-name", "A", "--last-name", "B", "--facility", "NOPE"
    )

    assert done.status == 1
    assert done.err.strip() == (
        "filrouge: there is no facility 'NOPE' (known: demo); "
        "create it with `filrouge facility add CODE --name NAME`."
    )
    assert filrouge_in(capsys, "facility", "list").out.count("\n") == 1  # NOPE not created


@pytest.mark.parametrize(("first", "last"), [("", "Nom"), ("Prénom", "   ")])
def test_person_add_refuses_an_empty_name(
    demo: Services, capsys: Run, first: str, last: str
) -> None:
    done = filrouge_in(capsys, "person", "add", "--first-name", first, "--last-name", last)

    assert done.status == 2
    assert "a person needs a first name and a last name" in done.err


def test_person_add_assigns_the_facility_s_default_counsellor(demo: Services, capsys: Run) -> None:
    done = filrouge_in(
        capsys, "person", "add", "--first-name", "Prénom", "--last-name", "Nom", "--code", "NEW123"
    )

    assert done.status == 0, done.err
    assert "Followed by cpip.demo (the default counsellor of demo)." in done.out
    assert "  Counsellor:  cpip.demo" in filrouge_in(capsys, "person", "show", "NEW123").out


def test_a_facility_without_default_counsellor_says_how_to_assign_one(
    demo: Services, capsys: Run
) -> None:
    created = filrouge_in(capsys, "facility", "add", "lille", "--name", "InSERRE Lille")
    again = filrouge_in(capsys, "facility", "add", "lille", "--name", "InSERRE Lille")
    added = filrouge_in(
        capsys, "person", "add", "--first-name", "P", "--last-name", "N", "--code", "LIL123",
        "--facility", "lille",
    )  # fmt: skip
    listed = filrouge_in(capsys, "facility", "list")

    assert created.out.strip() == "Facility lille (InSERRE Lille) created."
    assert again.status == 1
    assert "No counsellor follows them yet: `filrouge person assign LIL123" in added.out
    assert listed.out.splitlines() == [
        "demo  InSERRE démo  (default counsellor: cpip.demo)",
        "lille  InSERRE Lille  (default counsellor: none)",
    ]
    other = filrouge_in(
        capsys, "facility", "default-counsellor", "lille", "--counsellor", "cpip.demo"
    )
    assert other.status == 1
    assert "cpip.demo works in another facility than lille" in other.err


def test_link_code_warns_without_a_bot_username_and_writes_to_release_sheets(
    demo: Services, capsys: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)

    done = filrouge_in(capsys, "person", "link-code", "DEMO02")

    assert done.status == 0, done.err
    assert done.out.startswith("Warning: FILROUGE_TELEGRAM_BOT_USERNAME is not set")
    sheet = tmp_path / "release-sheets" / "release-sheet-DEMO02.html"
    assert f"Release sheet: {sheet}" in done.out
    assert sheet.is_file()
    monkeypatch.setenv("FILROUGE_TELEGRAM_BOT_USERNAME", "InserreBot")
    named = filrouge_in(capsys, "person", "link-code", "DEMO02", "--out", str(tmp_path / "x"))
    assert "Warning" not in named.out
    assert "https://t.me/InserreBot?start=" in named.out


# --- serve, as a program ------------------------------------------------------------------


def _serve(database: Path, port: int) -> subprocess.Popen[str]:
    env = {
        **os.environ,
        "FILROUGE_DATABASE_URL": f"sqlite:///{database}",
        "FILROUGE_ARGON2_TIME_COST": "1",
        "FILROUGE_ARGON2_MEMORY_KIB": "64",
    }
    env.pop("FILROUGE_TELEGRAM_TOKEN", None)
    return subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "serve", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def test_serve_refuses_a_busy_port_with_a_sentence_that_gives_port(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        server = _serve(tmp_path / "f.db", port)
        out, _ = server.communicate(timeout=60)

    assert server.returncode == 1
    assert f"the port {port} of 127.0.0.1 is already in use" in out
    assert f"--port {port + 1}" in out
    assert "Errno" not in out
    assert "Kiosk:" not in out


def test_serve_says_what_is_on_prints_the_demo_logins_and_no_library_info(
    demo: Services,
) -> None:
    database = Path(demo.settings.database_url.removeprefix("sqlite:///"))
    server = _serve(database, _free_port())
    lines: list[str] = []
    try:
        assert server.stdout is not None
        for line in server.stdout:
            lines.append(line.rstrip())
            if line.startswith("Ctrl-C") or len(lines) > 40:
                break
    finally:
        server.terminate()
        rest, _ = server.communicate(timeout=30)
    said = "\n".join(lines)
    assert "  DEMO01 / 1234  (Démo A, fr)" in said  # the demo data was already there
    assert "Kiosk: on, http://127.0.0.1:" in said
    assert "Telegram: off (set FILROUGE_TELEGRAM_TOKEN to turn it on" in said
    assert "INFO" not in said + rest
