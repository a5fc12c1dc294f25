"""A staff member's own command menu: Telegram shows each person the commands set for their
chat (BotCommandScopeChat) before the ones every chat has, so staff see their tools there, in
their language, as their role allows; set at /start, /help, a change of language or of role."""

import logging

from aiogram.exceptions import TelegramAPIError
from aiogram.types import BotCommandScopeChat

from bot.screens.commands import personal_menu
from bot.telegram.context import Context

log = logging.getLogger(__name__)


async def refresh_menu(
    ctx: Context, telegram_id: int, role: str | None, language: str | None, revoked: bool = False
) -> None:
    """Set the person's menu for their role; `revoked`: they are a city official again, their
    own menu goes (every chat's then applies). A city official's is never set."""
    with ctx.i18n.use_locale(language or ctx.settings.default_language):
        menu = personal_menu(role)
    scope = BotCommandScopeChat(chat_id=telegram_id)
    try:
        if menu is not None:
            await ctx.bot.set_my_commands(menu, scope=scope)
        elif revoked:
            await ctx.bot.delete_my_commands(scope=scope)
    except TelegramAPIError as error:  # e.g. someone who never opened a chat with the bot
        log.warning("menu not set", extra={"user": telegram_id, "error": type(error).__name__})


async def refresh_own_menu(ctx: Context) -> None:
    """The presser's own menu, as their role and language are now (from their private chat with
    the bot: the one their menu belongs to)."""
    if ctx.chat_id != ctx.person.telegram_id:
        return
    await refresh_menu(ctx, ctx.person.telegram_id, ctx.role, ctx.i18n.current_locale)
