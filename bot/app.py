"""The composition root: the services with every channel's delivery, and one FastAPI
app serving the kiosk, the counsellors' console, the health check and the Telegram
webhook.

Only this module and the command line (`bot.cli`) import the channels; the core
(`bot.turn`, `bot.delivery`, ...) never does (import-linter checks it).
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any, Protocol

import anyio.to_thread
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST

from bot.clock import Clock
from bot.console import routes as console
from bot.headers import HEADERS
from bot.health import Readiness, readiness
from bot.kiosk import routes as kiosk
from bot.kiosk.delivery import KioskDelivery
from bot.kiosk.session import LANG_COOKIE
from bot.logs import configure as configure_logs
from bot.services import Services, build
from bot.settings import Settings
from bot.telegram.delivery import TelegramDelivery
from dialogs.messages import N_

READY_WITHIN = 3.0
"""Seconds `/readyz` waits for its checks."""
UNREADABLE = N_("Cette demande n'a pas pu être lue. Revenez à l'accueil et réessayez.")


class Background(Protocol):
    """A task that runs with the app: started with it, stopped before it ends."""

    async def run(self) -> None:
        """Work until `stop()`."""
        ...

    async def stop(self) -> None:
        """Stop working; returns once what was under way is finished or left intact."""
        ...


class TelegramBot(Protocol):
    """What the app needs of the Telegram channel (`bot.telegram.runner`)."""

    async def run(self) -> None:
        """Receive and send until `stop()`."""
        ...

    async def stop(self) -> None:
        """Stop fetching, finish what was taken in, send what was committed."""
        ...

    async def feed_webhook(self, update: dict[str, Any]) -> None:
        """Handle one update; `ValueError` when it is not one."""
        ...


def compose(settings: Settings, clock: Clock | None = None) -> Services:
    """The services, with the delivery of every channel, Telegram first: a person
    whose phone is linked is reached there, anyone else at the kiosk. (Writing
    Telegram's outbox needs no aiogram: the bot itself is built only by `serve`.)"""
    services = build(settings, clock)
    services.deliveries.register(TelegramDelivery())
    services.deliveries.register(KioskDelivery())
    return services


def app_from_environment() -> FastAPI:
    """The app as one worker of `filrouge serve --workers N` builds it: settings from the
    environment, the services, and the Telegram channel (by webhook) when a token is set."""
    settings = Settings()
    configure_logs(settings.log_format)
    services = compose(settings)
    if settings.telegram_token is None:
        return create_app(services=services)
    from bot.telegram.runner import TelegramChannel  # aiogram only when Telegram is on

    return create_app(services=services, telegram=TelegramChannel(services))


def create_app(
    settings: Settings | None = None,
    services: Services | None = None,
    telegram: TelegramBot | None = None,
    reminders: Background | None = None,
    *,
    expose_schema: bool = False,
) -> FastAPI:
    """Build the web app; `services` lets tests pass their own clock or database.

    `expose_schema` serves the OpenAPI schema at `/openapi.json`, for the tests that
    fuzz every route from it; never in service (it would map the app for anyone).

    With a Telegram channel, the bot runs with the app (started with it, stopped
    before it ends: uvicorn's shutdown waits for it); `POST /telegram/webhook` is
    mounted when `FILROUGE_TELEGRAM_WEBHOOK_URL` is set. So does the reminder
    worker (`bot.reminders.worker`), when given.
    """
    services = services or compose(settings or Settings())
    running = {
        name: task
        for name, task in (("reminders", reminders), ("telegram", telegram))
        if task is not None
    }
    lifespan = _lifespan(services, running)
    app = FastAPI(
        title="Fil rouge",
        docs_url=None,
        redoc_url=None,
        openapi_url="/openapi.json" if expose_schema else None,
        lifespan=lifespan,
    )
    app.state.services = services
    kiosk.install(app, services)
    console.install(app, services)

    @app.get("/healthz")
    async def healthz() -> Response:
        """Liveness: the process answers (never waits for the database or a thread)."""
        return PlainTextResponse("ok", headers=HEADERS)

    @app.get("/metrics")
    async def metrics() -> Response:
        """Counts for Prometheus (no person in them); expose it to the facility's
        monitoring only, as the console (see docs/deploy.md)."""
        body = await asyncio.to_thread(services.metrics.exposition)
        return Response(body, media_type=CONTENT_TYPE_LATEST, headers=HEADERS)

    @app.get("/readyz")
    async def readyz() -> Response:
        """Readiness: a write could start, the disk has room, the migrations are current;
        each check bounded, outside the web threads (which may all wait for a writer)."""
        try:
            found = await asyncio.wait_for(asyncio.to_thread(readiness, services), READY_WITHIN)
        except TimeoutError:
            found = Readiness({"database": f"no answer within {READY_WITHIN:.0f} s"})
        body = {"ready": found.ready, "checks": found.checks}
        return JSONResponse(body, status_code=200 if found.ready else 503, headers=HEADERS)

    @app.get("/", include_in_schema=False)
    def root() -> Response:
        return RedirectResponse("/kiosk", status_code=303)

    if telegram is not None and services.settings.telegram_webhook_url:
        _mount_webhook(app, services.settings, telegram)

    @app.exception_handler(RequestValidationError)
    def unreadable(request: Request, _error: RequestValidationError) -> Response:
        # Never echoed back: what was sent may be anything.
        words = services.catalogs.get(request.cookies.get(LANG_COOKIE, "fr"))
        return PlainTextResponse(words.gettext(UNREADABLE), status_code=400, headers=HEADERS)

    return app


def _lifespan(
    services: Services, running: dict[str, Background]
) -> Callable[[FastAPI], AbstractAsyncContextManager[None]]:
    """What runs with the app: its thread pool's size, and the background tasks (the
    bot, the reminder worker): started with the app, stopped before it ends (uvicorn's
    shutdown waits for them)."""

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        anyio.to_thread.current_default_thread_limiter().total_tokens = (
            services.settings.web_threads
        )
        tasks = {}
        for name, work in running.items():
            tasks[name] = asyncio.create_task(work.run(), name=name)
            tasks[name].add_done_callback(_report_end)
        try:
            yield
        finally:
            for name, work in running.items():
                if not tasks[name].done():
                    await work.stop()
            for task in tasks.values():
                with contextlib.suppress(asyncio.CancelledError):
                    await task

    return lifespan


def _report_end(task: asyncio.Task[None]) -> None:
    if not task.cancelled() and task.exception() is not None:
        logging.getLogger("bot.app").error(
            "%s stopped; the web app goes on", task.get_name(), exc_info=task.exception()
        )


def _mount_webhook(app: FastAPI, settings: Settings, telegram: TelegramBot) -> None:
    secret = settings.telegram_webhook_secret
    if secret is None or not secret.get_secret_value():
        raise ValueError(
            "FILROUGE_TELEGRAM_WEBHOOK_SECRET is required with FILROUGE_TELEGRAM_WEBHOOK_URL: "
            "without it anyone could post updates to the webhook"
        )
    expected = secret.get_secret_value().encode()

    @app.post("/telegram/webhook")
    async def telegram_webhook(request: Request) -> Response:
        given = request.headers.get("X-Telegram-Bot-Api-Secret-Token", "").encode()
        if not hmac.compare_digest(given, expected):
            return PlainTextResponse("forbidden", status_code=403)
        try:
            update = await request.json()
        except ValueError:
            return PlainTextResponse("not JSON", status_code=400)
        if not isinstance(update, dict) or not isinstance(update.get("update_id"), int):
            return PlainTextResponse("not a Telegram update", status_code=400)
        try:
            await telegram.feed_webhook(update)
        except ValueError:
            return PlainTextResponse("not a Telegram update", status_code=400)
        return PlainTextResponse("ok")
