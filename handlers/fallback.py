"""What nobody else handled: old or forged buttons, unknown commands, messages out of place."""

from aiogram import Router
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _

from bot.screens.base import Screen
from bot.telegram.context import Context
from handlers.replies import show_where


def router() -> Router:
    r = Router(name="fallback")

    @r.callback_query()
    async def stale_button(query: CallbackQuery, ctx: Context) -> None:
        """A button this version of the bot does not know: say so and show where the person is."""
        await query.answer(_("This button is no longer valid."), show_alert=True)
        await show_where(ctx)

    @r.message()
    async def unexpected(message: Message, ctx: Context) -> None:
        """Anything else: a short explanation, then the way forward."""
        if message.text and message.text.startswith("/"):
            text = _("I do not know this command. /help lists what I can do.")
        else:
            text = _("I did not expect this message here.")
        await ctx.send(Screen(text))
        await show_where(ctx)

    return r


def any_chat_router() -> Router:
    """A button nobody took in a chat that is not private (the Secretariat's group: a stale or
    forged button, or one of a person's own screens forwarded there) is still answered, so its
    spinner stops: the applicant's fallback above only sees private chats."""
    r = Router(name="fallback_any_chat")

    @r.callback_query()
    async def stale_button(query: CallbackQuery) -> None:
        await query.answer(_("This button is no longer valid."), show_alert=True)

    return r
