"""Documents sent on request ("📄 PDF", a spreadsheet) and with the Secretariat's card on
submission."""

import asyncio
from collections.abc import Callable

from aiogram.types import BufferedInputFile
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _

from bot.notify.dossiers import pdf_caption
from bot.screens.base import Screen
from bot.screens.checklist import record_title
from bot.screens.sheets import Table, write_workbook
from bot.services.documents import Documents
from bot.telegram.inputs import today
from bot.telegram.reply import Reply


async def send_dossier_pdf(dossier_id: int, *, reply: Reply, documents: Documents) -> None:
    """The dossier as a PDF in the asker's language, if they may see it (checked again here:
    staff any submitted dossier, an official what they reach of their city; the button proves
    nothing)."""
    made = await documents.dossier_pdf(dossier_id, today())
    if made is None:
        await reply.send(Screen(_("This dossier is not available to you.")))
        return
    record = made.case.record
    await reply.bot.send_document(
        reply.chat_id,
        BufferedInputFile(made.content, made.name),
        caption=pdf_caption(record.reference, record_title(record)),
        message_thread_id=reply.thread_id,
    )


async def send_workbook(
    tables: Callable[[], list[Table]], name: str, caption: str, *, reply: Reply, i18n: I18n
) -> None:
    """Build the tables and write the file in a worker thread (it inherits this update's
    context, so the reader's language), then send it as a document."""
    right_to_left = i18n.current_locale == "ar"
    data = await asyncio.to_thread(lambda: write_workbook(tables(), right_to_left))
    await reply.bot.send_document(
        reply.chat_id,
        BufferedInputFile(data, filename=name),
        caption=caption,
        message_thread_id=reply.thread_id,
    )
