"""A staff member's own command menu: Telegram shows each person the commands set for their
chat (BotCommandScopeChat) before the ones every chat has, so staff see their tools there, in
their language, as their role allows; set at /start, /help, a change of language or of role."""

import logging

from aiogram.exceptions import TelegramAPIError
from aiogram.types import BotCommandScopeChat
from aiogram.utils.i18n import I18n

from bot.config import Settings
from bot.screens.commands import personal_menu
from bot.services.acting import Acting
from bot.telegram.reply import Reply

log = logging.getLogger(__name__)


async def refresh_menu(
    telegram_id: int,
    role: str | None,
    language: str | None,
    revoked: bool = False,
    *,
    reply: Reply,
    settings: Settings,
    i18n: I18n,
) -> None:
    """Set the person's menu for their role; `revoked`: they are a city official again, their
    own menu goes (every chat's then applies). A city official's is never set."""
    with i18n.use_locale(language or settings.default_language):
        menu = personal_menu(role)
    scope = BotCommandScopeChat(chat_id=telegram_id)
    try:
        if menu is not None:
            await reply.bot.set_my_commands(menu, scope=scope)
        elif revoked:
            await reply.bot.delete_my_commands(scope=scope)
    except TelegramAPIError as error:  # e.g. someone who never opened a chat with the bot
        log.warning("menu not set", extra={"user": telegram_id, "error": type(error).__name__})


async def refresh_own_menu(*, acting: Acting, reply: Reply, settings: Settings, i18n: I18n) -> None:
    """The presser's own menu, as their role and language are now (from their private chat with
    the bot: the one their menu belongs to)."""
    if reply.chat_id != acting.person.telegram_id:
        return
    await refresh_menu(
        acting.person.telegram_id,
        acting.role,
        i18n.current_locale,
        reply=reply,
        settings=settings,
        i18n=i18n,
    )
