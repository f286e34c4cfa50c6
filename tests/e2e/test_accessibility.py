"""Accessibility proven by axe-core (the engine of the `axe-playwright-python` package),
injected into Chromium: no violation of WCAG 2.1 A and AA on any state of a kiosk page
(login, a choice, a yes/no question, a checklist, Mon plan, the CV, the words explained,
the idle warning, the page after logout), in French and in Arabic, nor on the release
sheet and the flows catalogue.

The kiosk forbids injected scripts (its Content-Security-Policy): the browser context
bypasses the CSP for axe only.
"""

from __future__ import annotations

import importlib.resources
import re
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import Browser, Page

from bot.authoring.flows_doc import write_catalogue
from bot.authoring.release_sheet import render_release_sheet
from bot.linking import issue
from bot.services import load_flows
from tests.e2e.conftest import PIN, RESULTS, Kiosk
from tests.e2e.kiosk_walk import log_in, next_in_guide, press, towards, where

pytestmark = [pytest.mark.e2e, pytest.mark.asyncio(loop_scope="module")]

AXE = (importlib.resources.files("axe_playwright_python") / "axe.min.js").read_text("utf-8")
WCAG21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


async def violations(page: Page) -> list[str]:
    """What axe finds against WCAG 2.1 A and AA on the page as it is now: one line per
    rule broken, with the elements that break it."""
    if not await page.evaluate("() => typeof window.axe !== 'undefined'"):
        await page.add_script_tag(content=AXE)
    found: list[dict[str, Any]] = await page.evaluate(
        """async tags => (await axe.run(document, {runOnly: {type: 'tag', values: tags}}))
            .violations.map(v => ({id: v.id, help: v.help,
                nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5)}))""",
        WCAG21_AA,
    )
    return [f"{v['id']}: {v['help']} — {', '.join(v['nodes'])}" for v in found]


class Audit:
    """The pages audited in one test, and what axe said of each."""

    def __init__(self) -> None:
        self.seen: dict[str, list[str]] = {}

    async def check(self, page: Page, name: str) -> None:
        self.seen[name] = await violations(page)

    def broken(self) -> dict[str, list[str]]:
        return {name: found for name, found in self.seen.items() if found}


async def _to(page: Page, kiosk: Kiosk, person_id: int, wanted: str) -> None:
    """Press towards the CSS guide until the dock shows a prompt of the `wanted` kind."""
    for _ in range(30):
        if await page.locator(f".dock.{wanted}").count():
            return
        flow_id, step_id = where(kiosk.services, person_id)
        if flow_id == "css":
            await press(page, await next_in_guide(page, kiosk.services, person_id))
        else:
            await press(page, towards(kiosk.services, flow_id, step_id))
    raise AssertionError(f"no {wanted} prompt on the way")


async def _say(page: Page, text: str) -> None:
    await page.fill("#text", text)
    async with page.expect_navigation():
        await page.click("form.say button[type=submit]")


@pytest.mark.parametrize("language", ["fr", "ar"])
async def test_every_state_of_the_kiosk_has_no_wcag_21_aa_violation(
    module_browser: Browser, shared_kiosk: Kiosk, language: str
) -> None:
    code, person_id = shared_kiosk.person(language)
    context = await module_browser.new_context(
        viewport={"width": 1280, "height": 800}, bypass_csp=True
    )
    page = await context.new_page()
    audit = Audit()
    base = shared_kiosk.base

    await page.goto(f"{base}/kiosk?lang={language}")
    await audit.check(page, "login")
    await page.fill("#code", code)
    await page.fill("#pin", "0000")
    async with page.expect_navigation():
        await page.click("form.login button[type=submit]")
    await audit.check(page, "login refused")

    await log_in(page, base, code, PIN)
    await audit.check(page, "chat: choices (home menu)")
    await _to(page, shared_kiosk, person_id, "question")
    await audit.check(page, "chat: yes/no question")
    await _to(page, shared_kiosk, person_id, "checklist")
    await press(page, await next_in_guide(page, shared_kiosk.services, person_id))
    await audit.check(page, "chat: checklist, one ticked")
    await _say(page, "c'est quoi le SIAO")
    await audit.check(page, "chat: a word explained")
    await _say(page, "   ")
    await audit.check(page, "chat: an empty message")
    await press(page, "menu")
    await press(page, "plan")
    await audit.check(page, "chat: Mon plan")
    await press(page, "large")
    await audit.check(page, "chat: large text")
    await press(page, "large")

    await press(page, "emploi")
    await press(page, "cv")
    for answer in ("Cuisinier", "Plonge, 2 ans", "CAP cuisine", "Cuisiner", "Français"):
        await _say(page, answer)
    await press(page, "yes_phone")
    await _say(page, "06 12 34 56 78")
    await audit.check(page, "chat: the CV in the conversation")
    async with page.expect_navigation():
        await page.locator(".print-link").last.click()
    await audit.check(page, "the CV to print")

    await page.goto(f"{base}/kiosk/chat")
    await page.evaluate("() => document.getElementById('still-there').showModal()")
    await audit.check(page, "chat: the idle warning")
    await context.close()
    plain = await module_browser.new_context(bypass_csp=True, java_script_enabled=True)
    page = await plain.new_page()
    await log_in(page, base, code, PIN)
    await page.goto(f"{base}/kiosk/still-there")
    await audit.check(page, "the idle warning without JavaScript")
    await press(page, "logout")
    assert "bye=1" in page.url
    await audit.check(page, "after logout")
    await page.screenshot(path=str(RESULTS / f"kiosk-logout-{language}.png"))
    await plain.close()

    assert len(audit.seen) == 14
    assert audit.broken() == {}


async def test_the_release_sheet_has_no_wcag_21_aa_violation_in_french_and_arabic(
    module_browser: Browser, shared_kiosk: Kiosk, tmp_path: Path
) -> None:
    page = await module_browser.new_page()
    found: dict[str, list[str]] = {}
    for language in ("fr", "ar"):
        _code, person_id = shared_kiosk.person(language)
        translator = shared_kiosk.services.catalogs.get(language)
        sheet = tmp_path / f"sheet-{language}.html"
        issued = issue(shared_kiosk.services, person_id)
        sheet.write_text(render_release_sheet(translator, "Prénom Nom", issued), "utf-8")
        await page.goto(sheet.as_uri())
        found[language] = await violations(page)
        if language == "ar":
            # "/start" is read left to right inside the Arabic sentence.
            step = page.locator("li").nth(2)
            assert re.search(r"/start", await step.inner_text())
            await page.screenshot(path=str(RESULTS / "release-sheet-ar.png"), full_page=True)
    await page.close()
    assert found == {"fr": [], "ar": []}


async def test_the_flows_catalogue_has_no_wcag_21_aa_violation(
    module_browser: Browser, tmp_path: Path
) -> None:
    index = write_catalogue(load_flows(), tmp_path / "catalogue")
    page = await module_browser.new_page()
    found = {}
    for name in ("index.html", "css.html", "sortie.html"):
        await page.goto((index.parent / name).as_uri())
        found[name] = await violations(page)
    await page.close()
    assert found == {"index.html": [], "css.html": [], "sortie.html": []}
