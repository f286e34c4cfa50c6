"""The webhook: `POST /telegram/webhook` in the web app, with Telegram's secret header."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from pydantic import SecretStr

from bot.app import create_app
from bot.services import Services
from bot.telegram import words
from tests.conftest import ServicesFactory
from tests.telegram.botapi import BotAPI
from tests.telegram.conftest import FAST_CHAT_INTERVAL, TOKEN
from tests.telegram.phone import Phone

SECRET = "s3cret-token_with-only-allowed-chars"
HOOK = "https://filrouge.example/telegram/webhook"


@pytest.fixture
def hook_services(make_services: ServicesFactory, botapi: BotAPI) -> Services:
    return make_services(
        real_clock=True,
        telegram_token=SecretStr(TOKEN),
        telegram_api_url=botapi.url,
        telegram_webhook_url=HOOK,
        telegram_webhook_secret=SecretStr(SECRET),
    )


@pytest.fixture
async def client(hook_services: Services) -> AsyncIterator[httpx.AsyncClient]:
    from bot.telegram.pacer import Pacer
    from bot.telegram.runner import TelegramChannel

    channel = TelegramChannel(
        hook_services, pacer=Pacer(per_chat_interval=FAST_CHAT_INTERVAL), outbox_poll_interval=0.05
    )
    app = create_app(services=hook_services, telegram=channel)
    task = asyncio.create_task(channel.run())
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://filrouge.test") as client:
        yield client
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


def update(phone: Phone, update_id: int, text: str) -> dict[str, Any]:
    return {"update_id": update_id, "message": phone.message(text=text)}


async def post(client: httpx.AsyncClient, body: object, secret: str = SECRET) -> httpx.Response:
    headers = {"X-Telegram-Bot-Api-Secret-Token": secret}
    return await client.post("/telegram/webhook", json=body, headers=headers)


async def test_the_webhook_is_registered_with_its_secret(
    client: httpx.AsyncClient, botapi: BotAPI
) -> None:
    await botapi.wait_for(lambda: bool(botapi.called("setWebhook")))
    [call] = botapi.called("setWebhook")
    assert call.params["url"] == HOOK
    assert call.params["secret_token"] == SECRET
    assert not botapi.called("getUpdates")


async def test_an_update_posted_with_the_secret_is_answered(
    client: httpx.AsyncClient, phone: Phone
) -> None:
    response = await post(client, update(phone, 1, "/start"))
    assert response.status_code == 200
    assert await phone.wait_replies(1) == [words.HOW_TO_LINK]


@pytest.mark.parametrize("secret", ["", "wrong"])
async def test_a_post_without_the_right_secret_is_refused(
    client: httpx.AsyncClient, phone: Phone, botapi: BotAPI, secret: str
) -> None:
    response = await post(client, update(phone, 1, "/start"), secret=secret)
    assert response.status_code == 403
    # A webhook update is handled within its request: refused, nothing runs after.
    assert botapi.sent() == []


async def test_a_webhook_retry_is_answered_once(
    client: httpx.AsyncClient, phone: Phone, botapi: BotAPI
) -> None:
    body = update(phone, 77, "/start")
    first, again = await asyncio.gather(post(client, body), post(client, body))
    assert (first.status_code, again.status_code) == (200, 200)
    # Both answered 200 once handled (and what they queued, sent): nothing is to come.
    assert len(phone.replies()) == 1


@pytest.mark.parametrize(
    "body",
    [
        [1, 2],
        {"message": {}},
        "text",
        {"update_id": 5, "message": {"message_id": "x"}},
        {"update_id": 6, "message": {"chat": 1, "date": "soon"}},
        {"update_id": 7, "callback_query": {"id": 1}},
        {"update_id": 8, "message": {"message_id": 1, "date": 0, "chat": None}},
    ],
)
async def test_what_is_not_an_update_is_refused(client: httpx.AsyncClient, body: object) -> None:
    # With the right secret, still a clear 400: never a server error.
    assert (await post(client, body)).status_code == 400


async def test_control_characters_in_a_message_are_dropped_not_stored(
    client: httpx.AsyncClient, phone: Phone
) -> None:
    response = await post(client, update(phone, 9, "/start\x00\x07"))
    assert response.status_code == 200
    assert await phone.wait_replies(1) == [words.HOW_TO_LINK]


def test_without_a_webhook_url_there_is_no_webhook_route(services: Services) -> None:
    from fastapi.testclient import TestClient

    with TestClient(create_app(services=services)) as plain:
        assert plain.post("/telegram/webhook", json={}).status_code in (404, 405)
