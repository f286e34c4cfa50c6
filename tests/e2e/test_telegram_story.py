"""The story issue 3 is about: from the kiosk inside to the phone outside, one conversation.

A person walks into the CSS flow at the kiosk (real HTTP to the real app), is
released, gets a link code, sends `/start <code>` on Telegram (aiogram over real
HTTP to a local Bot API server), finds the same step, finishes the flow there,
and the stored transcript shows both channels in order.
"""

from __future__ import annotations

import asyncio
import html
from collections.abc import Callable

import httpx
import pytest
from fastapi import FastAPI

from bot import linking
from bot.app import create_app
from bot.release import release
from bot.services import Services
from storage.database import read_session
from storage.enums import Channel, Direction
from storage.transcript import StoredEntry, recent_transcript
from tests.kiosk.visitor import DEMO_PERSON_ID, Kiosk
from tests.telegram.botapi import BotAPI
from tests.telegram.phone import Phone

pytestmark = pytest.mark.e2e

UNDERSTOOD = "Voulez-vous que je répète ?"


def walk_the_kiosk(base_url: str) -> None:
    """Log in, open Santé, then the CSS flow, answer "no cover": on "Voulez-vous que je répète ?"."""
    with httpx.Client(base_url=base_url) as http:
        kiosk = Kiosk(http)  # type: ignore[arg-type]  # the same calls as a TestClient
        assert kiosk.login().status_code == 303
        assert kiosk.press("sante").status_code == 303
        assert kiosk.press("css").status_code == 303
        assert kiosk.say("non").status_code == 303
        page = kiosk.chat()
        assert UNDERSTOOD in html.unescape(page.text).replace("\u202f", " ")  # as read
        assert "go_on" in page.buttons()


def transcript(services: Services) -> list[StoredEntry]:
    with read_session(services.engine) as session:
        return recent_transcript(session, DEMO_PERSON_ID, limit=1000)


@pytest.mark.usefixtures("telegram")
async def test_from_the_kiosk_to_the_phone_without_starting_over(
    phone_services: Services, botapi: BotAPI, live_server: Callable[[FastAPI], str]
) -> None:
    services = phone_services
    base_url = live_server(create_app(services=services))
    await asyncio.to_thread(walk_the_kiosk, base_url)

    await asyncio.to_thread(release, services, DEMO_PERSON_ID)
    issued = await asyncio.to_thread(linking.issue, services, DEMO_PERSON_ID)

    phone = Phone(botapi, user_id=7001, first_name="Démo")
    phone.start(issued.code)
    [greeting] = await phone.wait_replies(1)
    assert greeting.startswith("Bonjour Démo. Votre téléphone est relié.")
    assert "Mon plan" in greeting
    assert greeting.endswith(UNDERSTOOD)  # the very step left at the kiosk

    phone.press("Non, on continue")
    texts = await phone.wait_replies(2)
    assert "Vous pouvez la demander maintenant." in texts[-1]  # the outside wording
    phone.press("☐ Votre numéro de Sécurité sociale (carte Vitale ou attestation)")
    await phone.wait_replies(3)
    phone.press("C'est fait")
    texts = await phone.wait_replies(4)
    # The outside wording: the CPAM, not the CPIP.
    assert "L'accueil de la CPAM, la caisse d'Assurance maladie, peut vous aider" in texts[-1]
    phone.send("non")
    texts = await phone.wait_replies(5)
    assert "J'ai coché cette étape dans « Mon plan »." in texts[-1]

    # The transcript records a message once Telegram accepted it: wait for the last one.
    await botapi.wait_for(lambda: transcript(services)[-1].text == texts[-1], what="the record")
    entries = transcript(services)
    channels = [e.channel for e in entries]
    first_telegram = channels.index(Channel.TELEGRAM)
    assert set(channels[:first_telegram]) == {Channel.KIOSK, Channel.SYSTEM}
    assert set(channels[first_telegram:]) == {Channel.TELEGRAM}
    assert channels[0] == Channel.KIOSK
    telegram_said = [
        e.text for e in entries if e.channel == Channel.TELEGRAM and e.direction == Direction.IN
    ]
    assert telegram_said == [
        "",  # the link itself (System "linked")
        "Non, on continue",
        "Votre numéro de Sécurité sociale (carte Vitale ou attestation)",
        "C'est fait",
        "non",
    ]
    telegram_told = [
        e.text for e in entries if e.channel == Channel.TELEGRAM and e.direction == Direction.OUT
    ]
    assert telegram_told == texts  # every message Telegram accepted, recorded once, in order
    assert [e.id for e in entries] == sorted(e.id or 0 for e in entries)
