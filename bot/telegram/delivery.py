"""Someone who had blocked the bot writes to it again: first, in short, what did not reach them
meanwhile (the notices that failed with 403), then their update as usual. Costs nothing to
anyone else: whether a person had blocked the bot is on their account, read with it."""

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject

from bot.domain.fitting import first_line
from storage import outbox

MAX_LISTED = 10


class MissedNotices(BaseMiddleware):
    """Inner middleware (messages, button presses), after the person's language is set.
    `summary`: the words of the short list (bot/screens/delivery.py `missed_summary`)."""

    def __init__(self, summary: Callable[[list[str], int], str]) -> None:
        self.summary = summary

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        account = data.get("account")
        chat = data.get("event_chat")
        if account is None or account.blocked_since is None:
            return await handler(event, data)
        if chat is None or chat.type != "private":
            return await handler(event, data)
        session = data["session"]
        missed = await outbox.missed(session, account.telegram_id, account.blocked_since)
        account.blocked_since = None  # told once; written with the update
        await outbox.reachable_again(session, account.telegram_id)
        if missed:
            lines = [first_line(m.text) for m in missed[:MAX_LISTED]]
            await data["bot"].send_message(chat.id, self.summary(lines, len(missed)))
        return await handler(event, data)
