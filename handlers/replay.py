"""A duplicate of an answer to a form (Telegram sent it again: the process died before its
reply): its effect stands, and the person is shown where they are now (bot/telegram/journal.py)."""

import contextlib
from typing import Any

from aiogram import Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Filter
from aiogram.types import CallbackQuery, Message, TelegramObject

from bot.telegram.context import Context
from bot.telegram.journal import REPLAYING
from handlers.replies import show_where


class Replaying(Filter):
    async def __call__(self, event: TelegramObject, **data: Any) -> bool:
        return bool(data.get(REPLAYING))


def router() -> Router:
    r = Router(name="replay")

    @r.message(Replaying())
    async def typed(message: Message, ctx: Context) -> None:
        await show_where(ctx)

    @r.callback_query(Replaying())
    async def pressed(query: CallbackQuery, ctx: Context) -> None:
        with contextlib.suppress(TelegramBadRequest):  # the press may be too old to answer
            await query.answer()
        await show_where(ctx)

    return r
