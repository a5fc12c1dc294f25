"""A duplicate of an answer to a form (Telegram sent it again: the process died before its
reply): its effect stands, and the person is shown where they are now (bot/telegram/journal.py)."""

import contextlib
from typing import Any

from aiogram import Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Filter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message, TelegramObject

from bot.conversation.position import show_where
from bot.domain.rules import FundingRules
from bot.services.acting import Acting
from bot.services.records import Records
from bot.telegram.journal import REPLAYING
from bot.telegram.reply import Reply


class Replaying(Filter):
    async def __call__(self, event: TelegramObject, **data: Any) -> bool:
        return bool(data.get(REPLAYING))


def router() -> Router:
    r = Router(name="replay")

    @r.message(Replaying())
    async def typed(
        message: Message,
        *,
        acting: Acting,
        reply: Reply,
        state: FSMContext,
        records: Records,
        rules: FundingRules,
    ) -> None:
        await show_where(acting=acting, reply=reply, state=state, records=records, rules=rules)

    @r.callback_query(Replaying())
    async def pressed(
        query: CallbackQuery,
        *,
        acting: Acting,
        reply: Reply,
        state: FSMContext,
        records: Records,
        rules: FundingRules,
    ) -> None:
        with contextlib.suppress(TelegramBadRequest):  # the press may be too old to answer
            await query.answer()
        await show_where(acting=acting, reply=reply, state=state, records=records, rules=rules)

    return r
