"""Documents sent on request ("📄 PDF") and with the Secretariat's card on submission."""

from aiogram import html
from aiogram.types import BufferedInputFile
from aiogram.utils.i18n import gettext as _

from bot.domain.records import Record
from bot.screens.base import Screen
from bot.screens.review import record_title
from bot.services.records import Notice
from bot.telegram.context import Context
from handlers.inputs import today


def _caption(reference: str | None, title: str) -> str:
    if len(title) > 200:
        title = title[:199] + "…"
    return _("📄 {reference} · {title}").format(
        reference=reference or _("Draft dossier"), title=html.quote(title)
    )


async def send_dossier_pdf(ctx: Context, dossier_id: int) -> None:
    """The dossier as a PDF in the asker's language, if they may see it (checked again here:
    staff any submitted dossier, an official what they reach of their city; the button proves
    nothing)."""
    made = await ctx.documents.dossier_pdf(dossier_id, today())
    if made is None:
        await ctx.send(Screen(_("This dossier is not available to you.")))
        return
    record = made.case.record
    await ctx.bot.send_document(
        ctx.chat_id,
        BufferedInputFile(made.content, made.name),
        caption=_caption(record.reference, record_title(record)),
        message_thread_id=ctx.thread_id,
    )


async def card_documents(ctx: Context, record: Record) -> list[Notice]:
    """With the card of a submission (CARD_PDF): the PDF in the Secretariat's language, kept
    under FILES_DIR and sent by the outbox into the dossier's topic when it has one."""
    settings = ctx.settings
    chat = settings.secretariat_chat_id
    if not settings.card_pdf or chat is None:
        return []
    with ctx.i18n.use_locale(settings.notify_language):
        made = await ctx.documents.dossier_pdf(record.id, today())
        if made is None:
            return []
        caption = _caption(record.reference, record_title(record))
    path = await ctx.documents.keep(made)
    return [Notice(chat, caption, document=str(path), file_name=made.name, secretariat=True)]
