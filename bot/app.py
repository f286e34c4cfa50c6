"""The composition root: the services with every channel's delivery, and one FastAPI
app serving the kiosk, the health check and the Telegram webhook (the console to come).

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

from fastapi import FastAPI, Request
from fastapi.responses import PlainTextResponse, RedirectResponse, Response

from bot.clock import Clock
from bot.kiosk import routes as kiosk
from bot.kiosk.delivery import KioskDelivery
from bot.services import Services, build
from bot.settings import Settings
from bot.telegram.delivery import TelegramDelivery
from storage.database import check_database


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


def create_app(
    settings: Settings | None = None,
    services: Services | None = None,
    telegram: TelegramBot | None = None,
    reminders: Background | None = None,
) -> FastAPI:
    """Build the web app; `services` lets tests pass their own clock or database.

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
    lifespan = _with_background(running) if running else None
    app = FastAPI(
        title="Fil rouge", docs_url=None, redoc_url=None, openapi_url=None, lifespan=lifespan
    )
    app.state.services = services
    kiosk.install(app, services)

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> Response:
        if check_database(services.engine):
            return PlainTextResponse("ok")
        return PlainTextResponse("database unreachable", status_code=503)

    @app.get("/", include_in_schema=False)
    def root() -> Response:
        return RedirectResponse("/kiosk", status_code=303)

    if telegram is not None and services.settings.telegram_webhook_url:
        _mount_webhook(app, services.settings, telegram)

    return app


def _with_background(
    running: dict[str, Background],
) -> Callable[[FastAPI], AbstractAsyncContextManager[None]]:
    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
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

    @app.post("/telegram/webhook", include_in_schema=False)
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
