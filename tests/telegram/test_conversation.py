"""A linked person's conversation on Telegram: the same one as at the kiosk, through the Bot API."""

from __future__ import annotations

import itertools

import pytest

from bot import linking
from bot.services import Services
from bot.telegram import words
from bot.telegram.runner import TelegramChannel
from bot.turn import Inbound, TurnResult, run_turn
from dialogs.events import Event, Pressed, Said, System
from storage.conversation import load_state
from storage.database import read_session
from storage.enums import Channel, Direction
from storage.transcript import StoredEntry, recent_transcript
from tests.telegram.botapi import BotAPI
from tests.telegram.conftest import DEMO_PERSON_ID, drained
from tests.telegram.phone import Phone

pytestmark = pytest.mark.usefixtures("telegram")

_kiosk_ids = itertools.count(1)
UNDERSTOOD = "Voulez-vous que je répète ?"


def at_the_kiosk(services: Services, event: Event) -> TurnResult:
    inbound = Inbound(DEMO_PERSON_ID, Channel.KIOSK, event, f"kiosk-{next(_kiosk_ids)}")
    return run_turn(services, inbound)


def walk_to_understood(services: Services) -> int:
    """At the kiosk: home, Santé, the CSS flow, "no cover": on "Voulez-vous que je répète ?"."""
    result = at_the_kiosk(services, System("start"))
    for value in ("sante", "css"):
        result = at_the_kiosk(services, Pressed(result.state.seq, value))
    result = at_the_kiosk(services, Said("non"))
    assert result.state.stack[-1].step == "understood"
    return result.state.seq


def transcript(services: Services) -> list[StoredEntry]:
    with read_session(services.engine) as session:
        return recent_transcript(session, DEMO_PERSON_ID, limit=1000)


def seq_of(services: Services) -> int:
    with read_session(services.engine) as session:
        data, _version = load_state(session, DEMO_PERSON_ID)
    assert data is not None
    return int(data["seq"])


async def linked(services: Services, phone: Phone) -> str:
    """Link `phone` to Démo A; returns the greeting it got."""
    phone.start(linking.issue(services, DEMO_PERSON_ID).code)
    [greeting] = await phone.wait_replies(1)
    # Recorded once Telegram accepted it, just after the Bot API answered.
    await phone.api.wait_for(lambda: transcript(services)[-1].text == greeting, what="record")
    return greeting


async def test_after_linking_the_person_finds_the_step_left_at_the_kiosk(
    tg_services: Services, phone: Phone
) -> None:
    seq = walk_to_understood(tg_services)
    greeting = await linked(tg_services, phone)
    assert greeting.startswith("Bonjour Démo. Votre téléphone est relié.")
    assert greeting.endswith(UNDERSTOOD)
    assert phone.buttons() == ["Non, on continue", "Oui, répétez"]
    keyboard = phone.replies()[-1]["reply_markup"]["inline_keyboard"]
    assert all(len(row) == 1 for row in keyboard)  # one big button a row
    assert keyboard[0][0]["callback_data"] == f"v1:{seq}:go_on"
    assert "parse_mode" not in phone.replies()[-1]


async def test_the_css_flow_is_finished_with_buttons_on_telegram(
    tg_services: Services, phone: Phone
) -> None:
    walk_to_understood(tg_services)
    await linked(tg_services, phone)

    phone.press("Non, on continue")
    texts = await phone.wait_replies(2)
    assert "Touchez ceux que vous avez déjà" in texts[-1]
    assert phone.buttons()[0] == "☐ Une pièce d'identité ou un titre de séjour"
    assert phone.buttons()[-1] == "C'est fait"

    phone.press("☐ Une pièce d'identité ou un titre de séjour")
    await phone.wait_replies(3)
    assert phone.buttons()[0] == "☑ Une pièce d'identité ou un titre de séjour"

    phone.press("C'est fait")
    texts = await phone.wait_replies(4)
    assert "Voulez-vous qu'un conseiller vous aide" in texts[-1]
    assert "(Appuyez sur Oui ou Non, ou écrivez-le.)" in texts[-1]

    phone.press("Non")
    texts = await phone.wait_replies(5)
    assert "J'ai coché cette étape dans « Mon plan »." in texts[-1]

    with read_session(tg_services.engine) as session:
        data, _version = load_state(session, DEMO_PERSON_ID)
    assert data is not None
    assert data["answers"]["css_papers"] == ["identity"]
    assert "css" in data["done"]["sante"]


async def test_typed_answers_work_as_at_the_kiosk(tg_services: Services, phone: Phone) -> None:
    walk_to_understood(tg_services)
    await linked(tg_services, phone)
    phone.send("non, on continue")
    texts = await phone.wait_replies(2)
    assert "Touchez ceux que vous avez déjà" in texts[-1]


async def test_the_menu_command_goes_home_from_the_middle_of_a_guide(
    tg_services: Services, phone: Phone
) -> None:
    walk_to_understood(tg_services)
    await linked(tg_services, phone)
    phone.send("/menu")
    texts = await phone.wait_replies(2)
    assert texts[-1].startswith("Que voulez-vous préparer ?")


async def test_telegram_lists_the_menu_and_recap_commands_in_every_language(
    botapi: BotAPI,
) -> None:
    await botapi.wait_for(lambda: len(botapi.called("setMyCommands")) == 4, what="4 languages")
    by_language = {
        call.params.get("language_code"): call.params["commands"]
        for call in botapi.called("setMyCommands")
    }
    assert set(by_language) == {None, "ar", "en", "ro"}  # French is the default
    french = {c["command"]: c["description"] for c in by_language[None]}
    assert french == {
        "urgence": "Aide urgente : qui appeler tout de suite",
        "menu": "Revenir au menu",
        "recap": "Voir mes derniers messages",
        "ecouter": "Écouter le dernier message",
    }
    english = {c["command"]: c["description"] for c in by_language["en"]}
    assert english["menu"] != french["menu"]


async def test_an_old_button_is_answered_this_question_is_closed(
    tg_services: Services, phone: Phone
) -> None:
    walk_to_understood(tg_services)
    await linked(tg_services, phone)
    old = phone.replies()[-1]
    phone.press("Non, on continue")
    await phone.wait_replies(2)
    seq = seq_of(tg_services)
    phone.press_data(old["reply_markup"]["inline_keyboard"][1][0]["callback_data"], old)
    texts = await phone.wait_replies(3)
    assert texts[-1].startswith("Cette question est fermée. Voici la question en cours.")
    assert "Touchez ceux que vous avez déjà" in texts[-1]
    assert seq_of(tg_services) == seq


@pytest.mark.parametrize("data", ["garbage", "v0:1:go_on", "v1:x:go_on", "v1:3:", None])
async def test_a_button_that_is_not_ours_gets_the_open_question_again(
    tg_services: Services, phone: Phone, botapi: BotAPI, data: str | None
) -> None:
    walk_to_understood(tg_services)
    await linked(tg_services, phone)
    seq = seq_of(tg_services)
    phone.press_data(data)  # type: ignore[arg-type]
    texts = await phone.wait_replies(2)
    assert texts[-1].startswith("Cette question est fermée.")
    assert texts[-1].endswith(UNDERSTOOD)
    assert seq_of(tg_services) == seq
    await botapi.wait_for(lambda: len(botapi.called("answerCallbackQuery")) == 1)


async def test_every_button_press_is_answered_to_telegram(
    tg_services: Services, phone: Phone, botapi: BotAPI
) -> None:
    walk_to_understood(tg_services)
    await linked(tg_services, phone)
    phone.press("Non, on continue")
    await phone.wait_replies(2)
    assert len(botapi.called("answerCallbackQuery")) == 1


async def test_a_double_tap_on_one_button_gives_one_answer(
    tg_services: Services, phone: Phone, botapi: BotAPI, telegram: TelegramChannel
) -> None:
    walk_to_understood(tg_services)
    await linked(tg_services, phone)
    phone.press("Non, on continue")
    phone.press("Non, on continue")
    await phone.wait_replies(2)
    await botapi.wait_for(lambda: len(botapi.called("answerCallbackQuery")) == 2)
    await drained(telegram, botapi)
    assert len(phone.replies()) == 2
    pressed = [e for e in transcript(tg_services) if e.payload.get("event") == "pressed"]
    assert [e.text for e in pressed if e.channel == Channel.TELEGRAM] == ["Non, on continue"]


async def test_a_replayed_update_is_answered_once(
    tg_services: Services, phone: Phone, botapi: BotAPI, telegram: TelegramChannel
) -> None:
    walk_to_understood(tg_services)
    await linked(tg_services, phone)
    update_id = phone.send("non, on continue")
    await phone.wait_replies(2)
    botapi.replay(update_id)
    await botapi.wait_for(lambda: _delivered_twice(botapi, update_id))
    await drained(telegram, botapi)
    assert len(phone.replies()) == 2


async def test_a_burst_of_twenty_messages_is_answered_in_order(
    tg_services: Services, phone: Phone
) -> None:
    await linked(tg_services, phone)  # the home menu
    for number in range(20):
        phone.send(f"bof {number}")
    texts = await phone.wait_replies(21, within=30)
    assert len(texts) == 21
    said = [e.text for e in transcript(tg_services) if e.payload.get("event") == "said"]
    assert said == [f"bof {number}" for number in range(20)]

    def answers() -> list[str]:
        return [e.text for e in transcript(tg_services) if e.direction == Direction.OUT]

    # Each answer is recorded once Telegram accepted it, just after: wait for the last.
    await phone.api.wait_for(lambda: len(answers()) >= 21, what="21 answers recorded")
    assert answers() == texts
    assert all(t.startswith("Je n'ai pas compris") for t in texts[1:])
    # The state saw every message: the misses were counted, help was offered.
    assert "Parler à un conseiller" in phone.buttons()


@pytest.mark.parametrize(
    "content",
    [
        {
            "sticker": {
                "file_id": "s",
                "file_unique_id": "s",
                "type": "regular",
                "width": 512,
                "height": 512,
                "is_animated": False,
                "is_video": False,
            }
        },
        {"photo": [{"file_id": "p", "file_unique_id": "p", "width": 90, "height": 90}]},
        {"document": {"file_id": "d", "file_unique_id": "d", "file_name": "cv.pdf"}},
        {"location": {"latitude": 48.85, "longitude": 2.35}},
    ],
    ids=["sticker", "photo", "document", "location"],  # a voice note: tests/telegram/test_voice.py
)
async def test_what_is_not_text_gets_a_short_reply_and_changes_nothing(
    tg_services: Services, phone: Phone, botapi: BotAPI, content: dict[str, object]
) -> None:
    await linked(tg_services, phone)
    seq = seq_of(tg_services)
    botapi.push("message", phone.message(**content))
    texts = await phone.wait_replies(2)
    assert texts[-1] == words.UNSUPPORTED
    assert seq_of(tg_services) == seq


async def test_an_unlinked_sticker_gets_the_same_short_reply(phone: Phone, botapi: BotAPI) -> None:
    sticker = {"file_id": "s", "file_unique_id": "s", "type": "regular", "width": 1}
    sticker |= {"height": 1, "is_animated": False, "is_video": False}
    botapi.push("message", phone.message(sticker=sticker))
    assert await phone.wait_replies(1) == [words.UNSUPPORTED]


async def test_edited_messages_and_group_chats_get_silence(
    tg_services: Services, phone: Phone, botapi: BotAPI, telegram: TelegramChannel
) -> None:
    await linked(tg_services, phone)
    before = len(transcript(tg_services))
    edited = phone.message(text="oui", edit_date=1)
    botapi.push("edited_message", edited)
    group = phone.message(text="/start")
    group["chat"] = {"id": -1001, "type": "group", "title": "Famille"}
    group_id = botapi.push("message", group)
    await botapi.wait_for(lambda: _fetched(botapi, group_id))
    await drained(telegram, botapi)
    assert len(botapi.sent()) == 1
    assert len(transcript(tg_services)) == before


async def test_recap_shows_the_last_messages(tg_services: Services, phone: Phone) -> None:
    walk_to_understood(tg_services)
    await linked(tg_services, phone)
    phone.send("Récap")
    texts = await phone.wait_replies(2)
    assert texts[-1].startswith("Vos derniers messages :")
    assert "— Vous : non" in texts[-1]
    assert UNDERSTOOD in texts[-1]
    phone.send("/recap")
    assert (await phone.wait_replies(3))[-1].startswith("Vos derniers messages :")


def _delivered_twice(botapi: BotAPI, update_id: int) -> bool:
    return _fetched(botapi, update_id, times=2)


def _fetched(botapi: BotAPI, update_id: int, times: int = 1) -> bool:
    """Whether getUpdates handed out `update_id` `times` times (so the bot has it)."""
    return _handed_out(botapi, update_id) >= times


def _handed_out(botapi: BotAPI, update_id: int) -> int:
    return botapi.handed_out.count(update_id)
