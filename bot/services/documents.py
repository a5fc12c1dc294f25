"""Documents made from a dossier: its PDF, for whoever may see the dossier, and kept on disk for
the outbox when it goes to the Secretariat's chat with the card; and a Bureau session's agenda
as a PDF (the `Agenda` comes from `Sheets.agenda`, which only staff get)."""

import asyncio
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from bot.domain.agenda import Agenda
from bot.domain.fund_form import FUND_FORM
from bot.domain.review import Case
from bot.domain.rules import FundingRules
from bot.services.review import Review
from storage.files import store_file


@dataclass(frozen=True)
class Made:
    case: Case
    name: str  # FC-2026-0001.pdf
    content: bytes


class Documents:
    """What one person may get as documents, for one update. Who may see which dossier is the
    review's rule (`Review.case`: staff any submitted dossier, an official what they reach of
    their city, bot/domain/access.py)."""

    def __init__(self, review: Review, rules: FundingRules, files_dir: Path) -> None:
        self.review = review
        self.rules = rules
        self.files_dir = files_dir

    async def dossier_pdf(self, dossier_id: int, today: date) -> Made | None:
        """The dossier as a PDF in the current language, drawn in a worker thread (the event
        loop goes on serving everyone); None if this person may not see it."""
        case = await self.review.case(dossier_id)
        if case is None or case.record.form.key != FUND_FORM.key:  # the PDF is the Fund's dossier
            return None
        name, content = await asyncio.to_thread(_draw, case, self.rules, today)
        return Made(case, name, content)

    async def keep(self, made: Made) -> Path:
        """The PDF written under FILES_DIR/<dossier>/ (named by its SHA-256), for the outbox to
        send from: it survives a restart like the row that points at it."""
        path, _digest = await store_file(
            self.files_dir, made.case.record.id, made.name, made.content
        )
        return path


def _draw(case: Case, rules: FundingRules, today: date) -> tuple[str, bytes]:
    """In the worker thread. fpdf2 (with Pillow and fontTools) is imported at the first PDF, not
    at the bot's start: a second and more of imports nobody waits for until then."""
    from bot.documents.dossier import dossier_pdf, pdf_name

    return pdf_name(case.record), dossier_pdf(case, rules, today)


async def agenda_pdf(agenda: Agenda, today: date) -> tuple[str, bytes]:
    """The agenda's file name and PDF in the current language, drawn in a worker thread."""
    return await asyncio.to_thread(_draw_agenda, agenda, today)


def _draw_agenda(agenda: Agenda, today: date) -> tuple[str, bytes]:
    from bot.documents.agenda import agenda_pdf as draw
    from bot.documents.agenda import agenda_pdf_name

    return agenda_pdf_name(agenda), draw(agenda, today)
