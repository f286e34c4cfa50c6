"""A local Bot API server for the tests: the part of the Bot API Fil rouge uses, over HTTP.

aiogram reaches it as it would a self-hosted Bot API server
(`TelegramAPIServer.from_base`). It records every call, lets a test push updates
(what a person does in Telegram) and makes methods fail (429 with
`retry_after`, 500, 403) or answer late.

Run on its own (`python -m tests.telegram.botapi --port N`), it also serves a
small control API for a load generator in another process (the benchmark
`benchmarks/telegram_turns.py`): `POST /_control/push` queues updates,
`GET /_control/sent?since=N&timeout=S` long-polls the messages accepted since
the N-th. Times are this process's `time.monotonic()`, so a push and the
reply it got compare on one clock.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import json
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

BOT_USER = {"id": 424242, "is_bot": True, "first_name": "Fil rouge", "username": "FilRougeBot"}
_JSON_FIELDS = {"reply_markup", "allowed_updates", "commands"}
_INT_FIELDS = {"chat_id", "offset", "timeout", "limit", "message_id", "cache_time"}


@dataclass(frozen=True)
class Call:
    method: str
    params: dict[str, Any]
    status: int
    at: float


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

    # --- the server -------------------------------------------------------------

    async def start(self, port: int = 0) -> str:
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        app.router.add_post("/_control/push", self._control_push)
        app.router.add_get("/_control/sent", self._control_sent)
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
            self._accepted.append({**params, "message_id": result["message_id"], "at": at})
            self._accepted_more.set()
        return web.json_response({"ok": True, "result": result})

    def _answer(self, method: str, params: dict[str, Any]) -> Any:
        if method == "getMe":
            return BOT_USER
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
                voice = params.get("voice", b"")
                message["voice"] = {
                    "file_id": f"voice-{message['message_id']}",
                    "file_unique_id": f"v{message['message_id']}",
                    "duration": 1,
                    "mime_type": "audio/ogg",
                    "file_size": len(voice) if isinstance(voice, bytes) else 0,
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


async def _serve(port: int) -> None:
    api = BotAPI()
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
        if isinstance(value, web.FileField):  # a file sent (a voice note): its bytes
            params[key] = value.file.read()
            continue
        text = value if isinstance(value, str) else ""
        if key in _JSON_FIELDS:
            params[key] = json.loads(text)
        elif key in _INT_FIELDS:
            params[key] = int(text)
        else:
            params[key] = text
    # A file sent as a part of its own, named in its field: `voice=attach://<part>`.
    for key, value in list(params.items()):
        if isinstance(value, str) and value.startswith("attach://"):
            params[key] = params.pop(value.removeprefix("attach://"), b"")
    return params


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="A local Bot API server double on 127.0.0.1.")
    parser.add_argument("--port", type=int, default=0, help="0: any free port")
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve(parser.parse_args().port))
