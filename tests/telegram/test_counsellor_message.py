"""A counsellor's message reaches a linked person on Telegram, through the outbox, and
is recorded as the counsellor's once Telegram accepted it."""

from __future__ import annotations

import pytest

from bot import linking
from bot.counsellor_message import write_to_person
from bot.services import Services
from storage.database import read_session
from storage.enums import Channel
from storage.transcript import recent_transcript
from tests.telegram.botapi import BotAPI
from tests.telegram.conftest import DEMO_PERSON_ID
from tests.telegram.phone import Phone

pytestmark = pytest.mark.usefixtures("telegram")


async def test_a_counsellors_message_arrives_on_the_phone_and_is_theirs_in_the_transcript(
    tg_services: Services, botapi: BotAPI, phone: Phone
) -> None:
    phone.start(linking.issue(tg_services, DEMO_PERSON_ID).code)
    await phone.wait_replies(1)
    before = len(phone.replies())
    with tg_services.write() as tx:
        written = write_to_person(
            tg_services, tx, DEMO_PERSON_ID, 1, "CPIP démo", "Votre RDV est jeudi à 14 h."
        )
    assert written.channel is Channel.TELEGRAM
    texts = await phone.wait_replies(before + 1)
    assert texts[-1] == "Message de votre conseiller, CPIP démo :\nVotre RDV est jeudi à 14 h."

    def recorded() -> bool:
        with read_session(tg_services.engine) as session:
            last = recent_transcript(session, DEMO_PERSON_ID, limit=1)[-1]
        return last.channel is Channel.COUNSELLOR and last.payload.get("via") == "telegram"

    await botapi.wait_for(recorded, what="the message recorded as the counsellor's")
