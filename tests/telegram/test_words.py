"""Words explained on Telegram, through the local Bot API server: "c'est quoi le SIAO"
gets the word's explanation, in the person's language, and the question again."""

from __future__ import annotations

import pytest

from bot import linking
from bot.services import Services
from tests.telegram.conftest import DEMO_PERSON_ID
from tests.telegram.phone import Phone

pytestmark = pytest.mark.usefixtures("telegram")


async def test_c_est_quoi_le_siao_is_explained_and_the_question_stays(
    tg_services: Services, phone: Phone
) -> None:
    phone.start(linking.issue(tg_services, DEMO_PERSON_ID).code)
    [greeting] = await phone.wait_replies(1)
    buttons = phone.buttons()

    phone.send("c'est quoi le SIAO")

    [answer] = (await phone.wait_replies(2))[1:]
    assert answer.startswith("SIAO : service intégré d'accueil et d'orientation.")
    assert answer.endswith("Que voulez-vous préparer ?")
    assert phone.buttons() == buttons
    assert greeting
