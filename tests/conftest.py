"""Shared test configuration: the plugins every test package may use, and a
running Fil rouge (services on a migrated, seeded SQLite file; its web app; a
real HTTP server) for the tests that go through the public surfaces."""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from fastapi import FastAPI

from bot.app import compose, create_app
from bot.clock import MovableClock
from bot.demo import seed_demo
from bot.services import Services
from bot.settings import Settings
from storage.migrate import upgrade
from tests.telegram.botapi import BotAPI

pytest_plugins = ["tests.pg"]

# Monday 2 March 2026, 9:00 in Paris.
START = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)

ServicesFactory = Callable[..., Services]


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated to head once per run; tests get copies of it."""
    path = tmp_path_factory.mktemp("template") / "filrouge.db"
    upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture
def clock() -> MovableClock:
    """The services' clock, moved by the tests (never slept on)."""
    return MovableClock(START)


@pytest.fixture
def make_services(
    migrated_sqlite: Path, tmp_path: Path, clock: MovableClock
) -> Iterator[ServicesFactory]:
    """Build Services on a fresh copy of the migrated database, with the demo
    persons (DEMO01 / 1234, DEMO02 / 5678) and cheap argon2. Keyword
    arguments override settings; `real_clock=True` uses the system clock."""
    built: list[Services] = []

    def make(*, real_clock: bool = False, **overrides: Any) -> Services:
        path = tmp_path / f"filrouge-{len(built)}.db"
        shutil.copyfile(migrated_sqlite, path)
        settings = Settings(
            database_url=f"sqlite:///{path}", argon2_time_cost=1, argon2_memory_kib=64
        )
        # model_copy does not validate: tests may go below the minimums
        # (an idle delay of seconds for the browser).
        settings = settings.model_copy(update=overrides)
        services = compose(settings, clock=None if real_clock else clock)
        seed_demo(services)
        built.append(services)
        return services

    yield make
    for services in built:
        services.engine.dispose()


@pytest.fixture
def services(make_services: ServicesFactory) -> Services:
    return make_services()


@pytest.fixture
def app(services: Services) -> FastAPI:
    return create_app(services=services)


class LiveServer:
    """uvicorn serving an app on 127.0.0.1, in a thread of the test process."""

    def __init__(self, app: FastAPI) -> None:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        config = uvicorn.Config(
            app, host="127.0.0.1", port=self.port, log_level="warning", lifespan="off"
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.url = f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.02)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


@pytest.fixture
def live_server() -> Iterator[Callable[[FastAPI], str]]:
    """Start a real HTTP server for an app; returns its base URL."""
    servers: list[LiveServer] = []

    def serve(app: FastAPI) -> str:
        server = LiveServer(app)
        server.start()
        servers.append(server)
        return server.url

    yield serve
    for server in servers:
        server.stop()


@pytest.fixture
async def botapi() -> AsyncIterator[BotAPI]:
    """A local Bot API server on loopback, for every Telegram test (tests/telegram/botapi.py)."""
    api = BotAPI()
    await api.start()
    yield api
    await api.stop()
