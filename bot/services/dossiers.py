"""Dossier use cases: open, answer, attach, submit. Each is one transaction, committed before the
handler replies; an answer and the position are always saved together."""

import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.access import reach, submission_waits
from bot.domain.all_forms import form_named
from bot.domain.answers import AnswerError
from bot.domain.flow import Move
from bot.domain.forms import MAX_FILES, Form, Kind, Question
from bot.domain.fund_form import FUND_FORM
from bot.domain.navigation import Cursor, upgraded
from bot.domain.project import REPORT_FORM_KEY, REPORT_FORMS, ReportStatus
from bot.domain.records import FileInfo, Record, letter_target, slot_files
from bot.domain.report_form import ReportPlan, report_form, revision_form
from bot.domain.review import Case, Change, changed_answers
from bot.domain.rules import FundingRules, is_complete, letter_slot
from bot.domain.sessions import BureauSession, next_session
from bot.domain.uploads import (
    DownloadFailed,
    SentFile,
    content_problem,
    type_label,
    upload_problem,
)
from bot.domain.workflow import REFERENCE_PREFIX, Status, applicant_can_delete, applicant_can_edit
from bot.notify import dossiers as notify
from bot.notify.notice import card_of
from bot.notify.readers import Audience
from bot.services.people import person_of, profile_answers
from bot.telegram.states import Flow
from storage import dossiers as queries
from storage.db import write_turn
from storage.files import remove_files, store_file
from storage.models import Account, Attachment, Dossier
from storage.outbox import has_card, post
from storage.people import audience, has_verified_official
from storage.projects import report_plan
from storage.types import utcnow

if TYPE_CHECKING:
    from bot.services.documents import Documents

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Submission:
    reference: str
    session: BureauSession | None
    again: bool = False  # resubmitted after changes were requested


def file_info(attachment: Attachment) -> FileInfo:
    return FileInfo(
        attachment.id,
        attachment.slot,
        attachment.file_name,
        attachment.size,
        attachment.sha256,
        attachment.telegram_file_id,
    )


def record_of(
    row: Dossier,
    files: list[Attachment] | None = None,
    plan: dict[str, Any] | None = None,
    returned: Sequence[str] = (),
) -> Record:
    """A stored record as the domain sees it; a project's report gets its form from the plan
    it was asked against (`reports.plan`, frozen when it was opened); a report (a project's or
    an emergency aid's) only the items named while it is returned for revision."""
    if row.form == REPORT_FORM_KEY:
        form = report_form(ReportPlan.from_json(plan or {"currency": ""}))
    else:
        form = form_named(row.form)
    if row.form in REPORT_FORMS and row.status == ReportStatus.RETURNED:
        form = revision_form(form, returned)
    answers = dict(row.answers or {})
    cursor = Cursor.from_json(form, row.cursor)
    if row.form_version != form.version and applicant_can_edit(row.status):
        cursor = upgraded(form, answers, cursor)  # what the new version asks more, first
    return Record(
        id=row.id,
        form=form,
        answers=answers,
        cursor=cursor,
        status=row.status,
        reference=row.reference,
        files=[file_info(a) for a in files or ()],
        files_loaded=files is not None,
        updated_at=row.updated_at,
        submitted_at=row.submitted_at,
    )


class AlreadySubmitted(Exception):
    """Two officials pressed "Submit" on one dossier at the same moment: the other one's
    submission goes on (or went through), with `reference`; this one changed nothing. `status`:
    the dossier's status now (still "draft" while the other one's topic is being created)."""

    def __init__(self, reference: str, status: str) -> None:
        super().__init__(reference)
        self.reference = reference
        self.status = status


class Dossiers:
    """The records of one person's city that this person reaches (bot/domain/access.py), for
    one update (one database session); a `RecordStore` (bot/services/records.py)."""

    answering = Flow.dossier.state
    closes_at_review = False  # its review is where it is checked, then sent

    def __init__(
        self,
        session: AsyncSession,
        account: Account,
        audience: Audience | None = None,
        documents: "Documents | None" = None,
    ) -> None:
        self.session = session
        self.account = account
        self.audience = audience  # who a submission tells (bot/notify/dossiers.py)
        self.documents = documents  # the PDF that follows the card (CARD_PDF)

    async def _row(self, record: Record) -> Dossier:
        row = await self.session.get(Dossier, record.id)
        assert row is not None, record.id
        return row

    async def open_new(self, form: Form = FUND_FORM) -> Record | None:
        """A new record of the person's city; None for someone who reaches nothing of a city
        (no city, or a refused registration)."""
        if reach(self.account) is None:
            return None
        answers = form.prefilled(profile_answers(self.account))
        row = await queries.create_dossier(self.session, self.account, answers)
        row.form, row.form_version = form.key, form.version
        row.cursor = Cursor(form.first_key()).to_json()
        self.account.active_dossier_id = row.id
        await self.session.commit()
        return record_of(row, [])

    async def load(self, record_id: int, files: bool = True) -> Record | None:
        """The record and its position, if this person reaches it (whatever id a button names:
        every screen, answer, file, move and document of a city's record comes through here)."""
        row = await queries.dossier_for(self.session, self.account, record_id)
        if row is None:
            return None
        plan, returned = (
            await report_plan(self.session, row.id) if row.form in REPORT_FORMS else (None, [])
        )
        record = record_of(row, plan=plan, returned=returned)
        if files:
            await self.load_files(record)
        return record

    async def active(self) -> Record | None:
        """The draft typed answers go to, with its files only if its screen shows them."""
        if self.account.active_dossier_id is None:
            return None
        record = await self.load(self.account.active_dossier_id, files=False)
        if record is not None and record.shows_files():
            await self.load_files(record)
        return record

    async def load_files(self, record: Record) -> None:
        if not record.files_loaded:
            rows = await queries.attachments(self.session, record.id)
            record.files = [file_info(a) for a in rows]
            record.files_loaded = True

    async def city_records(self) -> list[Record]:
        """The city's records this person reaches (their own only while unverified)."""
        rows = await queries.city_dossiers(self.session, self.account)
        changes = await queries.last_status_changes(self.session, [row.id for row in rows])
        records = [record_of(row) for row in rows]
        for record in records:
            record.changed_at = changes.get(record.id)
        return records

    async def waits_for_verification(self) -> bool:
        """Whether this person's submissions wait for the Secretariat's verification: they are
        not verified, and their city has a verified official already (bot/domain/access.py)."""
        if self.account.city_id is None:
            return False
        verified = await has_verified_official(self.session, self.account.city_id)
        return submission_waits(self.account, verified)

    async def activate(self, record: Record) -> None:
        """Make this the dossier the person's typed answers go to."""
        self.account.active_dossier_id = record.id
        await self.session.commit()

    async def apply(self, record: Record, move: Move) -> Record:
        """Store a move: the answers and the new position in one transaction."""
        row = await self._row(record)
        async with write_turn(self.session):
            if row.form_version != record.form.version:
                row.form_version = record.form.version  # flushed at the commit, same transaction
            if self.account.active_dossier_id != record.id:
                self.account.active_dossier_id = record.id
            cursor = move.cursor.to_json()
            await queries.save_answers(self.session, row, move.answers, cursor, commit=True)
        record.answers, record.cursor = dict(move.answers), move.cursor
        if record.shows_files():
            await self.load_files(record)
        return record

    async def move_to(self, record: Record, cursor: Cursor) -> Record:
        return await self.apply(record, Move(dict(record.answers), cursor))

    async def receive(
        self,
        record: Record,
        question: Question,
        sent: SentFile,
        fetch: Callable[[], Awaitable[bytes]],
        files_dir: Path,
    ) -> str:
        """A file sent for an attachment question: checked (its type and size, the question's
        count, a partner still without a letter), fetched, checked again (empty, or not what
        its name says), then kept. Its name, or AnswerError saying why it is refused."""
        await self.load_files(record)
        name = sent.name or "file"
        problem = upload_problem(sent.name, sent.mime, sent.size)
        mine = slot_files(question, record.answers, record.files)
        if question.kind == Kind.FILES and len(mine) >= MAX_FILES:
            problem = "file_count"
        slot = question.key
        if question.kind == Kind.LETTERS:
            target = letter_target(question, record.answers, record.files)
            if target is None:
                raise AnswerError("letters_done")
            slot = letter_slot(question, target["id"])
        if problem is None:
            try:
                content = await fetch()
            except DownloadFailed as failed:
                log.warning("file download failed", extra={"error": str(failed.__cause__)})
                problem = "file_size" if failed.too_big else "file_failed"
            else:
                problem = content_problem(sent.name, content)
        if problem is not None:
            raise AnswerError(problem, type=type_label(sent.name))
        await self.attach(
            record,
            slot=slot,
            file_name=name,
            mime_type=sent.mime or "",
            content=content,
            telegram_file_id=sent.file_id,
            files_dir=files_dir,
        )
        return name

    async def attach(
        self,
        record: Record,
        *,
        slot: str,
        file_name: str,
        mime_type: str,
        content: bytes,
        telegram_file_id: str,
        files_dir: Path,
    ) -> FileInfo:
        path, digest = await store_file(files_dir, record.id, file_name, content)
        attachment = Attachment(
            dossier_id=record.id,
            slot=slot,
            file_name=file_name[:255],
            mime_type=mime_type[:100],
            size=len(content),
            sha256=digest,
            path=str(path),
            telegram_file_id=telegram_file_id[:200],
            uploaded_by=self.account.telegram_id,
        )
        self.session.add(attachment)
        (await self._row(record)).updated_at = utcnow()
        await self.session.commit()
        info = file_info(attachment)
        record.files.append(info)
        return info

    async def detach(self, record: Record, file_id: int) -> None:
        orphans = await queries.remove_attachment(self.session, record.id, file_id)
        await self.session.commit()
        await remove_files(orphans)
        record.files = [f for f in record.files if f.id != file_id]

    async def delete(self, record: Record) -> bool:
        """Delete a draft, then the files on disk that belonged only to it."""
        if not applicant_can_delete(record.status):
            return False
        try:
            orphans = await queries.delete_draft(self.session, await self._row(record))
        except queries.StatusMoved:  # submitted a moment ago by another official
            return False
        await self.session.commit()
        await remove_files(orphans)
        return True

    async def reference_for_topic(
        self, record: Record, rules: FundingRules, today: date
    ) -> str | None:
        """Before a first submission to a forum chat: the dossier's reference, given now and
        committed (a short transaction of its own), so its topic can be created, named after it,
        before the submission's transaction. None if the dossier cannot be submitted or already
        has its card (or its topic). A reference is never given twice, even if the submission
        then does not happen."""
        if not record.editable or not is_complete(record.checks(rules)):
            return None
        if await self.waits_for_verification():
            return None
        row = await self._row(record)
        if row.topic_id is not None or await has_card(self.session, card_of("dossier", row.id)):
            return None
        if row.reference is None:
            gave = await queries.give_reference(self.session, row, REFERENCE_PREFIX, today.year)
            await self.session.commit()
            if not gave:  # another official pressed "Submit" a moment ago: theirs goes on
                raise AlreadySubmitted(row.reference or "", row.status)
        return row.reference

    async def submit(
        self,
        record: Record,
        rules: FundingRules,
        sessions: tuple[BureauSession, ...],
        today: date,
        topic_id: int | None = None,
    ) -> Submission | None:
        """Give the dossier its reference and put it in the Secretariat's queue, only if complete.
        After changes were requested, it goes back in review, with the answers changed since the
        last submission. What it tells whom (bot/notify/dossiers.py `submitted`, and the PDF
        made as the dossier now stands, `card_pdf`) is written to the outbox in this same
        transaction. `topic_id`: the dossier's new forum topic, stored here, before the notices
        go to it."""
        assert self.audience is not None, "a submission tells the Secretariat"
        if not record.editable or not is_complete(record.checks(rules)):
            return None
        if await self.waits_for_verification():
            return None
        row = await self._row(record)
        again = row.status == Status.CHANGES_REQUESTED
        changes = changed_answers(record.form, row.submitted_answers or {}, row.answers)
        target = Status.IN_REVIEW if again else Status.SUBMITTED
        try:  # first, so that a second press at the same moment writes nothing
            await queries.change_status(self.session, row, target, self.account.telegram_id)
        except queries.StatusMoved as moved:
            raise AlreadySubmitted(moved.reference or "", moved.status) from moved
        if topic_id is not None and row.topic_id is None:
            row.topic_id = topic_id
        if row.reference is None:
            await queries.give_reference(self.session, row, REFERENCE_PREFIX, today.year)
        row.submitted_at = row.submitted_at if again else utcnow()
        row.submitted_answers = dict(row.answers)
        self.account.active_dossier_id = None
        record.status, record.reference = row.status, row.reference
        record.submitted_at = row.submitted_at
        await self._tell_submitted(row, record, changes if again else None, today)
        await self.session.commit()
        return Submission(row.reference, next_session(sessions, today), again)

    async def _tell_submitted(
        self, row: Dossier, record: Record, changes: list[Change] | None, today: date
    ) -> None:
        audience = self.audience
        assert audience is not None
        if audience.secretariat is None:
            log.warning("SECRETARIAT_CHAT_ID is not set: no card for %s", record.reference)
        me = self.account.telegram_id
        others = [person_of(a) for a in await audience_of(self.session, row) if a.telegram_id != me]
        answers = record.read()
        case = Case(
            record,
            self.account.city_id or 0,
            answers.city,
            answers.country,
            person_of(self.account),
        )
        told = notify.submitted(case, changes, others, audience)
        chat = audience.secretariat
        if self.documents is not None and audience.card_pdf and chat is not None:
            await self.session.flush()
            with audience.voice.speaking(chat.language):
                made = await self.documents.dossier_pdf(record.id, today)
            if made is not None:
                path = await self.documents.keep(made)
                told += notify.card_pdf(record, str(path), made.name, audience)
        await post(self.session, told, dossier_id=row.id, topic_id=row.topic_id)


async def audience_of(session: AsyncSession, row: Dossier) -> list[Account]:
    """Who is told about this dossier: its city's verified officials, and its author while
    unverified (bot/domain/access.py)."""
    return await audience(session, row.city_id, row.created_by)
