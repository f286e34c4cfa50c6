"""The 🔊 buttons: a message of the conversation, or the open question, as sound.

`GET /kiosk/speak/{entry_id}` reads one transcript entry of the person at the
kiosk (another person's entry, or none, is "not found": nothing tells them
apart). `GET /kiosk/speak/prompt` reads the open question with its buttons, so
that someone who cannot read knows what to press. Without JavaScript the page
shows a plain `<audio controls>` for each; `kiosk.js` turns them into big 🔊
buttons.
"""

from __future__ import annotations

from collections.abc import Callable

from fastapi import APIRouter, Request
from fastapi.responses import Response

from bot.kiosk import session as kiosk_session
from bot.kiosk import words
from bot.kiosk.chat import PromptView, chat_view
from bot.kiosk.entries import own_entry
from bot.kiosk.session import COOKIE
from bot.services import Services
from bot.speech import SpeechUnavailable, synthesize

Problem = Callable[[str, str, int, str], Response]


def prompt_words(prompt: PromptView) -> str:
    """The question, then each button's label, one sentence each."""
    labels = [b.label for b in prompt.buttons]
    if prompt.done is not None:
        labels.append(prompt.done.label)
    return "\n".join(_sentence(part) for part in (prompt.text, *labels) if part.strip())


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text[-1] in ".!?…:;" else text + "."


def add_read_aloud_routes(router: APIRouter, services: Services, problem: Problem) -> None:
    """Add the speak routes to the kiosk's router."""

    def sound(text: str, language: str) -> Response:
        try:
            wav = synthesize(text, language, program=services.settings.speech_program)
        except SpeechUnavailable:
            return problem(language, words.SPEECH_FAILED, 503, "/kiosk/chat")
        return Response(wav, media_type="audio/wav")

    @router.get("/speak/prompt")
    def speak_prompt(request: Request) -> Response:
        visit = kiosk_session.resume(services, request.cookies.get(COOKIE)).visit
        if visit is None:
            return Response(status_code=401)
        view = chat_view(services, visit.person_id)
        if view.prompt is None:
            return Response(status_code=404)
        return sound(prompt_words(view.prompt), view.language)

    @router.get("/speak/{entry_id}")
    def speak_entry(request: Request, entry_id: int) -> Response:
        found = own_entry(services, request, entry_id)
        if isinstance(found, Response):
            return found
        _visit, entry = found
        if not entry.text.strip():
            return Response(status_code=404)
        return sound(entry.text, str(entry.language))
