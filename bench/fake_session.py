"""A Bot API session that never touches the network.

It does the work a real session does around the HTTP call, so both benchmark scenarios pay for it
alike: the request's form fields are prepared (JSON for markups, as `AiohttpSession` does) and the
result is parsed from JSON text into aiogram objects (`BaseSession.check_response`).
"""

import itertools
import time
from collections import Counter, deque
from collections.abc import AsyncGenerator
from typing import Any, cast

from aiogram import Bot
from aiogram.client.session.base import BaseSession
from aiogram.methods import (
    EditMessageReplyMarkup,
    EditMessageText,
    GetMe,
    SendDocument,
    SendMessage,
    SendPhoto,
    TelegramMethod,
)
from aiogram.methods.base import TelegramType
from aiogram.types import InlineKeyboardMarkup

BOT_USER = {"id": 0, "is_bot": True, "first_name": "Bench", "username": "bench_bot"}
MESSAGE_METHODS = (SendMessage, SendDocument, SendPhoto, EditMessageText, EditMessageReplyMarkup)


class FakeSession(BaseSession):
    """Answers every method locally; keeps the last few outgoing messages for inspection."""

    def __init__(self, keep: int = 50) -> None:
        super().__init__()
        self._message_ids = itertools.count(1)
        self.calls: Counter[str] = Counter()
        self.sent: deque[dict[str, Any]] = deque(maxlen=keep)

    async def make_request(
        self,
        bot: Bot,
        method: TelegramMethod[TelegramType],
        timeout: int | None = None,  # noqa: ASYNC109 - BaseSession's signature
    ) -> TelegramType:
        self.calls[method.__api_method__] += 1
        files: dict[str, Any] = {}
        fields = {
            key: prepared
            for key, value in method.model_dump(warnings=False).items()
            if (prepared := self.prepare_value(value, bot=bot, files=files))
        }
        result = self._result(bot, method, fields)
        content = self.json_dumps({"ok": True, "result": result})
        response = self.check_response(bot=bot, method=method, status_code=200, content=content)
        return cast(TelegramType, response.result)

    def _result(self, bot: Bot, method: TelegramMethod[Any], fields: dict[str, Any]) -> Any:
        if isinstance(method, GetMe):
            return {**BOT_USER, "id": bot.id}
        if isinstance(method, MESSAGE_METHODS):
            message = self._message(bot, method, fields)
            self.sent.append(message)
            return message
        return True

    def _message(self, bot: Bot, method: TelegramMethod[Any], fields: dict[str, Any]) -> Any:
        chat_id = int(fields.get("chat_id") or 0)
        chat: dict[str, Any] = {"id": chat_id, "type": "private" if chat_id > 0 else "supergroup"}
        message: dict[str, Any] = {
            "message_id": int(fields.get("message_id") or next(self._message_ids)),
            "date": int(time.time()),
            "chat": chat,
            "from": {**BOT_USER, "id": bot.id},
        }
        if "text" in fields:
            message["text"] = fields["text"]
        markup = getattr(method, "reply_markup", None)
        if isinstance(markup, InlineKeyboardMarkup):
            # Telegram echoes an inline keyboard back with the message; other markups it doesn't.
            message["reply_markup"] = self.json_loads(fields["reply_markup"])
        return message

    async def stream_content(
        self,
        url: str,
        headers: dict[str, Any] | None = None,
        timeout: int = 30,  # noqa: ASYNC109 - BaseSession's signature
        chunk_size: int = 65536,
        raise_for_status: bool = True,
    ) -> AsyncGenerator[bytes, None]:
        raise NotImplementedError("the benchmark downloads no files")
        yield b""  # pragma: no cover - makes this an async generator

    async def close(self) -> None:
        """Nothing to close: there is no connection."""

    def last_screen(self) -> dict[str, Any]:
        """The last message sent with an inline keyboard (what a person would press on)."""
        for message in reversed(self.sent):
            if (message.get("reply_markup") or {}).get("inline_keyboard"):
                return message
        return {}

    def last_keyboard(self) -> list[str]:
        """The callback data of the buttons of `last_screen()`."""
        rows = (self.last_screen().get("reply_markup") or {}).get("inline_keyboard", [])
        return [b["callback_data"] for row in rows for b in row if "callback_data" in b]
