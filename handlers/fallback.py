"""What nobody else handled: old or forged buttons, unknown commands, messages out of place."""

from aiogram import Bot, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.rules import FundingRules
from bot.screens.base import Screen
from handlers.replies import chat_of, send, show_where
from storage.models import Account


def router() -> Router:
    r = Router(name="fallback")

    @r.callback_query()
    async def stale_button(
        query: CallbackQuery,
        bot: Bot,
        session: AsyncSession,
        account: Account,
        state: FSMContext,
        rules: FundingRules,
    ) -> None:
        """A button this version of the bot does not know: say so and show where the person is."""
        await query.answer(_("This button is no longer valid."), show_alert=True)
        await show_where(bot, chat_of(query), session, account, state, rules)

    @r.message()
    async def unexpected(
        message: Message,
        bot: Bot,
        session: AsyncSession,
        account: Account,
        state: FSMContext,
        rules: FundingRules,
    ) -> None:
        """Anything else: a short explanation, then the way forward."""
        if message.text and message.text.startswith("/"):
            text = _("I do not know this command. /help lists what I can do.")
        else:
            text = _("I did not expect this message here.")
        await send(bot, message.chat.id, [Screen(text)])
        await show_where(bot, message.chat.id, session, account, state, rules)

    return r
