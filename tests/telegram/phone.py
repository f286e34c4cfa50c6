"""A person's Telegram app, as the tests drive it: updates in, the bot's messages read back."""

from __future__ import annotations

import itertools
import time
from typing import Any

from tests.telegram.botapi import BotAPI

_message_ids = itertools.count(10_000)


class Phone:
    """One Telegram account in a private chat with the bot (chat id = user id)."""

    def __init__(self, api: BotAPI, user_id: int, first_name: str = "Démo", language: str = "fr"):
        self.api = api
        self.user_id = user_id
        self.user = {
            "id": user_id,
            "is_bot": False,
            "first_name": first_name,
            "language_code": language,
        }

    # --- what the person does ------------------------------------------------------

    def message(self, **content: Any) -> dict[str, Any]:
        return {
            "message_id": next(_message_ids),
            "date": int(time.time()),
            "chat": {"id": self.user_id, "type": "private", "first_name": self.user["first_name"]},
            "from": self.user,
            **content,
        }

    def send(self, text: str) -> int:
        return self.api.push("message", self.message(text=text))

    def start(self, code: str | None = None) -> int:
        return self.send(f"/start {code}" if code else "/start")

    def press(self, label: str) -> int:
        """Press the button `label` on the last message that shows it."""
        for sent in reversed(self.replies()):
            for row in sent.get("reply_markup", {}).get("inline_keyboard", []):
                for button in row:
                    if button["text"] == label:
                        return self.press_data(button["callback_data"], sent)
        raise AssertionError(f"no button {label!r} in {self.buttons()}")

    def press_data(self, data: str, sent: dict[str, Any] | None = None) -> int:
        """Press a button carrying `data` on the message `sent` (the last one by default)."""
        sent = sent or self.replies()[-1]
        message_id = self.api_message_id(sent)
        query = {
            "id": str(next(_message_ids)),
            "from": self.user,
            "chat_instance": f"ci-{self.user_id}",
            "data": data,
            "message": {
                "message_id": message_id,
                "date": int(time.time()),
                "chat": {"id": self.user_id, "type": "private"},
                "text": sent.get("text", ""),
            },
        }
        return self.api.push("callback_query", query)

    def api_message_id(self, sent: dict[str, Any]) -> int:
        for index, params in enumerate(self.api.sent()):
            if params is sent:
                return index + 1  # the double numbers accepted messages from 1
        raise AssertionError("that message was never sent")

    # --- what the person reads -------------------------------------------------------

    def replies(self) -> list[dict[str, Any]]:
        return self.api.sent(self.user_id)

    def texts(self) -> list[str]:
        return [str(m["text"]) for m in self.replies()]

    def buttons(self) -> list[str]:
        """The labels of the keyboard of the last message that has one."""
        for sent in reversed(self.replies()):
            rows = sent.get("reply_markup", {}).get("inline_keyboard", [])
            if rows:
                return [button["text"] for row in rows for button in row]
        return []

    async def wait_replies(self, count: int, within: float = 10.0) -> list[str]:
        """Wait until at least `count` messages came to this chat; returns all the texts."""
        await self.api.wait_for(
            lambda: len(self.replies()) >= count,
            within,
            f"{count} messages to {self.user_id} (got {self.texts()})",
        )
        return self.texts()
