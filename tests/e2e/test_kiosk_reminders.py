"""A reminder waiting at the kiosk, in a real browser: the person logs in, finds it with
its two buttons, answers "Je ne peux pas venir", says why, is told what to do and is
back on their question; the counsellor finds the flag in `filrouge flags`."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from fastapi import FastAPI
from playwright.async_api import Browser, Page

from bot import appointments
from bot.app import create_app
from bot.appointments import Details
from bot.clock import MovableClock
from bot.reminders.worker import ReminderWorker
from bot.services import Services
from storage.enums import AppointmentStatus

pytestmark = pytest.mark.e2e

Serve = Callable[[FastAPI], str]
MakeServices = Callable[..., Services]
PARIS = ZoneInfo("Europe/Paris")
DEMO_PERSON_ID = 1


async def _press(page: Page, value: str) -> None:
    async with page.expect_navigation():
        await page.click(f'button[data-value="{value}"]')


def filrouge_flags(services: Services) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "FILROUGE_DATABASE_URL": services.settings.database_url}
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", "flags", "--open"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


async def test_a_reminder_waits_at_login_and_i_cannot_come_reaches_the_counsellor(
    browser: Browser,
    make_services: MakeServices,
    clock: MovableClock,
    live_server: Serve,
    results_dir: Path,
) -> None:
    services = make_services()  # the movable clock: Monday 2 March 2026, 9:00 in Paris
    made = appointments.add(
        services,
        DEMO_PERSON_ID,
        "spip",
        datetime(2026, 3, 5, 14, 30, tzinfo=PARIS),
        Details(place="SPIP de Ville-Exemple", bring="La convocation"),
        by="cpip.demo",
    )
    clock.advance(datetime(2026, 3, 4, 18, 0, tzinfo=PARIS) - clock.now())
    assert ReminderWorker(services).run_due().sent == 1  # J-1, while nobody is at the kiosk

    base = live_server(create_app(services=services))
    page = await browser.new_page(viewport={"width": 1080, "height": 1600})
    await page.goto(f"{base}/kiosk")
    await page.fill("#code", "DEMO01")
    await page.fill("#pin", "1234")
    async with page.expect_navigation():
        await page.click("form.login button[type=submit]")

    card = page.locator(".bubble", has_text="Rappel : Convocation au SPIP")
    await card.wait_for()
    assert "jeudi 5 mars à 14 h 30" in await card.inner_text()
    answers = card.locator(".card-answers button")
    assert await answers.all_inner_texts() == ["J'y serai", "Je ne peux pas venir"]
    # The older card (the notice of the new appointment) offers nothing any more.
    assert await page.locator(".card-answers").count() == 1
    await page.screenshot(path=str(results_dir / "kiosk-reminder.png"), full_page=True)

    await _press(page, f"appt:{made.id}:no")
    # The open question is docked at the bottom, with its answers.
    prompt = await page.locator(".dock").inner_text()
    assert "Je le note. Pourquoi ne pouvez-vous pas venir\u202f?" in prompt
    assert "Je suis malade" in prompt
    await _press(page, "sick")
    said = " ".join(await page.locator(".bubble.theirs p").all_inner_texts())
    assert "Dites-le tout de suite à votre CPIP" in said
    assert "J'ai prévenu un conseiller" in said
    # Back where the person was: the home menu, and the card has nothing to answer now.
    assert "Santé" in await page.locator(".dock").inner_text()
    assert await page.locator(".card-answers").count() == 0
    await page.screenshot(path=str(results_dir / "kiosk-reminder-answered.png"), full_page=True)

    view = appointments.get(services, made.id)
    assert view.status == AppointmentStatus.CANNOT_COME
    assert view.changes[-1].note == "sick"
    done = await asyncio.to_thread(filrouge_flags, services)
    assert done.returncode == 0, done.stderr
    [line] = [row for row in done.stdout.splitlines() if "cannot_come" in row]
    assert "DEMO01 Démo A" in line
    assert f"appointment {made.id}" in line
    assert "why=sick" in line


async def test_a_reminder_written_while_the_page_is_open_appears_within_seconds(
    browser: Browser,
    make_services: MakeServices,
    clock: MovableClock,
    live_server: Serve,
) -> None:
    services = make_services(kiosk_idle_seconds=600)
    made = appointments.add(
        services, DEMO_PERSON_ID, "health", datetime(2026, 3, 4, 9, 2, tzinfo=PARIS), by="cpip"
    )  # its J-2 falls due at 9:02 today
    base = live_server(create_app(services=services))
    page = await browser.new_page()
    await page.goto(f"{base}/kiosk")
    await page.fill("#code", "DEMO01")
    await page.fill("#pin", "1234")
    async with page.expect_navigation():
        await page.click("form.login button[type=submit]")
    assert await page.locator(".bubble", has_text="Rappel").count() == 0

    clock.advance(datetime(2026, 3, 2, 9, 2, tzinfo=PARIS) - clock.now())
    assert await asyncio.to_thread(lambda: ReminderWorker(services).run_due().sent) == 1

    card = page.locator(".bubble", has_text="Rappel : Rendez-vous de santé")
    await card.wait_for(timeout=15_000)  # the page asked, and reloaded itself
    assert await card.locator(".card-answers button").count() == 2
    assert f"appt:{made.id}:yes" in await page.content()
