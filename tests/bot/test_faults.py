"""Faults said aloud: a disk full or read-only is seen in `/readyz` and in the log,
the person gets the calm busy page, and the service refuses to start on a
read-only database with one sentence. Injected on a small tmpfs (root is needed
to mount one: the tests and CI run as root)."""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from bot.app import compose, create_app
from bot.demo import seed_demo
from bot.services import Services
from storage.migrate import upgrade
from tests.bot.test_app import serve
from tests.kiosk.visitor import Kiosk
from tests.services import make_settings

pytestmark = pytest.mark.skipif(
    os.geteuid() != 0 or shutil.which("mount") is None,
    reason="mounting a small tmpfs needs root (CI runs as root)",
)


@pytest.fixture
def tmpfs(tmp_path: Path) -> Iterator[Path]:
    """A 3 MiB filesystem of its own, unmounted at the end."""
    where = tmp_path / "small"
    where.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(where)], check=True)
    yield where
    subprocess.run(["umount", "-l", str(where)], check=False)


@pytest.fixture
def small_services(tmpfs: Path) -> Iterator[Services]:
    database = tmpfs / "filrouge.db"
    upgrade(f"sqlite:///{database}")
    services = compose(make_settings(f"sqlite:///{database}", min_free_disk_mb=1))
    seed_demo(services)
    yield services
    services.close()


def remount_read_only(where: Path) -> None:
    subprocess.run(["mount", "-o", "remount,ro", str(where)], check=True)


def fill(where: Path) -> None:
    """Take every free byte of the filesystem."""
    with (where / "ballast").open("wb") as ballast:
        try:
            while True:
                ballast.write(b"\0" * 65536)
        except OSError:
            pass


def test_a_full_disk_gives_the_busy_page_says_why_in_the_log_and_in_readyz(
    small_services: Services, tmpfs: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with TestClient(create_app(services=small_services), base_url="http://kiosk.test") as client:
        kiosk = Kiosk(client)
        kiosk.login()
        page = kiosk.chat()
        fill(tmpfs)
        with caplog.at_level(logging.ERROR, logger="storage.database"):
            answers = [kiosk.say("x" * 1900, page) for _ in range(3)]
        ready = client.get("/readyz")
    assert {a.status_code for a in answers} == {503}
    assert "Le service est occupé" in answers[0].text
    said = [r.getMessage() for r in caplog.records if "failed" in r.getMessage()]
    assert said == ["database: a write or read failed: disk full"]  # once, not three times
    assert ready.status_code == 503
    assert "less than 1" in ready.json()["checks"]["disk"]


def test_a_read_only_database_shows_in_readyz_and_start_up_refuses_it(
    small_services: Services, tmpfs: Path
) -> None:
    small_services.engine.dispose()  # the files are closed: the disk can become read-only
    remount_read_only(tmpfs)
    with TestClient(create_app(services=small_services)) as client:
        ready = client.get("/readyz")
        alive = client.get("/healthz")
    assert ready.status_code == 503
    assert ready.json()["checks"]["database"] == "read-only"
    assert alive.status_code == 200
    done = serve(tmpfs / "filrouge.db")
    assert done.returncode == 1
    assert done.stderr.strip().count("\n") == 0, done.stderr
    assert "read-only" in done.stderr
