"""TelegramUser: drives a bot through the stand-in by acting like a Telegram user.

Each action pushes a realistic Update, waits until the bot fetched it and then until
the bot "settles", and returns what the bot did in this private chat:

    reply = await user.send("/start")
    await user.press(reply[-1], "Continue")

The returned `Reply` is a list of message dicts, ordered by the first thing that
happened to each message during the action: messages the bot SENT (sendMessage,
sendDocument, sendPhoto, ... results) and messages it EDITED (editMessageText /
Caption / ReplyMarkup), each in its latest state; a message both sent and edited
appears once. Messages deleted before the action ended are left out. `reply.sent` and
`reply.edited` split the two; `reply.calls` holds the requests made meanwhile
(getUpdates excluded).

Settling: the update has been fetched by getUpdates, at least `expect` messages were
sent or edited, and the bot made no request at all for `quiet` seconds (empty
long-poll answers don't count), and a pressed button's callback query was answered
(`press` waits for that answer up to the timeout: a busy bot may be quiet for a while
before it starts on the update). With expect=0 only the quiet period is awaited.
When the test can see inside the bot, `handled=` (a predicate on update ids, true once
the bot finished handling that update) replaces the quiet period: no waiting past it.
Past `timeout` seconds an AssertionError with the recent requests is raised. Every
action accepts `quiet=` and `timeout=` keyword overrides of the user's defaults.
"""

from __future__ import annotations

import itertools
import re
import time
from collections.abc import Callable
from typing import Any

from .formatting import utf16_len
from .server import BotAPIStandIn, Call

_COMMAND_RE = re.compile(r"/[A-Za-z0-9_]{1,32}(@[A-Za-z0-9_]{3,})?")


class Reply(list):
    """Messages sent or edited by the bot during one user action (see module doc)."""

    def __init__(
        self, messages: list[dict], sent: list[dict], edited: list[dict], calls: list[Call]
    ):
        super().__init__(messages)
        self.sent = sent
        self.edited = edited
        self.calls = calls
        self.callback_query_id: str | None = None

    @property
    def texts(self) -> list[str]:
        return [m.get("text", m.get("caption", "")) for m in self]


def format_calls(calls: list[Call], limit: int = 20) -> str:
    lines = []
    for call in calls[-limit:]:
        state = "ok" if call.ok else f"{call.status} {call.description}"
        params = {k: v for k, v in call.params.items() if k != "chat_id"}
        text = repr(params)
        lines.append(f"  {call.method} [{state}] {text[:300]}")
    return "\n".join(lines) or "  (no requests)"


class TelegramUser:
    def __init__(
        self,
        api: BotAPIStandIn,
        user_id: int,
        *,
        first_name: str = "Awa",
        last_name: str | None = None,
        username: str | None = None,
        language_code: str = "fr",
        quiet: float = 0.3,
        timeout: float = 10.0,
        handled: Callable[[int], bool] | None = None,
        group: dict[str, Any] | None = None,
    ) -> None:
        """`group` (a chat: id, type, title) makes this user act in that group, not privately."""
        self.api = api
        self.id = user_id
        self.quiet = quiet
        self.handled = handled
        self.timeout = timeout
        self.user: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": first_name}
        self.chat: dict[str, Any] = {"id": user_id, "type": "private", "first_name": first_name}
        for key, value in (("last_name", last_name), ("username", username)):
            if value is not None:
                self.user[key] = value
                self.chat[key] = value
        if group is not None:
            self.chat = dict(group)
        self.chat_id: int = self.chat["id"]
        self.user["language_code"] = language_code
        self._chat_instance = str(abs(user_id * 2654435761) % 10**18)
        self._seq = itertools.count(1)

    # ------------------------------------------------------------------ helpers
    def chat_messages(self) -> list[dict]:
        return self.api.messages(self.chat_id)

    @staticmethod
    def buttons(message: dict) -> list[str]:
        """Texts of the inline buttons of a message, flattened."""
        rows = (message.get("reply_markup") or {}).get("inline_keyboard", [])
        return [button["text"] for row in rows for button in row]

    def reply_keyboard(self, message: dict | None = None) -> list[str]:
        """Button texts of the reply keyboard sent with `message` (flattened), or of the
        keyboard currently shown in the chat when `message` is None."""
        if message is None:
            markup = self.api.current_reply_keyboard(self.chat_id)
        else:
            markup = self.api.sent_reply_markup(self.chat_id, message["message_id"])
        rows = (markup or {}).get("keyboard", [])
        return [button["text"] for row in rows for button in row]

    def _message(self, **content: Any) -> dict:
        return {
            "message_id": self.api.next_message_id(self.chat_id),
            "from": dict(self.user),
            "chat": dict(self.chat),
            "date": int(time.time()),
            **content,
        }

    # ------------------------------------------------------------------ actions
    async def send(
        self,
        text: str,
        *,
        expect: int = 1,
        reply_to: dict | None = None,
        thread_id: int | None = None,
        **wait: float,
    ) -> Reply:
        """Send a text message; "/cmd ..." gets a bot_command entity like in Telegram.
        `thread_id`: written in that forum topic (message_thread_id, is_topic_message)."""
        content: dict[str, Any] = {"text": text}
        if thread_id is not None:
            if not self.api.has_topic(self.chat_id, thread_id):
                raise ValueError(f"chat {self.chat_id} has no topic {thread_id}")
            content["message_thread_id"] = thread_id
            content["is_topic_message"] = True
        match = _COMMAND_RE.match(text)
        if match and (match.end() == len(text) or text[match.end()].isspace()):
            content["entities"] = [
                {"type": "bot_command", "offset": 0, "length": utf16_len(match.group())}
            ]
        if reply_to is not None:
            content["reply_to_message"] = reply_to
        return await self._act({"message": self._message(**content)}, expect, **wait)

    async def press(
        self,
        message: dict,
        button_text: str,
        *,
        expect: int = 1,
        require_answer: bool = True,
        **wait: float,
    ) -> Reply:
        """Press the inline button whose text equals (or else uniquely contains)
        `button_text`, on the CURRENT state of `message`. By default the bot must
        answer the callback query (AssertionError otherwise)."""
        current = self.api.get_message(self.chat_id, message["message_id"])
        if current is None:
            raise AssertionError(f"message {message['message_id']} no longer exists")
        rows = (current.get("reply_markup") or {}).get("inline_keyboard", [])
        buttons = [b for row in rows for b in row]
        found = [b for b in buttons if b["text"] == button_text] or [
            b for b in buttons if button_text in b["text"]
        ]
        if len(found) != 1:
            problem = "no button" if not found else "several buttons"
            raise AssertionError(
                f"{problem} matching {button_text!r} on message {current['message_id']}; "
                f"available: {[b['text'] for b in buttons]}"
            )
        button = found[0]
        if "callback_data" not in button:
            kinds = sorted(set(button) - {"text", "style", "icon_custom_emoji_id"})
            raise AssertionError(f"button {button['text']!r} is not a callback button: {kinds}")
        return await self._callback(
            current, button["callback_data"], expect, require_answer, **wait
        )

    async def press_data(
        self,
        message: dict,
        callback_data: str,
        *,
        expect: int = 1,
        require_answer: bool = True,
        **wait: float,
    ) -> Reply:
        """Push a callback query with arbitrary data on `message` as given (stale or
        forged data tests)."""
        return await self._callback(message, callback_data, expect, require_answer, **wait)

    async def _callback(
        self, message: dict, data: str, expect: int, require_answer: bool, **wait: float
    ) -> Reply:
        query_id = self.api.new_callback_query_id()
        query = {
            "id": query_id,
            "from": dict(self.user),
            "message": message,
            "chat_instance": self._chat_instance,
            "data": data,
        }
        answered = query_id if require_answer else None
        reply = await self._act({"callback_query": query}, expect, answered=answered, **wait)
        reply.callback_query_id = query_id
        if require_answer and self.api.callback_answer(query_id) is None:
            raise AssertionError(
                f"the bot did not answer callback query {query_id} (data={data!r}); "
                f"recent requests:\n{format_calls(reply.calls)}"
            )
        return reply

    async def share_contact(
        self, phone_number: str, *, user_id: int | None = None, expect: int = 1, **wait: float
    ) -> Reply:
        contact: dict[str, Any] = {
            "phone_number": phone_number,
            "first_name": self.user["first_name"],
        }
        if "last_name" in self.user:
            contact["last_name"] = self.user["last_name"]
        contact["user_id"] = self.id if user_id is None else user_id
        return await self._act({"message": self._message(contact=contact)}, expect, **wait)

    async def send_location(
        self, latitude: float, longitude: float, *, expect: int = 1, **wait: float
    ) -> Reply:
        location = {"latitude": float(latitude), "longitude": float(longitude)}
        return await self._act({"message": self._message(location=location)}, expect, **wait)

    async def send_document(
        self,
        content: bytes,
        file_name: str,
        mime_type: str,
        *,
        file_size: int | None = None,
        caption: str | None = None,
        expect: int = 1,
        **wait: float,
    ) -> Reply:
        stored = self.api.add_file(content, file_name, mime_type, file_size)
        document = {
            "file_id": stored["file_id"],
            "file_unique_id": stored["file_unique_id"],
            "file_name": file_name,
            "mime_type": mime_type,
            "file_size": stored["file_size"],
        }
        extra = {"caption": caption} if caption else {}
        return await self._act(
            {"message": self._message(document=document, **extra)}, expect, **wait
        )

    async def send_photo(
        self,
        content: bytes,
        *,
        file_size: int | None = None,
        caption: str | None = None,
        expect: int = 1,
        **wait: float,
    ) -> Reply:
        photo = self.api.add_photo(content, file_size)
        extra = {"caption": caption} if caption else {}
        return await self._act({"message": self._message(photo=photo, **extra)}, expect, **wait)

    # ------------------------------------------------------------------ waiting
    async def _act(
        self,
        update: dict,
        expect: int,
        *,
        answered: str | None = None,
        quiet: float | None = None,
        timeout: float | None = None,  # noqa: ASYNC109
    ) -> Reply:
        """`answered`: a callback query the bot must answer before the action settles (a busy
        bot may be quiet for a while before it starts on the update); past the timeout without
        that answer, the reply goes back and the caller reports it."""
        quiet = self.quiet if quiet is None else quiet
        timeout = self.timeout if timeout is None else timeout
        start = len(self.api.calls)
        deadline = time.monotonic() + timeout
        update_id = self.api.push_update(update)
        while self.api.update_status(update_id) == "queued":
            if time.monotonic() > deadline:
                self._fail(f"the bot did not fetch update {update_id} within {timeout}s", start)
            await self.api.wait_change(min(0.05, deadline - time.monotonic()))
        status = self.api.update_status(update_id)
        if status in ("filtered", "skipped"):
            why = {
                "filtered": f"it was filtered out by allowed_updates={self.api.allowed_updates}",
                "skipped": "getUpdates confirmed it with an offset before delivering it",
            }[status]
            self._fail(f"update {update_id} never reached the bot: {why}", start)
        while True:
            reply = self._collect(start)
            settled = (
                self.api.idle_for() >= quiet if self.handled is None else self.handled(update_id)
            )
            unanswered = answered is not None and self.api.callback_answer(answered) is None
            if len(reply) >= expect and settled and not unanswered:
                return reply
            if time.monotonic() > deadline:
                if len(reply) >= expect and settled:
                    return reply  # only the callback query's answer is missing
                self._fail(
                    f"expected {expect} new or edited message(s) in chat {self.chat_id} within "
                    f"{timeout}s, got {len(reply)}",
                    start,
                )
            await self.api.wait_change(0.02)

    def _fail(self, message: str, start: int) -> None:
        calls = [c for c in self.api.calls[start:] if not (c.method == "getUpdates" and c.ok)]
        raise AssertionError(f"{message}; requests since the action:\n{format_calls(calls)}")

    def _collect(self, start: int) -> Reply:
        calls = self.api.calls[start:]
        order: dict[int, str] = {}
        for call in calls:
            if not call.ok:
                continue
            results = call.result if isinstance(call.result, list) else [call.result]
            for result in results:
                if not isinstance(result, dict) or "message_id" not in result:
                    continue
                if (result.get("chat") or {}).get("id") != self.chat_id:
                    continue
                kind = "edited" if call.method.startswith("edit") else "sent"
                order.setdefault(result["message_id"], kind)
        messages, sent, edited = [], [], []
        for message_id, kind in order.items():
            current = self.api.get_message(self.chat_id, message_id)
            if current is None:
                continue
            messages.append(current)
            (sent if kind == "sent" else edited).append(current)
        return Reply(messages, sent, edited, [c for c in calls if c.method != "getUpdates"])
