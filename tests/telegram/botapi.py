"""A local Bot API server for the tests: the part of the Bot API Fil rouge uses, over HTTP.

aiogram reaches it as it would a self-hosted Bot API server
(`TelegramAPIServer.from_base`). It records every call, lets a test push updates
(what a person does in Telegram) and makes methods fail (429 with
`retry_after`, 500, 403) or answer late. Files sent (`sendDocument`) are kept
with their name and bytes (`documents`).

With `limits` it enforces Telegram's sending limits as Telegram does: a message
beyond `per_bot` a second for the bot (a token bucket holding one second's
worth), or sent to a chat less than `1 / per_chat` seconds after the previous
one, is refused with 429 and a `retry_after`; `refused` counts them. The
benchmark scales both limits by one factor for a short run.

Run on its own (`python -m tests.telegram.botapi --port N`), it also serves a
small control API for a load generator in another process (the benchmarks
`benchmarks/telegram_turns.py` and `benchmarks/reminders.py`): `POST /_control/push`
queues updates, `GET /_control/sent?since=N&timeout=S` long-polls the messages
accepted since the N-th, `GET /_control/stats` counts them and the 429s;
`--per-bot R --per-chat C` enforces the limits. Times are this process's `time.monotonic()`, so a push and the
reply it got compare on one clock.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import json
import math
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

_SENDING = frozenset({"sendMessage", "sendDocument"})
BOT_USER = {"id": 424242, "is_bot": True, "first_name": "Fil rouge", "username": "FilRougeBot"}
_JSON_FIELDS = {"reply_markup", "allowed_updates", "commands"}
_INT_FIELDS = {"chat_id", "offset", "timeout", "limit", "message_id", "cache_time"}


@dataclass(frozen=True)
class Call:
    method: str
    params: dict[str, Any]
    status: int
    at: float


@dataclass(frozen=True)
class Limits:
    """Telegram's sending limits: messages a second for the bot, and for one chat."""

    per_bot: float = 30.0
    per_chat: float = 1.0


@dataclass
class Document:
    """A file a `sendDocument` carried."""

    chat_id: int
    filename: str
    content: bytes
    caption: str


@dataclass
class Failure:
    status: int
    retry_after: int | None = None
    description: str = ""


@dataclass
class BotAPI:
    """The server double. `url` is its base, for `TelegramAPIServer.from_base`."""

    calls: list[Call] = field(default_factory=list)
    handed_out: list[int] = field(default_factory=list)
    """Every update_id getUpdates returned, in order (a replay appears twice)."""
    url: str = ""
    _updates: list[dict[str, Any]] = field(default_factory=list)
    _confirmed: int = 0
    _redeliver: list[dict[str, Any]] = field(default_factory=list)
    _update_ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1000))
    _message_ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _failures: dict[str, deque[Failure]] = field(default_factory=dict)
    _delays: dict[str, float] = field(default_factory=dict)
    _arrived: asyncio.Event = field(default_factory=asyncio.Event)
    _first_pending: int = 0
    _ids_grow: bool = True
    _accepted: list[dict[str, Any]] = field(default_factory=list)
    _accepted_more: asyncio.Event = field(default_factory=asyncio.Event)
    _closing: bool = False
    _runner: web.AppRunner | None = None
    limits: Limits | None = None
    """Enforce these sending limits (429 beyond), or none."""
    refused: int = 0
    """Messages refused with 429 by the limits."""
    documents: list[Document] = field(default_factory=list)
    _tokens: float = -1.0
    _tokens_at: float = 0.0
    _chat_next: dict[int, float] = field(default_factory=dict)

    # --- the server -------------------------------------------------------------

    async def start(self, port: int = 0) -> str:
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        app.router.add_post("/_control/push", self._control_push)
        app.router.add_get("/_control/sent", self._control_sent)
        app.router.add_get("/_control/stats", self._control_stats)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", port)
        await site.start()
        server = site._server
        assert server is not None
        port = server.sockets[0].getsockname()[1]  # type: ignore[attr-defined]
        self.url = f"http://127.0.0.1:{port}"
        return self.url

    async def stop(self) -> None:
        self._closing = True
        self._arrived.set()
        if self._runner is not None:
            await self._runner.cleanup()

    async def _handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        params = await _params(request)
        if delay := self._delays.get(method):
            await asyncio.sleep(delay)
        if self.limits is not None and method in _SENDING:
            retry_after = self._limited(int(params.get("chat_id") or 0))
            if retry_after is not None:
                self.refused += 1
                self.calls.append(Call(method, params, 429, time.monotonic()))
                body_429 = {
                    "ok": False,
                    "error_code": 429,
                    "description": f"Too Many Requests: retry after {retry_after}",
                    "parameters": {"retry_after": retry_after},
                }
                return web.json_response(body_429, status=429)
        failures = self._failures.get(method)
        if failures:
            failure = failures.popleft()
            self.calls.append(Call(method, params, failure.status, time.monotonic()))
            body: dict[str, Any] = {
                "ok": False,
                "error_code": failure.status,
                "description": failure.description or f"injected {failure.status}",
            }
            if failure.retry_after is not None:
                body["parameters"] = {"retry_after": failure.retry_after}
            return web.json_response(body, status=failure.status)
        if method == "getUpdates":
            result: Any = await self._get_updates(params)
        else:
            result = self._answer(method, params)
        at = time.monotonic()
        self.calls.append(Call(method, params, 200, at))
        if method == "sendMessage":
            accepted = {**params, "message_id": result["message_id"], "at": at, "wall": time.time()}
            self._accepted.append(accepted)
            self._accepted_more.set()
        if method == "sendDocument":
            upload = params.get("document")
            if isinstance(upload, Document):
                self.documents.append(upload)
        return web.json_response({"ok": True, "result": result})

    def _limited(self, chat_id: int) -> int | None:
        """Seconds to wait (`retry_after`) when this message breaks the limits, else None
        (and it is counted)."""
        assert self.limits is not None
        now = time.monotonic()
        rate = self.limits.per_bot
        if self._tokens < 0:
            self._tokens, self._tokens_at = rate, now
        self._tokens = min(rate, self._tokens + (now - self._tokens_at) * rate)
        self._tokens_at = now
        chat_wait = self._chat_next.get(chat_id, 0.0) - now
        bot_wait = 0.0 if self._tokens >= 1 else (1 - self._tokens) / rate
        wait = max(chat_wait, bot_wait)
        if wait > 0:
            return max(1, math.ceil(wait))
        self._tokens -= 1
        self._chat_next[chat_id] = now + 1 / self.limits.per_chat
        return None

    def _answer(self, method: str, params: dict[str, Any]) -> Any:
        if method == "getMe":
            return BOT_USER
        if method == "sendDocument":
            chat_id = int(params["chat_id"])
            upload = params.get("document")
            name = upload.filename if isinstance(upload, Document) else "file"
            size = len(upload.content) if isinstance(upload, Document) else 0
            if isinstance(upload, Document):
                upload.chat_id = chat_id
                upload.caption = str(params.get("caption", ""))
            return {
                "message_id": next(self._message_ids),
                "date": int(time.time()),
                "chat": {"id": chat_id, "type": "private"},
                "from": BOT_USER,
                "caption": params.get("caption", ""),
                "document": {
                    "file_id": f"file-{name}",
                    "file_unique_id": f"u-{name}",
                    "file_name": name,
                    "file_size": size,
                },
            }
        if method in ("sendMessage", "sendVoice"):
            chat_id = int(params["chat_id"])
            message: dict[str, Any] = {
                "message_id": next(self._message_ids),
                "date": int(time.time()),
                "chat": {"id": chat_id, "type": "private" if chat_id > 0 else "group"},
                "from": BOT_USER,
                "text": params.get("text", ""),
            }
            if "reply_markup" in params:
                message["reply_markup"] = params["reply_markup"]
            if method == "sendVoice":
                message.pop("text")
                voice = params.get("voice")
                message["voice"] = {
                    "file_id": f"voice-{message['message_id']}",
                    "file_unique_id": f"v{message['message_id']}",
                    "duration": 1,
                    "mime_type": "audio/ogg",
                    "file_size": len(voice.content) if isinstance(voice, Document) else 0,
                }
            return message
        return True  # answerCallbackQuery, deleteWebhook, setWebhook, ...

    async def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(params.get("offset") or 0)
        if offset:
            self._confirmed = max(self._confirmed, offset)
        deadline = time.monotonic() + float(params.get("timeout") or 0)
        while True:
            ready = self._unconfirmed()
            if self._redeliver or ready or self._closing or time.monotonic() >= deadline:
                again, self._redeliver = self._redeliver, []
                batch = again + ready[: int(params.get("limit") or 100)]
                self.handed_out.extend(u["update_id"] for u in batch)
                return batch
            self._arrived.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._arrived.wait(), deadline - time.monotonic())

    def _unconfirmed(self) -> list[dict[str, Any]]:
        if not self._ids_grow:
            return [u for u in self._updates if u["update_id"] >= self._confirmed]
        # Ids grow with each push, so the confirmed updates are a prefix: skip it once
        # (a benchmark pushes tens of thousands; rescanning them all would be the cost).
        updates, first = self._updates, self._first_pending
        while first < len(updates) and updates[first]["update_id"] < self._confirmed:
            first += 1
        self._first_pending = first
        return updates[first:]

    # --- what a test does ---------------------------------------------------------

    def push(self, kind: str, body: dict[str, Any], update_id: int | None = None) -> int:
        """Queue an update (`kind` is its field: message, callback_query, ...)."""
        update_id = next(self._update_ids) if update_id is None else update_id
        if self._updates and update_id <= self._updates[-1]["update_id"]:
            self._ids_grow = False
        self._updates.append({"update_id": update_id, kind: body})
        self._arrived.set()
        return update_id

    def replay(self, update_id: int) -> None:
        """Deliver an update again, as Telegram does after a lost acknowledgement."""
        original = next(u for u in self._updates if u["update_id"] == update_id)
        self._redeliver.append(dict(original))
        self._arrived.set()

    def fail(
        self,
        method: str,
        status: int,
        *,
        times: int = 1,
        retry_after: int | None = None,
        description: str = "",
    ) -> None:
        """The next `times` calls of `method` answer `status`."""
        queue = self._failures.setdefault(method, deque())
        queue.extend(Failure(status, retry_after, description) for _ in range(times))

    def delay(self, method: str, seconds: float) -> None:
        self._delays[method] = seconds

    def sent(self, chat_id: int | None = None) -> list[dict[str, Any]]:
        """The messages Telegram accepted, oldest first (to one chat, or all)."""
        return [
            c.params
            for c in self.calls
            if c.method == "sendMessage"
            and c.status == 200
            and (chat_id is None or int(c.params["chat_id"]) == chat_id)
        ]

    def called(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method]

    async def wait_for(
        self, condition: Callable[[], bool], within: float = 10.0, what: str = ""
    ) -> None:
        deadline = time.monotonic() + within
        while not condition():
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out waiting for {what or condition}")
            await asyncio.sleep(0.01)

    # --- what a load generator in another process does -------------------------------

    async def _control_push(self, request: web.Request) -> web.Response:
        """`{"updates": [{"kind": "message", "body": {...}}, ...]}` → their ids and the time."""
        data = await request.json()
        ids = [self.push(u["kind"], u["body"]) for u in data["updates"]]
        return web.json_response({"update_ids": ids, "at": time.monotonic()})

    async def _control_stats(self, request: web.Request) -> web.Response:
        """How many messages were accepted, and refused with 429 by the limits."""
        return web.json_response({"accepted": len(self._accepted), "refused": self.refused})

    async def _control_sent(self, request: web.Request) -> web.Response:
        """The messages accepted after the first `since`, waiting up to `timeout` for one."""
        since = int(request.query.get("since", "0"))
        deadline = time.monotonic() + float(request.query.get("timeout", "0"))
        while len(self._accepted) <= since and not self._closing:
            left = deadline - time.monotonic()
            if left <= 0:
                break
            self._accepted_more.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._accepted_more.wait(), left)
        sent = self._accepted[since:]
        return web.json_response({"next": since + len(sent), "sent": sent})


async def _serve(port: int, limits: Limits | None = None) -> None:
    api = BotAPI(limits=limits)
    url = await api.start(port)
    print(url, flush=True)  # the parent reads the address on the first line
    try:
        await asyncio.Event().wait()
    finally:
        await api.stop()


async def _params(request: web.Request) -> dict[str, Any]:
    if request.content_type == "application/json":
        data = await request.json()
        return dict(data) if isinstance(data, dict) else {}
    form = await request.post()
    params: dict[str, Any] = {}
    for key, value in form.items():
        if isinstance(value, web.FileField):  # a file sent (a document, a voice note)
            params[key] = Document(0, value.filename, value.file.read(), "")
            continue
        text = value if isinstance(value, str) else ""
        if key in _JSON_FIELDS:
            params[key] = json.loads(text)
        elif key in _INT_FIELDS:
            params[key] = int(text)
        else:
            params[key] = text
    # A file travels as a part of its own, which the field names: "attach://<part>".
    for key, value in list(params.items()):
        if isinstance(value, str) and value.startswith("attach://"):
            params[key] = params.pop(value.removeprefix("attach://"), value)
    return params


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="A local Bot API server double on 127.0.0.1.")
    parser.add_argument("--port", type=int, default=0, help="0: any free port")
    parser.add_argument("--per-bot", type=float, help="enforce this many messages a second")
    parser.add_argument("--per-chat", type=float, default=1.0, help="and this many per chat")
    given = parser.parse_args()
    enforced = Limits(given.per_bot, given.per_chat) if given.per_bot else None
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve(given.port, enforced))
