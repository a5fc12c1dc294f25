"""The polite refusal every Secretariat command and button gives to someone without the right."""

from aiogram.types import CallbackQuery
from aiogram.utils.i18n import gettext as _

from bot.domain.roles import Action
from bot.screens.base import Screen
from bot.screens.errors import not_allowed_text
from bot.services.acting import Acting
from bot.telegram.reply import Reply


async def allowed(
    action: Action, query: CallbackQuery | None = None, *, acting: Acting, reply: Reply
) -> bool:
    """Whether the person who pressed or typed may take `action` (their role as stored now);
    if not, they are told so in their language and the button's query is answered."""
    if acting.may(action):
        return True
    await deny(query, reply=reply)
    return False


async def deny(query: CallbackQuery | None = None, *, reply: Reply) -> None:
    if query is not None:
        await query.answer(reply.own(not_allowed_text), show_alert=True)
    else:
        await reply.send(Screen(not_allowed_text()))


async def stale(query: CallbackQuery) -> None:
    await query.answer(_("This button is no longer valid."), show_alert=True)
