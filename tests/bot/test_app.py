"""The web app as an administrator's monitoring sees it: `/healthz` (alive), `/readyz`
(able to work, and if not, why), and `/` to the kiosk."""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from bot.app import create_app
from bot.logs import configure as configure_logs
from bot.services import Services
from storage.database import make_engine
from tests.kiosk.visitor import Kiosk


def test_healthz_and_readyz_answer_200_when_all_is_well(services: Services) -> None:
    with TestClient(create_app(services=services)) as client:
        alive, ready = client.get("/healthz"), client.get("/readyz")
    assert (alive.status_code, alive.text) == (200, "ok")
    assert ready.status_code == 200
    assert ready.json() == {
        "ready": True,
        "checks": {"database": "ok", "disk": "ok", "migrations": "ok"},
    }


def test_readyz_says_503_and_why_when_the_database_is_gone(
    services: Services, tmp_path: Path
) -> None:
    services.engine.dispose()
    # The service now points at a database it cannot open (a folder that is gone).
    services.engine = make_engine(f"sqlite:///{tmp_path / 'gone' / 'filrouge.db'}")
    with TestClient(create_app(services=services)) as client:
        ready = client.get("/readyz")
        alive = client.get("/healthz")
    assert ready.status_code == 503
    assert ready.json()["checks"]["database"] == "missing"
    assert alive.status_code == 200  # the process itself is alive: a restart would not help


def test_readyz_says_the_disk_is_nearly_full(make_services: object) -> None:
    services = make_services(min_free_disk_mb=10**9)  # type: ignore[operator]
    with TestClient(create_app(services=services)) as client:
        ready = client.get("/readyz")
    assert ready.status_code == 503
    assert "less than 1000000000" in ready.json()["checks"]["disk"]


def test_a_held_write_lock_makes_readyz_say_locked_and_leaves_healthz_answering(
    services: Services, live_server: object
) -> None:
    url = str(services.settings.database_url).removeprefix("sqlite:///")
    holder = sqlite3.connect(url, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        base = live_server(create_app(services=services))  # type: ignore[operator]
        began = time.monotonic()
        alive = httpx.get(f"{base}/healthz", timeout=5)
        alive_after = time.monotonic() - began
        ready = httpx.get(f"{base}/readyz", timeout=10)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert alive.status_code == 200
    assert alive_after < 1.0  # not behind the writer: answered at once
    assert ready.status_code == 503
    assert ready.json()["checks"]["database"] == "locked by another writer"


def test_a_database_in_a_missing_folder_is_refused_at_start_in_one_sentence(
    tmp_path: Path,
) -> None:
    done = serve(tmp_path / "nowhere" / "filrouge.db")
    assert done.returncode == 1
    assert done.stderr.strip().count("\n") == 0, done.stderr
    assert "does not exist" in done.stderr


def serve(database: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "FILROUGE_DATABASE_URL": f"sqlite:///{database}"}
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", "serve", "--port", "1"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


def test_the_root_sends_to_the_kiosk(services: Services) -> None:
    with TestClient(create_app(services=services)) as client:
        response = client.get("/", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/kiosk"


def test_metrics_count_turns_logins_and_what_is_left_to_send(services: Services) -> None:
    with TestClient(create_app(services=services), base_url="http://kiosk.test") as client:
        kiosk = Kiosk(client)
        kiosk.login()
        kiosk.say("bof")
        exposition = client.get("/metrics")
    assert exposition.status_code == 200
    assert exposition.headers["content-type"].startswith("text/plain")
    lines = exposition.text.splitlines()
    assert 'filrouge_turns_total{channel="kiosk"} 2.0' in lines  # the greeting, then "bof"
    assert 'filrouge_kiosk_logins_total{outcome="ok"} 1.0' in lines
    assert "filrouge_outbox_to_send 0.0" in lines
    assert any(line.startswith("filrouge_turn_seconds_bucket") for line in lines)
    assert "Démo" not in exposition.text  # nobody's name, nobody's words


def test_the_log_is_one_json_object_per_line(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logs("json")
    try:
        logging.getLogger("storage.database").error("database: a write failed: %s", "disk full")
    finally:
        logging.getLogger().handlers.clear()
    [line] = capsys.readouterr().err.splitlines()
    event = json.loads(line)
    assert event["level"] == "error"
    assert event["logger"] == "storage.database"
    assert event["event"] == "database: a write failed: disk full"
    assert event["at"].endswith("+00:00")
