"""The last resort: an unexpected error is logged and the person told that nothing is lost."""

import logging

from aiogram import Bot, Router
from aiogram.types import ErrorEvent
from aiogram.utils.i18n import gettext as _

log = logging.getLogger(__name__)


def router() -> Router:
    r = Router(name="errors")

    @r.errors()
    async def on_error(event: ErrorEvent, bot: Bot) -> None:
        update = event.update
        log.error(
            "update failed",
            exc_info=event.exception,
            extra={"update_id": update.update_id},
        )
        chat = None
        if update.message is not None:
            chat = update.message.chat.id
        elif update.callback_query is not None:
            query = update.callback_query
            chat = query.message.chat.id if query.message else query.from_user.id
            try:
                await query.answer()
            except Exception:
                log.debug("callback already answered or expired")
        if chat is None:
            return
        text = _("Sorry, something went wrong. Your saved answers are safe; please try again.")
        try:
            await bot.send_message(chat, text)
        except Exception:
            log.warning("could not tell the user about the error", extra={"chat_id": chat})

    return r
