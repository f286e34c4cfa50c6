"""The kiosk's pages: log in, the conversation, say or press, log out.

Every page works without JavaScript (plain forms, Post/Redirect/Get); the small
script in `static/kiosk.js` adds the idle logout (kept off while the person
types, through `/kiosk/alive`), ignores double taps and plays the 🔊 buttons.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from babel.numbers import format_decimal
from fastapi import APIRouter, Form, Request
from fastapi.responses import FileResponse, RedirectResponse, Response

from bot.i18n import LANGUAGES
from bot.kiosk import login_token, words
from bot.kiosk import session as kiosk_session
from bot.kiosk.chat import ChatView, chat_view, language_of
from bot.kiosk.documents import add_document_routes
from bot.kiosk.login import Outcome, log_in
from bot.kiosk.pages import Pages
from bot.kiosk.read_aloud import add_read_aloud_routes
from bot.kiosk.security import KioskRoute
from bot.kiosk.session import COOKIE, LANG_COOKIE, Resumed, Visit
from bot.services import Services
from bot.turn import Inbound, run_turn
from dialogs.events import Event, Pressed, Said, System
from storage.enums import Channel
from storage.errors import DatabaseUnavailable

STATIC = Path(__file__).resolve().parent / "static"
STATIC_FILES = {
    "kiosk.css": "text/css",
    "kiosk.js": "text/javascript",
    "speaker.svg": "image/svg+xml",
}
MAX_VALUE = 100


def kiosk_router(services: Services) -> APIRouter:
    """The `/kiosk` pages, bound to `services`."""
    router = APIRouter(prefix="/kiosk", route_class=KioskRoute, include_in_schema=False)
    pages = Pages(services.catalogs)

    def login_language(request: Request, chosen: str = "") -> str:
        for candidate in (chosen, request.cookies.get(LANG_COOKIE, "")):
            if candidate in LANGUAGES:
                return candidate
        return "fr"

    def to_login(resumed: Resumed) -> Response:
        response = RedirectResponse("/kiosk?idle=1" if resumed.went_idle else "/kiosk", 303)
        kiosk_session.clear_cookie(response, services)
        return response

    def problem(language: str, message: str, status_code: int, back: str) -> Response:
        return pages.render(
            "problem.html", language, status_code=status_code, message=message, back=back
        )

    def login_form(language: str, **context: Any) -> Response:
        """The login page, with a fresh token in its form and in a cookie."""
        token = login_token.new_token()
        response = pages.render(
            "login.html",
            language,
            login_token=token,
            refresh_seconds=login_token.REFRESH_SECONDS,
            **context,
        )
        login_token.set_cookie(response, services, token)
        return response

    def chat_page(
        view: ChatView,
        visit: Visit,
        *,
        notice: str = "",
        error: str = "",
        text: str = "",
        mid: str = "",
        status_code: int = 200,
    ) -> Response:
        return pages.render(
            "chat.html",
            view.language,
            status_code=status_code,
            view=view,
            csrf=visit.csrf_token,
            mid=mid or kiosk_session.new_message_id(),
            max_length=services.settings.max_text_length,
            max_length_shown=format_decimal(
                services.settings.max_text_length, locale=view.language
            ),
            idle_seconds=services.settings.kiosk_idle_seconds,
            notice=notice,
            error=error,
            text=text,
        )

    @router.get("")
    def login_page(request: Request, lang: str = "", idle: str = "", bye: str = "") -> Response:
        resumed = kiosk_session.resume(services, request.cookies.get(COOKIE))
        if resumed.visit is not None:
            return RedirectResponse("/kiosk/chat", 303)
        language = login_language(request, lang)
        notice = words.IDLE if idle or resumed.went_idle else words.BYE if bye else ""
        response = login_form(language, notice=notice)
        if lang in LANGUAGES:
            kiosk_session.set_language_cookie(response, services, lang)
        if COOKIE in request.cookies:
            kiosk_session.clear_cookie(response, services)
        return response

    @router.post("/login")
    def login(
        request: Request,
        code: str = Form(""),
        pin: str = Form(""),
        lang: str = Form(""),
        csrf: str = Form(""),
    ) -> Response:
        language = login_language(request, lang)
        if not login_token.matches(request, csrf):
            return problem(language, words.FORBIDDEN, 403, "/kiosk")
        if not code.strip() or not pin.strip():
            return login_form(language, error=words.MISSING)
        result = log_in(services, code, pin)
        if result.outcome is Outcome.LOCKED:
            return login_form(language, locked_minutes=result.minutes_left)
        if result.outcome is Outcome.REFUSED:
            return login_form(language, error=words.REFUSED)
        start = Inbound(
            result.person_id, Channel.KIOSK, System("start"), f"login:{result.session_id}"
        )
        run_turn(services, start)
        response = RedirectResponse("/kiosk/chat#last", 303)
        kiosk_session.set_cookie(response, services, result.raw_token)
        login_token.clear_cookie(response, services)
        return response

    @router.get("/chat")
    def chat(request: Request, notice: str = "") -> Response:
        resumed = kiosk_session.resume(services, request.cookies.get(COOKIE))
        if resumed.visit is None:
            return to_login(resumed)
        view = chat_view(services, resumed.visit.person_id)
        return chat_page(view, resumed.visit, notice=words.EMPTY if notice == "empty" else "")

    @router.post("/say")
    def say(
        request: Request,
        csrf: str = Form(""),
        mid: str = Form(""),
        seq: str = Form(""),
        value: str = Form(""),
        text: str | None = Form(None),
    ) -> Response:
        resumed = kiosk_session.resume(services, request.cookies.get(COOKIE))
        visit = resumed.visit
        if visit is None:
            return to_login(resumed)
        person_id = visit.person_id
        if not kiosk_session.csrf_ok(visit, csrf):
            return problem(language_of(services, person_id), words.FORBIDDEN, 403, "/kiosk")
        if not kiosk_session.valid_message_id(mid):
            return problem(language_of(services, person_id), words.MALFORMED, 400, "/kiosk/chat")
        event: Event
        if value:
            if not seq.strip().isdigit() or len(value) > MAX_VALUE:
                return problem(
                    language_of(services, person_id), words.MALFORMED, 400, "/kiosk/chat"
                )
            event = Pressed(int(seq), value)
        elif text is not None:
            said = text.replace("\r\n", "\n").strip()
            if not said:
                return RedirectResponse("/kiosk/chat?notice=empty#last", 303)
            if len(said) > services.settings.max_text_length:
                view = chat_view(services, visit.person_id)
                return chat_page(view, visit, error="too_long", text=said, status_code=422)
            event = Said(said)
        else:
            return problem(language_of(services, person_id), words.MALFORMED, 400, "/kiosk/chat")
        try:
            run_turn(services, Inbound(visit.person_id, Channel.KIOSK, event, inbound_id=mid))
        except DatabaseUnavailable:
            if not isinstance(event, Said):
                raise  # a button: the app's "busy" page, and the person presses again
            # Nothing was saved. The same page comes back with the text in the
            # field and the same message id: sending again is answered once.
            view = chat_view(services, visit.person_id)
            return chat_page(
                view, visit, error=words.BUSY, text=event.text, mid=mid, status_code=503
            )
        return RedirectResponse("/kiosk/chat#last", 303)

    @router.post("/alive")
    def alive(request: Request, csrf: str = Form("")) -> Response:
        """The person is typing (kiosk.js says so now and then): reset the
        session's idle clock, so the server agrees with the screen. 401 when the
        session is over (the script then reloads, and the page says why)."""
        token = request.cookies.get(COOKIE)
        visit = kiosk_session.peek(services, token)
        if visit is None:
            return Response(status_code=401)
        if not kiosk_session.csrf_ok(visit, csrf):
            return Response(status_code=403)  # and the idle clock runs on
        if kiosk_session.resume(services, token).visit is None:  # pragma: no cover - a race
            return Response(status_code=401)
        return Response(status_code=204)

    def logged_out(request: Request, idle: bool) -> Response:
        # Never refused, CSRF or not: on a shared screen a refused logout would
        # leave a conversation open. The cookie is SameSite=Strict, so another
        # site cannot trigger it with the person's session anyway.
        token = request.cookies.get(COOKIE)
        kiosk_session.end(services, token, "idle" if idle else "button")
        response = RedirectResponse("/kiosk?idle=1" if idle else "/kiosk?bye=1", 303)
        kiosk_session.clear_cookie(response, services)
        response.headers["Clear-Site-Data"] = '"cache"'
        return response

    @router.post("/logout")
    def logout(request: Request, idle: str = Form("")) -> Response:
        return logged_out(request, bool(idle))

    @router.get("/logout")
    def logout_idle(request: Request, idle: str = "") -> Response:
        """The no-JavaScript idle fallback (`<meta http-equiv="refresh">`)."""
        return logged_out(request, bool(idle))

    add_read_aloud_routes(router, services, problem)
    add_document_routes(router, services, pages)

    @router.get("/static/{name}")
    def static(name: str) -> Response:
        media_type = STATIC_FILES.get(name)
        if media_type is None:
            return Response(status_code=404)
        return FileResponse(STATIC / name, media_type=media_type)

    return router
