"""« Aide urgente » at the kiosk, in a real browser: one touch from any screen
opens the safety net, and one touch brings the person back to their question."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi import FastAPI
from playwright.async_api import Browser, Page

from bot.app import create_app
from bot.services import Services

pytestmark = pytest.mark.e2e

Serve = Callable[[FastAPI], str]
MakeServices = Callable[..., Services]


async def _log_in(page: Page, base: str, code: str = "DEMO01", pin: str = "1234") -> None:
    await page.goto(f"{base}/kiosk")
    await page.fill("#code", code)
    await page.fill("#pin", pin)
    async with page.expect_navigation():
        await page.click("form.login button[type=submit]")


async def _press(page: Page, value: str) -> None:
    async with page.expect_navigation():
        await page.click(f'button[data-value="{value}"]')


async def _prompt(page: Page) -> list[str]:
    return await page.locator(".dock .buttons button").all_inner_texts()


async def test_aide_urgente_is_beside_j_ai_fini_and_opens_the_net_from_a_guide(
    browser: Browser, make_services: MakeServices, live_server: Serve, results_dir: Path
) -> None:
    base = live_server(create_app(services=make_services(real_clock=True)))
    page = await browser.new_page(viewport={"width": 1080, "height": 1600})
    await _log_in(page, base)
    await _press(page, "sante")
    guide_menu = await _prompt(page)
    urgent = page.locator('header button[data-value="urgent"]')
    assert await urgent.inner_text() == "Aide urgente"
    assert await urgent.is_visible()
    assert await page.locator('header button[data-value="logout"]').is_visible()

    await _press(page, "urgent")
    await page.screenshot(path=str(results_dir / "kiosk-urgent.png"), full_page=True)
    said = await page.locator(".bubble.theirs p").all_inner_texts()
    assert any("parlez tout de suite à un surveillant" in text for text in said)
    assert any("à sa prochaine connexion" in text for text in said)
    assert "Quelqu'un a trop pris ou ne respire plus" in await _prompt(page)

    await _press(page, "back")  # « Reprendre où j'en étais »
    assert await _prompt(page) == guide_menu


async def test_a_false_alarm_is_left_with_one_touch(
    browser: Browser, make_services: MakeServices, live_server: Serve
) -> None:
    base = live_server(create_app(services=make_services(real_clock=True)))
    page = await browser.new_page(viewport={"width": 1080, "height": 1600})
    await _log_in(page, base)
    home_menu = await _prompt(page)
    await page.fill("#text", "je veux en finir avec mes papiers")
    async with page.expect_navigation():
        await page.click("form.say button.send")
    assert "Reprendre où j'en étais" in await _prompt(page)
    await _press(page, "back")
    assert await _prompt(page) == home_menu


async def test_aide_urgente_speaks_the_person_s_language(
    browser: Browser, make_services: MakeServices, live_server: Serve
) -> None:
    base = live_server(create_app(services=make_services(real_clock=True)))
    page = await browser.new_page(viewport={"width": 1080, "height": 1400})
    await _log_in(page, base, code="DEMO02", pin="5678")
    assert await page.locator('button[data-value="urgent"]').inner_text() == "مساعدة عاجلة"
    await _press(page, "urgent")
    said = await page.locator(".bubble.theirs p").all_inner_texts()
    assert any("الحراس" in text for text in said)
