"""The kiosk in Debian's Chromium, driven by Playwright, against a real uvicorn."""

from __future__ import annotations

import asyncio
import contextlib
import shutil
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import pytest_asyncio
from fastapi import FastAPI
from playwright.async_api import Browser, async_playwright
from pydantic import SecretStr

from bot.app import compose, create_app
from bot.demo import seed_demo
from bot.services import Services
from bot.settings import Settings
from storage.persons import create_person, get_facility_by_code
from storage.rows import id_of
from tests.conftest import LiveServer, ServicesFactory
from tests.telegram.botapi import BotAPI

CHROMIUM = Path("/usr/lib/chromium/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
RESULTS = Path(__file__).resolve().parents[2] / "test-results"

Serve = Callable[[FastAPI], str]
PIN = "2468"
"""The PIN of the persons `Kiosk.person` creates."""


# --- one browser and one server for a whole module ---------------------------------------


@dataclass
class Kiosk:
    """A server shared by a module's tests, each with its own person."""

    services: Services
    base: str
    people: list[str]

    def person(self, language: str) -> tuple[str, int]:
        """A new person at the kiosk (their code and id), in `language`."""
        code = f"VIEW{len(self.people):02d}"
        with self.services.write() as tx:
            facility = get_facility_by_code(tx.session, "demo")
            assert facility is not None
            person = create_person(
                tx.session,
                id_of(facility),
                code,
                "Prénom",
                "Nom",
                language,
                self.services.hasher.hash(PIN),
            )
            self.people.append(code)
            return code, id_of(person)


def kiosk_services(template: Path, folder: Path, **overrides: object) -> Services:
    path = folder / "kiosk.db"
    shutil.copyfile(template, path)
    settings = Settings(database_url=f"sqlite:///{path}", argon2_time_cost=1, argon2_memory_kib=64)
    services = compose(settings.model_copy(update=overrides))
    seed_demo(services)
    return services


@pytest.fixture(scope="module")
def shared_kiosk(
    migrated_sqlite: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Kiosk]:
    services = kiosk_services(migrated_sqlite, tmp_path_factory.mktemp("kiosk"))
    server = LiveServer(create_app(services=services))
    server.start()
    yield Kiosk(services, server.url, [])
    server.stop()
    services.close()


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def module_browser() -> AsyncIterator[Browser]:
    """One Chromium for a whole test module (its tests run in the module's event loop)."""
    if not CHROMIUM.exists():  # noqa: ASYNC240 - once per module, before the browser
        pytest.skip(f"Chromium is not installed at {CHROMIUM} (apt install chromium)")
    async with async_playwright() as playwright:
        # A kiosk's browser plays sound without a tap first (kiosk mode, docs/kiosk.md).
        args = [*ARGS, "--autoplay-policy=no-user-gesture-required"]
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=args)
        yield browser
        await browser.close()


@pytest.fixture
def chromium() -> Path:
    if not CHROMIUM.exists():
        pytest.skip(f"Chromium is not installed at {CHROMIUM} (apt install chromium)")
    return CHROMIUM


@pytest.fixture
async def browser(chromium: Path) -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(chromium), args=ARGS)
        yield browser
        await browser.close()


@pytest.fixture
def results_dir() -> Path:
    """Where screenshots go, to look at the pages (not compared)."""
    RESULTS.mkdir(exist_ok=True)
    return RESULTS


# --- a phone: the bot polling a local Bot API server, for the kiosk-to-phone stories ---


@pytest.fixture
def phone_services(make_services: ServicesFactory, botapi: BotAPI) -> Services:
    return make_services(
        real_clock=True, telegram_token=SecretStr("123456:STORY"), telegram_api_url=botapi.url
    )


@pytest.fixture
async def telegram(phone_services: Services, botapi: BotAPI) -> AsyncIterator[None]:
    from bot.telegram.pacer import Pacer
    from bot.telegram.runner import TelegramChannel

    channel = TelegramChannel(
        phone_services,
        pacer=Pacer(per_chat_interval=0.05),
        polling_timeout=1,
        outbox_poll_interval=0.1,
    )
    task = asyncio.create_task(channel.run())
    yield
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
