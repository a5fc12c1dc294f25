"""A long view asked for in a shared chat (a whole dossier, a project): it goes to the presser's
private chat, in their language, and the group is not filled with it."""

from collections.abc import Callable, Sequence

from aiogram.exceptions import TelegramBadRequest, TelegramForbiddenError

from bot.screens.base import Screen
from bot.screens.home import no_private_chat
from bot.services.acting import Acting
from bot.telegram.reply import Reply


async def send_privately(
    build: Callable[[], Sequence[Screen]], *, acting: Acting, reply: Reply
) -> None:
    """If the presser never started a private chat with the bot (Telegram refuses it then), the
    group gets one short line saying how. In a private chat: sent there, as `reply.send`."""
    if not reply.shared:
        await reply.send(*build())
        return
    screens = reply.own(build)
    try:
        for screen in screens:
            await reply.bot.send_message(acting.id, screen.text, reply_markup=screen.markup)
    except (TelegramForbiddenError, TelegramBadRequest):  # never started, or blocked us
        me = await reply.bot.me()
        await reply.send(no_private_chat(acting.person.first_name, f"https://t.me/{me.username}"))
