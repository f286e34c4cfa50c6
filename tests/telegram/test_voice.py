"""Reading aloud on Telegram, through the local Bot API server: a voice note sent by the
person, or `/ecouter`, is answered with Fil rouge's last message as a voice note that
Telegram plays (Ogg Opus, made by espeak-ng and opusenc)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from bot import linking
from bot.services import Services
from bot.telegram import words
from tests.telegram.botapi import BotAPI
from tests.telegram.conftest import DEMO_PERSON_ID
from tests.telegram.phone import Phone

pytestmark = pytest.mark.usefixtures("telegram")


@pytest.fixture(autouse=True)
def speech_tools() -> None:
    for tool, package in (("espeak-ng", "espeak-ng"), ("opusenc", "opus-tools")):
        if shutil.which(tool) is None:
            pytest.skip(f"{tool} is not installed (apt install {package}, or scripts/install)")


def _voice_notes(botapi: BotAPI, chat_id: int) -> list[bytes]:
    return [
        c.params["voice"].content
        for c in botapi.called("sendVoice")
        if c.status == 200 and int(c.params["chat_id"]) == chat_id
    ]


def _is_ogg_opus(sound: bytes, tmp_path: Path) -> None:
    """Checked as a player would: an Ogg stream whose first packet is an Opus header,
    read back by opus-tools' own reader (`opusinfo`) when it is there."""
    assert sound[:4] == b"OggS"
    assert sound[28:36] == b"OpusHead"
    if shutil.which("opusinfo"):
        path = tmp_path / "note.ogg"
        path.write_bytes(sound)
        info = subprocess.run(["opusinfo", str(path)], capture_output=True, text=True, check=True)
        assert "Opus stream 1" in info.stdout
        seconds = next(line for line in info.stdout.splitlines() if "Playback length" in line)
        assert "0m:00.000s" not in seconds


async def test_a_voice_note_received_is_answered_with_the_last_message_spoken(
    tg_services: Services, phone: Phone, botapi: BotAPI, tmp_path: Path
) -> None:
    phone.start(linking.issue(tg_services, DEMO_PERSON_ID).code)
    [greeting] = await phone.wait_replies(1)

    phone.api.push(
        "message",
        phone.message(voice={"file_id": "v1", "file_unique_id": "u1", "duration": 3}),
    )

    assert (await phone.wait_replies(2))[-1] == words.VOICE_RECEIVED
    await botapi.wait_for(lambda: _voice_notes(botapi, phone.user_id) != [], what="a voice note")
    [note] = _voice_notes(botapi, phone.user_id)
    _is_ogg_opus(note, tmp_path)
    assert greeting  # what was read: the greeting and its question, the last message


async def test_ecouter_sends_the_last_message_as_a_voice_note(
    tg_services: Services, phone: Phone, botapi: BotAPI, tmp_path: Path
) -> None:
    phone.start(linking.issue(tg_services, DEMO_PERSON_ID).code)
    await phone.wait_replies(1)

    phone.send("/ecouter")

    await botapi.wait_for(lambda: _voice_notes(botapi, phone.user_id) != [], what="a voice note")
    _is_ogg_opus(_voice_notes(botapi, phone.user_id)[0], tmp_path)
    assert len(phone.replies()) == 1  # a voice note only, no text


async def test_a_voice_note_from_a_phone_not_linked_says_how(phone: Phone, botapi: BotAPI) -> None:
    phone.api.push(
        "message", phone.message(voice={"file_id": "v", "file_unique_id": "u", "duration": 1})
    )

    assert await phone.wait_replies(1) == [words.VOICE_RECEIVED]
    assert botapi.called("sendVoice") == []
