"""🔊 on every message of Fil rouge and on the open question: a WAV made by
espeak-ng, only for the person at the kiosk, and a clear page when it fails."""

from __future__ import annotations

import html
import io
import re
import shutil
import wave

import httpx
import pytest
from fastapi.testclient import TestClient

from bot.app import create_app
from bot.kiosk.chat import ButtonView, PromptView
from bot.kiosk.read_aloud import prompt_words
from bot.services import Services
from storage.enums import Direction
from tests.conftest import ServicesFactory
from tests.kiosk.visitor import Kiosk, transcript

needs_espeak = pytest.mark.skipif(
    shutil.which("espeak-ng") is None, reason="espeak-ng is not installed (scripts/install)"
)
AUDIO = re.compile(r'<audio controls preload="none" src="(/kiosk/speak/[^"]+)"')


def _seconds(response: httpx.Response) -> float:
    with wave.open(io.BytesIO(response.content)) as sound:
        return float(sound.getnframes()) / float(sound.getframerate())


def _bubbles(page: str) -> list[str]:
    return re.findall(r'<li class="bubble[^>]*>.*?</li>', page, re.S)


def test_every_message_of_fil_rouge_has_a_player_and_the_person_s_own_do_not(
    logged_in: Kiosk, services: Services
) -> None:
    logged_in.say("bonjour")
    page = logged_in.chat().text
    bubbles = _bubbles(page)
    theirs = [b for b in bubbles if "bubble theirs" in b]
    mine = [b for b in bubbles if "bubble mine" in b]
    assert theirs
    assert mine
    assert all(len(AUDIO.findall(b)) == 1 for b in theirs)
    assert not any(AUDIO.search(b) for b in mine)
    # Each player reads its own entry of the transcript.
    said_by_fil_rouge = {e.id for e in transcript(services) if e.direction == Direction.OUT}
    for bubble in theirs:
        entry_id = int(AUDIO.findall(bubble)[0].rsplit("/", 1)[1])
        assert entry_id in said_by_fil_rouge
    assert '<audio controls preload="none" src="/kiosk/speak/prompt"' in page


@needs_espeak
def test_a_message_is_read_aloud_as_a_wav_file(logged_in: Kiosk) -> None:
    src = AUDIO.findall(logged_in.chat().text)[0]
    response = logged_in.client.get(src)
    assert response.status_code == 200
    assert response.headers["content-type"] == "audio/wav"
    assert response.headers["cache-control"] == "no-store"
    assert response.content[:4] == b"RIFF"
    assert _seconds(response) > 0.3


@needs_espeak
def test_the_open_question_is_read_with_its_buttons(logged_in: Kiosk) -> None:
    response = logged_in.client.get("/kiosk/speak/prompt")
    assert response.status_code == 200
    assert response.headers["content-type"] == "audio/wav"
    assert _seconds(response) > 1  # the question and every label


def test_what_is_read_for_a_question_is_its_text_then_each_button() -> None:
    prompt = PromptView(
        "checklist",
        3,
        "Quels papiers avez-vous ?",
        (ButtonView("tick:id", "Carte d'identité", True), ButtonView("tick:cv", "Carte vitale")),
        done=ButtonView("done", "C'est tout"),
    )
    assert (
        prompt_words(prompt)
        == "Quels papiers avez-vous ?\nCarte d'identité.\nCarte vitale.\nC'est tout."
    )


@needs_espeak
def test_arabic_messages_are_read_in_arabic(client: TestClient, services: Services) -> None:
    kiosk = Kiosk(client)
    assert kiosk.login(code="DEMO02", pin="5678").status_code == 303
    src = AUDIO.findall(kiosk.chat().text)[0]
    entry_id = int(src.rsplit("/", 1)[1])
    entry = next(e for e in transcript(services, person_id=2) if e.id == entry_id)
    assert entry.language == "ar"
    response = kiosk.client.get(src)
    assert response.status_code == 200
    assert _seconds(response) > 0.3


def test_another_person_s_messages_are_not_found(logged_in: Kiosk) -> None:
    src = AUDIO.findall(logged_in.chat().text)[0]
    with TestClient(logged_in.client.app, base_url="http://kiosk.test") as client:
        other = Kiosk(client)
        assert other.login(code="DEMO02", pin="5678").status_code == 303
        assert client.get(src).status_code == 404
        assert client.get("/kiosk/speak/999999").status_code == 404
        assert client.get(f"/kiosk/speak/{2**70}").status_code == 404


def test_nothing_is_read_to_a_logged_out_browser(logged_in: Kiosk) -> None:
    src = AUDIO.findall(logged_in.chat().text)[0]
    logged_in.client.post("/kiosk/logout")
    for path in (src, "/kiosk/speak/prompt"):
        response = logged_in.client.get(path, follow_redirects=False)
        assert response.status_code == 401
        assert response.content == b""


def test_without_espeak_ng_the_page_says_reading_aloud_does_not_work(
    make_services: ServicesFactory,
) -> None:
    services = make_services(speech_program="/nonexistent/espeak-ng")
    with TestClient(create_app(services=services), base_url="http://kiosk.test") as client:
        kiosk = Kiosk(client)
        kiosk.login()
        response = client.get(AUDIO.findall(kiosk.chat().text)[0])
    assert response.status_code == 503
    assert "La lecture à voix haute ne marche pas pour le moment." in html.unescape(response.text)
    assert 'href="/kiosk/chat"' in response.text
