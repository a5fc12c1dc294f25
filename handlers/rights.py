"""The polite refusal every Secretariat command and button gives to someone without the right."""

from aiogram.types import CallbackQuery
from aiogram.utils.i18n import gettext as _

from bot.domain.roles import Action
from bot.screens.base import Screen
from bot.screens.errors import not_allowed_text
from bot.telegram.context import Context


async def allowed(ctx: Context, action: Action, query: CallbackQuery | None = None) -> bool:
    """Whether the person who pressed or typed may take `action` (their role as stored now);
    if not, they are told so in their language and the button's query is answered."""
    if ctx.may(action):
        return True
    await deny(ctx, query)
    return False


async def deny(ctx: Context, query: CallbackQuery | None = None) -> None:
    if query is not None:
        await query.answer(ctx.own(not_allowed_text), show_alert=True)
    else:
        await ctx.send(Screen(not_allowed_text()))


async def stale(query: CallbackQuery) -> None:
    await query.answer(_("This button is no longer valid."), show_alert=True)
