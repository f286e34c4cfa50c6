"""The composition root: the services with every channel's delivery, and one FastAPI
app serving the kiosk, the health check and the Telegram webhook (the console to come).

Only this module and the command line (`bot.cli`) import the channels; the core
(`bot.turn`, `bot.delivery`, ...) never does (import-linter checks it).
"""

from __future__ import annotations

import hmac
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


class TelegramWebhook(Protocol):
    """What the webhook route needs of the Telegram channel (`bot.telegram.runner`)."""

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
    telegram: TelegramWebhook | None = None,
) -> FastAPI:
    """Build the web app; `services` lets tests pass their own clock or database.

    `POST /telegram/webhook` is mounted only when a Telegram channel is given and
    `FILROUGE_TELEGRAM_WEBHOOK_URL` is set.
    """
    services = services or compose(settings or Settings())
    app = FastAPI(title="Fil rouge", docs_url=None, redoc_url=None, openapi_url=None)
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


def _mount_webhook(app: FastAPI, settings: Settings, telegram: TelegramWebhook) -> None:
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
