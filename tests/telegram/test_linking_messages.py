"""What a Telegram account is told while it links (or fails to link) to a person."""

from __future__ import annotations

import pytest

from bot import linking
from bot.services import Services
from bot.telegram import words
from tests.telegram.botapi import BotAPI
from tests.telegram.conftest import DEMO_PERSON_ID
from tests.telegram.phone import Phone

pytestmark = pytest.mark.usefixtures("telegram")


async def test_start_without_a_code_explains_how_to_get_one(phone: Phone) -> None:
    phone.start()
    [text] = await phone.wait_replies(1)
    assert text == words.HOW_TO_LINK
    assert "feuille de sortie" in text
    assert "CPIP" in text


async def test_an_unlinked_account_typing_anything_is_told_how_to_link(phone: Phone) -> None:
    phone.send("bonjour")
    assert await phone.wait_replies(1) == [words.HOW_TO_LINK]


async def test_the_explanation_is_in_the_language_of_the_telegram_app(botapi: BotAPI) -> None:
    english = Phone(botapi, user_id=5002, language="en")
    english.start()
    [text] = await english.wait_replies(1)
    assert text != words.HOW_TO_LINK
    assert "/start" in text


@pytest.mark.parametrize("typed", ["AAAA-BBBB-CC", "not a code", "K7QM2XPA9"])
async def test_a_wrong_code_is_refused_with_one_message(phone: Phone, typed: str) -> None:
    phone.start(typed)
    assert await phone.wait_replies(1) == [words.REFUSED]


async def test_a_used_code_gets_the_same_refusal_as_a_wrong_one(
    tg_services: Services, botapi: BotAPI, phone: Phone
) -> None:
    issued = linking.issue(tg_services, DEMO_PERSON_ID)
    phone.start(issued.code)
    await phone.wait_replies(1)
    other = Phone(botapi, user_id=5003)
    other.start(issued.code)
    assert await other.wait_replies(1) == [words.REFUSED]


async def test_too_many_wrong_codes_ask_to_wait_whatever_is_typed(
    tg_services: Services, phone: Phone
) -> None:
    tries = tg_services.settings.link_attempts_per_hour
    for _ in range(tries):
        phone.start("AAAA-BBBB-CC")
    await phone.wait_replies(tries)
    issued = linking.issue(tg_services, DEMO_PERSON_ID)
    phone.start(issued.code)
    texts = await phone.wait_replies(tries + 1)
    assert texts[-1] == words.TOO_MANY


async def test_linking_greets_by_name_and_shows_the_plan_then_the_open_question(
    tg_services: Services, phone: Phone
) -> None:
    issued = linking.issue(tg_services, DEMO_PERSON_ID)
    phone.start(issued.code)
    [text] = await phone.wait_replies(1)
    assert text.startswith("Bonjour Démo. Votre téléphone est relié.")
    assert "Mon plan" in text
    assert phone.buttons()  # the home menu, as buttons


async def test_the_code_typed_alone_links_too(tg_services: Services, phone: Phone) -> None:
    issued = linking.issue(tg_services, DEMO_PERSON_ID)
    phone.send(issued.shown.lower())
    [text] = await phone.wait_replies(1)
    assert "Votre téléphone est relié" in text


async def test_a_new_phone_detaches_the_old_one_which_is_told(
    tg_services: Services, botapi: BotAPI, phone: Phone
) -> None:
    phone.start(linking.issue(tg_services, DEMO_PERSON_ID).code)
    await phone.wait_replies(1)
    new_phone = Phone(botapi, user_id=5004)
    new_phone.start(linking.issue(tg_services, DEMO_PERSON_ID).code)
    await new_phone.wait_replies(1)
    texts = await phone.wait_replies(2)
    assert texts[-1] == words.DETACHED
    phone.send("bonjour")
    assert (await phone.wait_replies(3))[-1] == words.HOW_TO_LINK
