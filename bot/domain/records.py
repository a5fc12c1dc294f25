"""What screens and rules are given: a record of answers to a form, its files, and a person.

Plain values built by the services from storage rows; nothing here knows how they are stored.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.domain.forms import ATTACHMENTS, AnswerRole, Answers, Form, Kind, Question, RoleAnswers
from bot.domain.navigation import Cursor
from bot.domain.profile_form import PROFILE_FORM, SHORT_PROFILE_FORM, may_report, missing_profile
from bot.domain.project import ReportStatus
from bot.domain.rules import FundingRules, SectionCheck, check_record, letter_slot
from bot.domain.workflow import applicant_can_edit

PROFILE_RECORD = 0  # the record id buttons of the profile carry: a person has one profile


@dataclass(frozen=True)
class FileInfo:
    id: int
    slot: str
    name: str
    size: int
    sha256: str
    telegram_file_id: str = ""  # Telegram keeps the file: it can be sent again by this id


@dataclass
class Record:
    """Answers to a form and the position in it (a dossier, or the person's profile)."""

    id: int
    form: Form
    answers: dict[str, Any]
    cursor: Cursor
    status: str = "draft"
    reference: str | None = None
    files: list[FileInfo] = field(default_factory=list)
    files_loaded: bool = True
    updated_at: datetime | None = None
    submitted_at: datetime | None = None
    changed_at: datetime | None = None  # its last status change, when it was read with it

    @property
    def is_profile(self) -> bool:
        return self.form is PROFILE_FORM or self.form is SHORT_PROFILE_FORM

    @property
    def counts(self) -> Counter[str]:
        return Counter(f.slot for f in self.files)

    @property
    def editable(self) -> bool:
        # A report returned for revision is the city's again (its form then asks only the
        # items named: bot.domain.report_form.revision_form).
        return (
            self.is_profile
            or applicant_can_edit(self.status)
            or self.status == ReportStatus.RETURNED
        )

    @property
    def currency(self) -> str | None:
        return self.form.currency(self.answers)

    @property
    def title(self) -> str | None:
        return self.read().title or None

    def read(self) -> RoleAnswers:
        """Its answers by the role they play outside the form (`Form.read`)."""
        return self.form.read(self.answers)

    def checks(self, rules: FundingRules) -> list[SectionCheck]:
        return check_record(self.form, self.answers, self.counts, rules)

    def shows_files(self) -> bool:
        """Whether the screen at the cursor lists files (most do not: they are read only then)."""
        question = self.form.questions.get(self.cursor.q)
        if question is None:
            return True
        return question.kind in ATTACHMENTS and self.cursor.field is None


def slot_files(question: Question, answers: Answers, files: list[FileInfo]) -> list[FileInfo]:
    """The files given for one attachment question (for LETTERS: one per entry)."""
    if question.kind == Kind.LETTERS:
        entries = question.per_entry(answers) if question.per_entry else []
        slots = {letter_slot(question, e["id"]) for e in entries}
        return [f for f in files if f.slot in slots]
    return [f for f in files if f.slot == question.key]


def letter_target(
    question: Question, answers: Answers, files: list[FileInfo]
) -> dict[str, Any] | None:
    """The first entry (a confirmed partner) whose file is still missing."""
    have = {f.slot for f in files}
    entries = question.per_entry(answers) if question.per_entry else []
    return next((e for e in entries if letter_slot(question, e["id"]) not in have), None)


@dataclass(frozen=True)
class Person:
    """Someone who talks to the bot: their language, profile answers and city."""

    telegram_id: int
    first_name: str
    language: str | None
    profile: dict[str, Any]
    city_id: int | None
    active_record_id: int | None = None
    verification: str = "pending"  # the Secretariat's look at the registration

    @property
    def name(self) -> str:
        return PROFILE_FORM.read(self.profile).text(AnswerRole.NAME) or self.first_name

    @property
    def registered(self) -> bool:
        return not missing_profile(self.profile) and self.city_id is not None

    @property
    def may_report(self) -> bool:
        """Enough is known to send an emergency report (the short registration at least)."""
        return may_report(self.profile, self.city_id)
