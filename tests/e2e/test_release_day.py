"""The day of release, walked end to end: prepared at the kiosk inside, then lived on
the phone outside, in the same conversation (issue 4: the release-day checklist)."""

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
from bot.turn import state_of
from storage.conversation import load_conversation
from storage.database import read_session
from storage.persons import get_person
from tests.kiosk.visitor import DEMO_PERSON_ID, Kiosk
from tests.telegram.botapi import BotAPI
from tests.telegram.phone import Phone

pytestmark = pytest.mark.e2e

DONE = "J'ai coché cette étape dans « Mon plan »."


def prepare_at_the_kiosk(base_url: str) -> str:
    """Inside: open "Le jour de la sortie" and walk the checklist to its end."""
    with httpx.Client(base_url=base_url) as http:
        kiosk = Kiosk(http)  # type: ignore[arg-type]  # the same calls as a TestClient
        assert kiosk.login().status_code == 303
        kiosk.press("sortie")
        page = kiosk.chat()
        assert "Préparons le jour de votre sortie." in html.unescape(page.text)
        for item in ("tick:identity", "tick:release_certificate", "tick:prescriptions", "done"):
            kiosk.press(item)
        kiosk.press("known")  # a place to sleep
        for item in ("tick:spip", "tick:france_travail", "done"):
            kiosk.press(item)
        kiosk.press("no")  # no counsellor needed
        return html.unescape(kiosk.chat().text).replace("\u202f", " ")  # as read


def tick_done(services: Services) -> bool:
    with read_session(services.engine) as session:
        person = get_person(session, DEMO_PERSON_ID)
        assert person is not None
        state = state_of(load_conversation(session, person.id or 0, for_update=False))
    return state.is_done("justice", "jour_de_sortie")


@pytest.mark.usefixtures("telegram")
async def test_the_day_of_release_is_prepared_inside_then_lived_outside(
    phone_services: Services, botapi: BotAPI, live_server: Callable[[FastAPI], str]
) -> None:
    services = phone_services
    base_url = live_server(create_app(services=services))
    kiosk_page = await asyncio.to_thread(prepare_at_the_kiosk, base_url)
    assert DONE in kiosk_page
    assert "Le soir de la sortie" not in kiosk_page  # a place to sleep: no 115 advice
    assert tick_done(services)

    await asyncio.to_thread(release, services, DEMO_PERSON_ID)
    issued = await asyncio.to_thread(linking.issue, services, DEMO_PERSON_ID)
    phone = Phone(botapi, user_id=7002, first_name="Démo")
    phone.start(issued.code)
    await phone.wait_replies(1)

    phone.press("Le jour de la sortie")
    texts = await phone.wait_replies(2)
    assert texts[-1].startswith("C'est le jour de votre sortie.")  # the outside wording
    phone.press("☐ Votre pièce d'identité")
    await phone.wait_replies(3)
    phone.press("C'est fait")
    texts = await phone.wait_replies(4)
    assert "Dites-le à votre conseiller SPIP." in texts[-1]  # two papers are missing
    phone.press("Non, pas encore")
    texts = await phone.wait_replies(5)
    assert "Appelez le 115 dès maintenant." in texts[-1]
    phone.press("Plus tard")
    texts = await phone.wait_replies(6)
    assert "regardez le trajet" in texts[-1]
    phone.press("C'est fait")
    texts = await phone.wait_replies(7)
    phone.send("non")
    texts = await phone.wait_replies(8)
    assert DONE in texts[-1]
