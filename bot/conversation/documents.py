"""Documents sent on request ("📄 PDF") and with the Secretariat's card on submission."""

from aiogram.types import BufferedInputFile
from aiogram.utils.i18n import gettext as _

from bot.notify.dossiers import pdf_caption
from bot.screens.base import Screen
from bot.screens.checklist import record_title
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
