"""`/urgence` on Telegram, through the local Bot API server: the safety net from
any screen, as the kiosk's « Aide urgente » button; numbers at once when the
phone is not linked."""

from __future__ import annotations

import pytest

from bot import linking
from bot.services import Services
from bot.telegram import words
from storage.database import read_session
from storage.enums import Direction
from storage.transcript import recent_transcript
from tests.telegram.conftest import DEMO_PERSON_ID
from tests.telegram.phone import Phone

pytestmark = pytest.mark.usefixtures("telegram")


async def test_urgence_opens_the_net_and_one_press_goes_back(
    tg_services: Services, phone: Phone
) -> None:
    phone.start(linking.issue(tg_services, DEMO_PERSON_ID).code)
    [greeting] = await phone.wait_replies(1)
    assert greeting.endswith("Que voulez-vous préparer ?")
    phone.send("/urgence")
    [net] = (await phone.wait_replies(2))[1:]
    assert "parlez tout de suite à un surveillant" in net  # Démo A is still inside
    assert "à sa prochaine connexion" in net
    assert "Quelqu'un a trop pris ou ne respire plus" in phone.buttons()
    phone.press("Reprendre où j'en étais")
    back = (await phone.wait_replies(3))[-1]
    assert back.startswith("Que voulez-vous préparer ?")
    with read_session(tg_services.engine) as session:
        said = [
            e.text
            for e in recent_transcript(session, DEMO_PERSON_ID, limit=100)
            if e.direction == Direction.IN
        ]
    assert "Aide urgente" in said  # the transcript shows what the person asked for


async def test_urgence_on_a_phone_not_linked_gives_the_numbers(phone: Phone) -> None:
    phone.send("/urgence")
    assert await phone.wait_replies(1) == [words.URGENT_NUMBERS]
