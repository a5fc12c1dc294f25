"""/outbox: what the bot could not deliver, for admins only, and a retry button per failure."""

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _

from bot.domain.roles import Action, may
from bot.screens.outbox import OutboxRetry, outbox_refused, outbox_screen
from bot.services.acting import Acting
from bot.services.outbox_admin import OutboxAdmin
from bot.telegram.reply import Reply


def router() -> Router:
    r = Router(name="outbox")

    @r.message(Command("outbox"))
    async def show(
        message: Message, *, acting: Acting, reply: Reply, outbox_admin: OutboxAdmin
    ) -> None:
        if not may(acting.role, Action.SEE_OUTBOX):
            await reply.send(outbox_refused())
            return
        await reply.send(outbox_screen(await outbox_admin.summary()))

    @r.callback_query(OutboxRetry.filter())
    async def retry(
        query: CallbackQuery,
        callback_data: OutboxRetry,
        *,
        acting: Acting,
        reply: Reply,
        outbox_admin: OutboxAdmin,
    ) -> None:
        """The button's id is only a claim: the presser must be an admin, the row failed."""
        if not may(acting.role, Action.SEE_OUTBOX):
            await query.answer(outbox_refused().text, show_alert=True)
            return
        if not await outbox_admin.retry(callback_data.id):
            await query.answer(_("That message is not failed any more."), show_alert=True)
            return
        await query.answer(_("Back in the queue."))
        await reply.send(outbox_screen(await outbox_admin.summary()))

    return r
