"""Dossier use cases: open, answer, attach, submit. Each commits answer and position together."""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.flow import Move
from bot.domain.forms import QUESTIONS, SECTIONS, Kind
from bot.domain.navigation import Cursor, first_key
from bot.domain.rules import FundingRules, SectionCheck, check_dossier, is_complete
from bot.domain.sessions import BureauSession, next_session
from bot.domain.workflow import REFERENCE_PREFIX, Status, applicant_can_edit
from storage import dossiers as queries
from storage.files import remove_files, store_file
from storage.models import Account, Attachment, Dossier
from storage.types import utcnow


@dataclass
class DossierState:
    """A dossier, the position in it, and its attachments (loaded when a screen needs them)."""

    dossier: Dossier
    cursor: Cursor
    files: list[Attachment] = field(default_factory=list)
    files_loaded: bool = True

    @property
    def counts(self) -> Counter[str]:
        return queries.slot_counts(self.files)

    @property
    def editable(self) -> bool:
        return applicant_can_edit(self.dossier.status)

    def checks(self, rules: FundingRules) -> list[SectionCheck]:
        return check_dossier(self.dossier.answers, self.counts, rules)


def prefilled_answers(account: Account) -> dict[str, Any]:
    """Applicant answers the profile already holds; the person confirms them with "Keep"."""
    answers = {}
    for question in SECTIONS[0].questions:
        value = getattr(account, question.prefill, None) if question.prefill else None
        if value:
            answers[question.key] = value
    return answers


async def open_new(session: AsyncSession, account: Account) -> DossierState:
    dossier = await queries.create_dossier(session, account, prefilled_answers(account))
    cursor = Cursor(first_key())
    dossier.cursor = cursor.to_json()
    account.active_dossier_id = dossier.id
    await session.commit()
    return DossierState(dossier, cursor, [])


async def load(
    session: AsyncSession, account: Account, dossier_id: int, files: bool = True
) -> DossierState | None:
    """The dossier and its questionnaire position, if this person's city owns it."""
    dossier = await queries.dossier_for(session, account, dossier_id)
    if dossier is None:
        return None
    state = DossierState(dossier, Cursor.from_json(dossier.cursor), [], files_loaded=False)
    if files:
        await load_files(session, state)
    return state


async def load_active(session: AsyncSession, account: Account) -> DossierState | None:
    """The draft typed answers go to, with its attachments only if its screen shows them."""
    if account.active_dossier_id is None:
        return None
    state = await load(session, account, account.active_dossier_id, files=False)
    if state is not None:
        await ready_for_screen(session, state)
    return state


async def ready_for_screen(session: AsyncSession, state: DossierState) -> None:
    """Read the attachments if the current screen shows them (most questions do not)."""
    question = QUESTIONS.get(state.cursor.q)
    shows_files = question is None or (
        question.kind in (Kind.FILES, Kind.LETTERS) and state.cursor.field is None
    )
    if shows_files:
        await load_files(session, state)


async def load_files(session: AsyncSession, state: DossierState) -> None:
    if not state.files_loaded:
        state.files = await queries.attachments(session, state.dossier.id)
        state.files_loaded = True


async def activate(session: AsyncSession, account: Account, state: DossierState) -> None:
    """Make this the dossier the person's typed answers go to."""
    account.active_dossier_id = state.dossier.id
    await session.commit()


async def apply(
    session: AsyncSession, account: Account, state: DossierState, move: Move
) -> DossierState:
    """Store a move: the answers and the new position in one transaction."""
    state.dossier.answers = move.answers
    state.dossier.cursor = move.cursor.to_json()
    state.dossier.updated_at = utcnow()
    state.cursor = move.cursor
    account.active_dossier_id = state.dossier.id
    await session.commit()
    return state


async def move_to(
    session: AsyncSession, account: Account, state: DossierState, cursor: Cursor
) -> DossierState:
    return await apply(session, account, state, Move(dict(state.dossier.answers), cursor))


async def attach(
    session: AsyncSession,
    account: Account,
    state: DossierState,
    *,
    slot: str,
    file_name: str,
    mime_type: str,
    content: bytes,
    telegram_file_id: str,
    files_dir: Path,
) -> Attachment:
    path, digest = await store_file(files_dir, state.dossier.id, file_name, content)
    attachment = Attachment(
        dossier_id=state.dossier.id,
        slot=slot,
        file_name=file_name[:255],
        mime_type=mime_type[:100],
        size=len(content),
        sha256=digest,
        path=str(path),
        telegram_file_id=telegram_file_id[:200],
        uploaded_by=account.telegram_id,
    )
    session.add(attachment)
    state.dossier.updated_at = utcnow()
    await session.commit()
    state.files.append(attachment)
    return attachment


async def detach(session: AsyncSession, state: DossierState, attachment_id: int) -> None:
    orphans = await queries.remove_attachment(session, state.dossier.id, attachment_id)
    await session.commit()
    await remove_files(orphans)
    state.files = [f for f in state.files if f.id != attachment_id]


async def delete(session: AsyncSession, state: DossierState) -> None:
    """Delete a draft, then the files on disk that belonged only to it."""
    orphans = await queries.delete_draft(session, state.dossier)
    await session.commit()
    await remove_files(orphans)


@dataclass(frozen=True)
class Submission:
    reference: str
    session: BureauSession | None


async def submit(
    session: AsyncSession,
    account: Account,
    state: DossierState,
    rules: FundingRules,
    sessions: tuple[BureauSession, ...],
    today: date,
    notify: Any,
) -> Submission | None:
    """Give the dossier its reference and put it in the Secretariat's queue, only if complete.

    `notify(dossier)` adds the Secretariat's card to the outbox in this same transaction.
    """
    dossier = state.dossier
    if not state.editable or not is_complete(state.checks(rules)):
        return None
    if dossier.reference is None:
        dossier.reference = await queries.next_reference(session, REFERENCE_PREFIX, today.year)
    await queries.change_status(session, dossier, Status.SUBMITTED, account.telegram_id)
    dossier.submitted_at = utcnow()
    account.active_dossier_id = None
    notify(dossier)
    await session.commit()
    return Submission(dossier.reference, next_session(sessions, today))
