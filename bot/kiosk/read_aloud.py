"""The 🔊 buttons: a message of the conversation, or the open question, as sound.

`GET /kiosk/speak/{entry_id}` reads one transcript entry of the person at the
kiosk (another person's entry, or none, is "not found": nothing tells them
apart). `GET /kiosk/speak/prompt` reads the open question with its buttons, so
that someone who cannot read knows what to press. Without JavaScript the page
shows a plain `<audio controls>` for each; `kiosk.js` turns them into big 🔊
buttons.
"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from bot.kiosk import words
from bot.kiosk.chat import PromptView, chat_view
from bot.kiosk.deps import ScriptVisitDep, ServicesDep
from bot.kiosk.entries import own_entry
from bot.kiosk.errors import Refused
from bot.kiosk.security import KioskRoute
from bot.services import Services
from bot.speech import SpeechUnavailable, synthesize


def prompt_words(prompt: PromptView) -> str:
    """The question, then each button's label, one sentence each."""
    labels = [b.label for b in prompt.buttons]
    if prompt.done is not None:
        labels.append(prompt.done.label)
    return "\n".join(_sentence(part) for part in (prompt.text, *labels) if part.strip())


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text[-1] in ".!?…:;" else text + "."


router = APIRouter(prefix="/kiosk", route_class=KioskRoute)


@router.get("/speak/prompt")
def speak_prompt(services: ServicesDep, visit: ScriptVisitDep) -> Response:
    view = chat_view(services, visit.person_id)
    if view.prompt is None:
        return Response(status_code=404)
    return _sound(services, prompt_words(view.prompt), view.language)


@router.get("/speak/{entry_id}")
def speak_entry(services: ServicesDep, visit: ScriptVisitDep, entry_id: int) -> Response:
    entry = own_entry(services, visit, entry_id)
    if entry is None or not entry.text.strip():
        return Response(status_code=404)
    return _sound(services, entry.text, str(entry.language))


def _sound(services: Services, text: str, language: str) -> Response:
    try:
        wav = synthesize(text, language, program=services.settings.speech_program)
    except SpeechUnavailable as error:
        raise Refused(words.SPEECH_FAILED, 503, "/kiosk/chat", language) from error
    return Response(wav, media_type="audio/wav")
