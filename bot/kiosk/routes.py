"""The kiosk's pages: log in, the conversation, say or press, log out.

Every page works without JavaScript (plain forms, Post/Redirect/Get); the small
script in `static/kiosk.js` adds the idle logout (kept off while the person
types, through `/kiosk/alive`), ignores double taps and plays the 🔊 buttons.
What goes wrong is raised and made a page in one place (`bot.kiosk.errors`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import anyio
from babel.numbers import format_decimal
from fastapi import APIRouter, FastAPI, Form, Query, Request
from fastapi.responses import FileResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from bot.i18n import LANGUAGES
from bot.kiosk import documents, login_token, read_aloud, words
from bot.kiosk import session as kiosk_session
from bot.kiosk.chat import (
    ChatView,
    answer,
    chat_view,
    keep_alive,
    language_of,
    read_page,
    something_new,
)
from bot.kiosk.deps import PagesDep, ScriptVisitDep, ServicesDep, VisitDep
from bot.kiosk.errors import LoggedOut, Refused, install_handlers, login_address
from bot.kiosk.login import Outcome, log_in
from bot.kiosk.pages import Pages
from bot.kiosk.security import KioskRoute
from bot.kiosk.session import COOKIE, LANG_COOKIE, PREFS, PREFS_COOKIE, Visit, prefs_of
from bot.services import Services
from bot.turn import Inbound, run_turn
from bot.typed import ascii_number, cleaned
from dialogs.events import Event, Pressed, Said, System
from storage.enums import Channel
from storage.errors import DatabaseUnavailable

STATIC = Path(__file__).resolve().parent / "static"
STATIC_FILES = {
    "kiosk.css": "text/css",
    "kiosk.js": "text/javascript",
    "speaker.svg": "image/svg+xml",
    "favicon.svg": "image/svg+xml",
}
MAX_VALUE = 100

router = APIRouter(prefix="/kiosk", route_class=KioskRoute)
Field = Annotated[str, Form()]


def install(app: FastAPI, services: Services) -> None:
    """Mount the kiosk on the app: its pages, and the pages of what goes wrong."""
    pages = Pages(services.catalogs)
    app.state.kiosk_pages = pages
    app.include_router(router)
    app.include_router(read_aloud.router)
    app.include_router(documents.router)
    install_handlers(app, services, pages)


# --- logging in ----------------------------------------------------------------------------


@router.get("")
def login_page(
    request: Request,
    services: ServicesDep,
    pages: PagesDep,
    lang: str = "",
    idle: str = "",
    bye: str = "",
    shown_in: Annotated[str, Query(alias="in")] = "",
) -> Response:
    """The login page; `lang` chooses the kiosk's language (remembered), `in` shows it
    in the language of the person who just left (not remembered)."""
    token = request.cookies.get(COOKIE)
    resumed = kiosk_session.resume(services, token)
    if resumed.visit is not None:
        return RedirectResponse("/kiosk/chat", 303)
    language = _login_language(request, lang or shown_in or resumed.language)
    notice = words.IDLE if idle or resumed.went_idle else words.BYE if bye else ""
    response = _login_form(services, pages, language, notice=notice)
    if lang in LANGUAGES:
        kiosk_session.set_language_cookie(response, services, lang)
    if token is not None:
        kiosk_session.clear_cookie(response, services)
    if PREFS_COOKIE in request.cookies:
        kiosk_session.clear_prefs_cookie(response, services)
    return response


@router.post("/login")
async def login(
    request: Request,
    services: ServicesDep,
    pages: PagesDep,
    code: Field = "",
    pin: Field = "",
    lang: Field = "",
    csrf: Field = "",
) -> Response:
    response, outcome = await run_in_threadpool(
        _login, request, services, pages, code, pin, lang, csrf
    )
    # Wrong tries are answered late, on the event loop: a crowd of them holds no thread,
    # and each client goes no faster than its answers.
    delay = services.settings.login_delay_seconds
    if outcome is Outcome.REFUSED:
        await anyio.sleep(delay)
    elif outcome is Outcome.SLOWED:
        await anyio.sleep(3 * delay)
    return response


def _login(
    request: Request,
    services: Services,
    pages: Pages,
    code: str,
    pin: str,
    lang: str,
    csrf: str,
) -> tuple[Response, Outcome | None]:
    language = _login_language(request, lang)
    if not login_token.matches(request, csrf):
        raise Refused(words.FORBIDDEN, 403, "/kiosk", language)
    if not code.strip() or not pin.strip():
        return _login_form(services, pages, language, error=words.MISSING), None
    source = request.client.host if request.client else ""
    result = log_in(services, code, pin, source)
    services.metrics.logins.labels(str(result.outcome)).inc()
    if result.outcome is Outcome.SLOWED:
        form = _login_form(services, pages, language, locked_minutes=result.minutes_left)
        return form, result.outcome
    if result.outcome is Outcome.BUSY:
        form = _login_form(services, pages, language, error=words.CROWDED, status_code=503)
        return form, result.outcome
    if result.outcome is Outcome.REFUSED:
        return _login_form(services, pages, language, error=words.REFUSED), result.outcome
    start = Inbound(result.person_id, Channel.KIOSK, System("start"), f"login:{result.session_id}")
    run_turn(services, start)
    response = RedirectResponse("/kiosk/chat", 303)
    kiosk_session.set_cookie(response, services, result.raw_token)
    kiosk_session.clear_prefs_cookie(response, services)  # a new person: the default choices
    login_token.clear_cookie(response, services)
    return response, result.outcome


def _login_language(request: Request, chosen: str = "") -> str:
    for candidate in (chosen, request.cookies.get(LANG_COOKIE, "")):
        if candidate in LANGUAGES:
            return candidate
    return "fr"


def _login_form(
    services: Services, pages: Pages, language: str, status_code: int = 200, **context: Any
) -> Response:
    """The login page, with a fresh token in its form and in a cookie."""
    token = login_token.new_token()
    response = pages.render(
        "login.html",
        language,
        status_code=status_code,
        login_token=token,
        refresh_seconds=login_token.REFRESH_SECONDS,
        **context,
    )
    login_token.set_cookie(response, services, token)
    return response


# --- the conversation ------------------------------------------------------------------------


@router.get("/chat")
def chat(request: Request, services: ServicesDep, pages: PagesDep, notice: str = "") -> Response:
    resumed, view = read_page(services, request.cookies.get(COOKIE))
    if resumed.visit is None or view is None:
        raise LoggedOut(went_idle=resumed.went_idle, language=resumed.language)
    prefs = prefs_of(request.cookies.get(PREFS_COOKIE))
    if notice == "empty":
        return _chat_page(services, pages, view, resumed.visit, prefs, error=words.EMPTY)
    return _chat_page(services, pages, view, resumed.visit, prefs)


@router.post("/say")
def say(
    request: Request,
    services: ServicesDep,
    pages: PagesDep,
    visit: VisitDep,
    csrf: Field = "",
    mid: Field = "",
    seq: Field = "",
    value: Field = "",
    text: Field = "",
) -> Response:
    if not kiosk_session.csrf_ok(visit, csrf):
        raise Refused(words.FORBIDDEN, 403, "/kiosk", language_of(services, visit.person_id))
    event = _event(services, visit, mid, seq, value, text)
    if event is None:  # an empty message: said beside the field, nothing sent
        return RedirectResponse("/kiosk/chat?notice=empty", 303)
    prefs = prefs_of(request.cookies.get(PREFS_COOKIE))
    if isinstance(event, Said) and len(event.text) > services.settings.max_text_length:
        view = chat_view(services, visit.person_id)
        return _chat_page(
            services, pages, view, visit, prefs, error="too_long", text=event.text, status_code=422
        )
    try:
        answer(services, visit, event, mid)
    except DatabaseUnavailable:
        if not isinstance(event, Said):
            raise  # a button: the busy page, and the person presses again
        # Nothing was saved. The same page comes back with the text in the field
        # and the same message id: sending again is answered once.
        return _chat_page(
            services,
            pages,
            chat_view(services, visit.person_id),
            visit,
            prefs,
            error=words.BUSY,
            text=event.text,
            mid=mid,
            status_code=503,
        )
    return RedirectResponse("/kiosk/chat", 303)


def _event(
    services: Services, visit: Visit, mid: str, seq: str, value: str, text: str
) -> Event | None:
    """The event a form means; None for an empty message; `Refused` when it means nothing."""
    if not kiosk_session.valid_message_id(mid):
        raise _malformed(services, visit)
    if value:
        number = ascii_number(seq)
        if number is None or len(value) > MAX_VALUE or cleaned(value) != value:
            raise _malformed(services, visit)
        return Pressed(number, value)
    said = cleaned(text).strip()
    return Said(said) if said else None


def _malformed(services: Services, visit: Visit) -> Refused:
    language = language_of(services, visit.person_id)
    return Refused(words.MALFORMED, 400, "/kiosk/chat", language)


def _chat_page(
    services: Services,
    pages: Pages,
    view: ChatView,
    visit: Visit,
    prefs: frozenset[str],
    *,
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
        max_length_shown=format_decimal(services.settings.max_text_length, locale=view.language),
        prefs=prefs,
        error=error,
        text=text,
        **idle_context(services),
    )


def idle_context(services: Services) -> dict[str, int]:
    """The idle delay, and when the "Vous êtes encore là ?" warning comes before it."""
    idle = services.settings.kiosk_idle_seconds
    warn = kiosk_session.warning_seconds(idle)
    return {"idle_seconds": idle, "warn_seconds": warn, "warn_at": idle - warn}


@router.post("/prefs")
def prefs(
    request: Request, visit: VisitDep, services: ServicesDep, csrf: Field = "", toggle: Field = ""
) -> Response:
    """Switch a choice of this visit on or off: read aloud by itself, large text."""
    if not kiosk_session.csrf_ok(visit, csrf) or toggle not in PREFS:
        raise Refused(words.FORBIDDEN, 403, "/kiosk/chat", language_of(services, visit.person_id))
    chosen = prefs_of(request.cookies.get(PREFS_COOKIE)) ^ {toggle}
    response = RedirectResponse("/kiosk/chat", 303)
    kiosk_session.set_prefs_cookie(response, services, chosen)
    return response


@router.get("/still-there")
def still_there(request: Request, services: ServicesDep, pages: PagesDep) -> Response:
    """Without JavaScript, the chat page comes here shortly before the idle end: "Vous
    êtes encore là ?", with "Je suis là" (the session goes on) and "J'ai fini"."""
    resumed = kiosk_session.resume(services, request.cookies.get(COOKIE))
    if resumed.visit is None:
        raise LoggedOut(went_idle=resumed.went_idle, language=resumed.language)
    context = idle_context(services)
    return pages.render(
        "still_there.html",
        language_of(services, resumed.visit.person_id),
        csrf=resumed.visit.csrf_token,
        left=context["warn_seconds"],
        prefs=prefs_of(request.cookies.get(PREFS_COOKIE)),
    )


@router.post("/alive")
def alive(
    services: ServicesDep, visit: ScriptVisitDep, csrf: Field = "", back: Field = ""
) -> Response:
    """The person is there: typing (kiosk.js says so now and then), or "Je suis là"
    pressed on the warning. The session's idle clock starts again, so that the server
    agrees with the screen; 401 when the session is over (the script then reloads, and
    the page says why). `back`: the warning page's form, sent back to the conversation."""
    if not kiosk_session.csrf_ok(visit, csrf):
        return Response(status_code=403)  # and the idle clock runs on
    keep_alive(services, visit)
    if back:
        return RedirectResponse("/kiosk/chat", 303)
    return Response(status_code=204)


@router.get("/news")
def news(services: ServicesDep, visit: ScriptVisitDep, after: int = 0) -> Response:
    """Whether something was written for the person after entry `after` (a reminder while
    the page is open): 200 yes, 204 no. kiosk.js asks every few seconds and reloads the
    page; it only reads, so the idle clock runs on."""
    return Response(status_code=200 if something_new(services, visit.person_id, after) else 204)


# --- leaving --------------------------------------------------------------------------------


@router.post("/logout")
def logout(request: Request, services: ServicesDep, idle: Field = "") -> Response:
    return _logged_out(request, services, bool(idle))


@router.get("/logout")
def logout_idle(request: Request, services: ServicesDep, idle: str = "") -> Response:
    """The no-JavaScript idle fallback (`<meta http-equiv="refresh">`)."""
    return _logged_out(request, services, bool(idle))


def _logged_out(request: Request, services: Services, idle: bool) -> Response:
    # Never refused, CSRF or not: on a shared screen a refused logout would leave a
    # conversation open. The cookie is SameSite=Strict, so another site cannot
    # trigger it with the person's session anyway.
    language = kiosk_session.end(
        services, request.cookies.get(COOKIE), "idle" if idle else "button"
    )
    response = RedirectResponse(login_address(idle, language, bye=not idle), 303)
    kiosk_session.clear_cookie(response, services)
    kiosk_session.clear_prefs_cookie(response, services)
    response.headers["Clear-Site-Data"] = '"cache"'
    return response


@router.get("/static/{name}")
def static(name: str) -> Response:
    media_type = STATIC_FILES.get(name)
    if media_type is None:
        return Response(status_code=404)
    return FileResponse(STATIC / name, media_type=media_type)
