"""A counsellor's day in the console, in Debian's Chromium, on the demo data.

Démo B asks for a counsellor at the kiosk (a real turn raises the flag). The demo
CPIP logs in and finds Démo B first; reads and searches Démo A's transcript; writes a
private note; writes to Démo A, who reads it at the kiosk; gives Démo A an
appointment, whose reminders are planned and whose "Nouveau rendez-vous" Démo A
reads at the kiosk; sees what Démo A says next appear on the open page
(console.js); sets the release date, marks the release, makes the link code and
prints the release sheet, which lists the appointment; Démo A links their phone
with that code, and the counsellor's next message arrives on Telegram (aiogram
through a local Bot API server); Démo B's flag is marked dealt with.
"""

from __future__ import annotations

import asyncio
import html
import re
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest
from fastapi import FastAPI
from playwright.async_api import Browser, Dialog, Page

from bot import appointments, flags
from bot.app import create_app
from bot.services import Services
from bot.turn import Inbound, run_turn
from dialogs.events import Pressed, System
from storage.database import read_session
from storage.enums import Channel, FlagReason
from storage.transcript import recent_transcript
from tests.kiosk.visitor import Kiosk
from tests.telegram.botapi import BotAPI
from tests.telegram.phone import Phone

pytestmark = pytest.mark.e2e

DEMO_A, DEMO_B = 1, 2
PARIS = ZoneInfo("Europe/Paris")


def at_the_kiosk(base_url: str, text: str | None = None) -> str:
    """Démo A logs in at the kiosk (and writes `text`); the chat page's text as read
    (words explained are buttons; French narrow spaces as plain ones)."""
    with httpx.Client(base_url=base_url) as http:
        kiosk = Kiosk(http)  # type: ignore[arg-type]  # the same calls as a TestClient
        assert kiosk.login().status_code == 303
        if text is not None:
            assert kiosk.say(text).status_code == 303
        return read(kiosk.chat().text)


def read(page: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", page)).replace("\u202f", " ")


async def submit(page: Page, selector: str) -> None:
    async with page.expect_navigation():
        await page.click(selector)


async def test_a_counsellors_day(
    browser: Browser,
    phone_services: Services,
    botapi: BotAPI,
    telegram: None,
    live_server: Callable[[FastAPI], str],
    results_dir: Path,
) -> None:
    services = phone_services
    started = run_turn(services, Inbound(DEMO_B, Channel.KIOSK, System("start"), "b-start"))
    asked = Pressed(started.state.seq, "help")  # « Parler à un conseiller »
    run_turn(services, Inbound(DEMO_B, Channel.KIOSK, asked, "b-help"))
    base = live_server(create_app(services=services))
    await asyncio.to_thread(at_the_kiosk, base, "J'ai perdu mon téléphone, aidez-moi")

    page = await browser.new_page(viewport={"width": 1400, "height": 1000})

    async def confirm(dialog: Dialog) -> None:
        await dialog.accept()

    page.on("dialog", confirm)

    # Logging in; the flagged person is first.
    await page.goto(f"{base}/console")
    assert page.url == f"{base}/console/login"
    await page.fill("#login", "cpip.demo")
    await page.fill("#password", "demo-cpip-2026")
    await submit(page, "form.login button")
    assert page.url == f"{base}/console"
    codes = await page.locator("table.caseload tbody tr td:first-child code").all_inner_texts()
    assert codes == ["DEMO02", "DEMO01"]
    assert (
        "1 signalement · A demandé un conseiller" in await page.locator("tr.flagged").inner_text()
    )
    await page.screenshot(path=str(results_dir / "console-caseload.png"), full_page=True)

    # Reading and searching Démo A's transcript.
    await submit(page, "a[href='/console/persons/1']")
    said = await page.locator("ol.transcript .line.person .said").all_inner_texts()
    assert "J'ai perdu mon téléphone, aidez-moi" in said
    await page.fill("#q", "TELEPHONE perdu")
    await submit(page, "form[role=search] button")
    results = await page.locator("ol.results .said").all_inner_texts()
    assert results == ["J'ai perdu mon téléphone, aidez-moi"]
    await submit(page, "ol.results a.open")
    assert "around=" in page.url
    assert await page.locator(".line.focus .said").inner_text() == results[0]

    # A private note, then a message the person reads at the kiosk.
    await page.goto(f"{base}/console/persons/1")
    await page.fill("#note", "Téléphone perdu : voir avec le greffe.")
    await submit(page, "form.note button")
    assert "Note enregistrée." in await page.locator(".notice").inner_text()
    assert "voir avec le greffe" in await page.locator("ol.notes").inner_text()
    await page.fill("#message", "Je passe vous voir demain matin.")
    await submit(page, "form.write button")
    notice = await page.locator(".notice").inner_text()
    assert notice == "Message enregistré : la personne le lira à la borne."
    kiosk_page = await asyncio.to_thread(at_the_kiosk, base)
    assert (
        "Message de votre conseiller, CPIP démo :\nJe passe vous voir demain matin." in kiosk_page
    )
    assert "greffe" not in kiosk_page  # the note is never shown to the person

    # An appointment: its reminders are planned, and Démo A is told at the kiosk.
    day = (datetime.now(PARIS) + timedelta(days=10)).date()
    await page.select_option("#appointment-kind", "spip")
    await page.fill("#appointment-day", day.isoformat())
    await page.fill("#appointment-time", "14:30")
    await page.fill("#appointment-place", "SPIP d'Arras")
    await submit(page, "#new-appointment button[type=submit]")
    assert "ses rappels sont prévus" in await page.locator(".notice").inner_text()
    booked = page.locator("li.appointment", has_text="Convocation au SPIP")
    assert "SPIP d'Arras" in await booked.inner_text()
    assert "Rappels :" in await booked.inner_text()
    [made] = appointments.list_of(services, DEMO_A)
    assert made.start == datetime(day.year, day.month, day.day, 14, 30, tzinfo=PARIS)
    assert [r.label for r in made.reminders] == ["J-7", "J-1", "H-2", "follow-up"]
    for label in ("J-7 (prévu le", "J-1 (prévu le", "H-2 (prévu le", "le lendemain (prévu le"):
        assert label in await booked.inner_text()
    kiosk_page = await asyncio.to_thread(at_the_kiosk, base)
    assert "Nouveau rendez-vous : Convocation au SPIP" in kiosk_page

    # What the person says next comes to the open page by itself.
    await page.goto(f"{base}/console/persons/1#last")
    await asyncio.to_thread(at_the_kiosk, base, "Merci, à demain")
    await page.locator(".line.person .said", has_text="Merci, à demain").wait_for(timeout=15_000)
    await page.screenshot(path=str(results_dir / "console-person.png"), full_page=True)

    # Release: the date, the release itself, the link code and its sheet, printed.
    await page.fill("#planned", "2026-12-24")
    await submit(page, "form[action$='/release-date'] button")
    assert "Sortie prévue le 24 décembre 2026" in await page.locator("header.person").inner_text()
    await submit(page, "form[action$='/release'] button")
    assert "la conversation passe dehors" in await page.locator(".notice").inner_text()
    async with page.context.expect_page() as opened:
        await page.click("form[action$='/link-code'] button")
    sheet = await opened.value
    await sheet.wait_for_load_state()
    assert "Pour : Démo A" in read(await sheet.locator(".who").inner_text())
    assert "Vos prochains rendez-vous" in await sheet.locator("main").inner_text()
    assert "Convocation au SPIP · SPIP d'Arras" in await sheet.locator("main").inner_text()
    shown = await sheet.locator("p.code").inner_text()
    assert re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{2}", shown)
    pdf = results_dir / "release-sheet.pdf"
    await sheet.pdf(path=str(pdf), format="A4")
    assert pdf.read_bytes().startswith(b"%PDF")
    await sheet.close()

    # Démo A links their phone; the counsellor's next message arrives on Telegram.
    phone = Phone(botapi, user_id=7009, first_name="Démo")
    phone.start(shown)
    [greeting] = await phone.wait_replies(1)
    assert greeting.startswith("Bonjour Démo. Votre téléphone est relié.")
    await page.goto(f"{base}/console/persons/1")
    assert "Telegram relié" in await page.locator("header.person").inner_text()
    await page.fill("#message", "Bienvenue dehors. Rendez-vous au SPIP lundi.")
    await submit(page, "form.write button")
    assert "Message envoyé : il part sur Telegram." in await page.locator(".notice").inner_text()
    texts = await phone.wait_replies(2)
    assert (
        texts[-1]
        == "Message de votre conseiller, CPIP démo :\nBienvenue dehors. Rendez-vous au SPIP lundi."
    )

    def recorded() -> bool:
        with read_session(services.engine) as session:
            last = recent_transcript(session, DEMO_A, limit=1)[-1]
        return last.channel is Channel.COUNSELLOR and "Bienvenue dehors" in last.text

    await botapi.wait_for(recorded, what="the Telegram message in the transcript")
    await page.reload()
    counsellor = page.locator(".line.counsellor .said", has_text="Bienvenue dehors")
    assert await counsellor.count() == 1

    # The flag of Démo B, dealt with.
    await page.goto(f"{base}/console/persons/2")
    flag = page.locator("ul.flags li.open")
    assert "A demandé un conseiller · À la borne" in await flag.inner_text()
    await submit(page, "ul.flags li.open form button")
    assert "Signalement traité." in await page.locator(".notice").inner_text()
    assert "par cpip.demo" in await page.locator("ul.flags li.dealt").inner_text()
    [dealt] = flags.list_flags(services, person_id=DEMO_B)
    assert (dealt.reason, dealt.dealt_by) == (FlagReason.COUNSELLOR, "cpip.demo")
    await page.goto(f"{base}/console")
    assert await page.locator("tr.flagged").count() == 0

    await submit(page, "form.logout button")
    assert page.url == f"{base}/console/login?bye=1"
    await page.goto(f"{base}/console/persons/1")
    assert page.url == f"{base}/console/login"
