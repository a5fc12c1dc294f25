"""Tables. Conversation position lives here too: nothing a user did is kept only in memory."""

from datetime import date, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from storage.types import UTCDateTime, utcnow

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar = {datetime: UTCDateTime, dict[str, Any]: JSON}


class City(Base):
    __tablename__ = "cities"
    __table_args__ = (UniqueConstraint("name_key", "country"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    name_key: Mapped[str] = mapped_column(String(100))
    country: Mapped[str] = mapped_column(String(2))
    # Other names people type for it (another spelling, the Arabic name), as the Secretariat wrote.
    aliases: Mapped[list[str]] = mapped_column(JSON, default=list, server_default="[]")
    # On the Secretariat's member list; a city first named by a registration is not.
    listed: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Invite(Base):
    """A one-time link (`/start <token>`) giving a staff role or tying a focal point to a city.
    `used_by` is set once, by whoever opens it first (compare-and-set). A link for admin or
    presidency then waits for the admin who made it: `confirmed_at` (the role applies) or
    `declined_at` (it does not), set once too."""

    __tablename__ = "invites"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str | None] = mapped_column(String(20))
    city_id: Mapped[int | None] = mapped_column(ForeignKey("cities.id"))
    created_by: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_by: Mapped[int | None] = mapped_column(BigInteger)
    used_at: Mapped[datetime | None]
    confirmed_at: Mapped[datetime | None]
    declined_at: Mapped[datetime | None]


class Account(Base):
    """A Telegram user: language, profile, and the dossier their typed answers go to."""

    __tablename__ = "accounts"

    telegram_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    language: Mapped[str | None] = mapped_column(String(8))
    first_name: Mapped[str] = mapped_column(String(200), default="")
    full_name: Mapped[str | None] = mapped_column(String(150))
    function: Mapped[str | None] = mapped_column(String(150))
    phone: Mapped[str | None] = mapped_column(String(20))
    email: Mapped[str | None] = mapped_column(String(254))
    city_name: Mapped[str | None] = mapped_column(String(100))
    country: Mapped[str | None] = mapped_column(String(2))
    city_id: Mapped[int | None] = mapped_column(ForeignKey("cities.id"), index=True)
    active_dossier_id: Mapped[int | None] = mapped_column(Integer)
    # The profile is a form too: its answers are the columns above, its position and version here.
    profile_cursor: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    profile_version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    role: Mapped[str] = mapped_column(
        String(20), default="applicant", server_default="applicant", index=True
    )
    # A registration the Secretariat has looked at: "pending", "verified" or "refused".
    verification: Mapped[str] = mapped_column(
        String(10), default="pending", server_default="pending"
    )
    verified_by: Mapped[int | None] = mapped_column(BigInteger)
    verified_at: Mapped[datetime | None]
    refusal_reason: Mapped[str | None] = mapped_column(Text)
    # When the profile was first complete (the Secretariat's card is sent then, once).
    registered_at: Mapped[datetime | None]
    # Since when this person has blocked the bot (a message to them got a 403): when they write
    # again they are told, in short, what they missed.
    blocked_since: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Dossier(Base):
    """A record of answers to a form (which one, and its version, are stored with it): answers and
    the position in the form are one row, so they are always saved together."""

    __tablename__ = "dossiers"

    id: Mapped[int] = mapped_column(primary_key=True)
    city_id: Mapped[int] = mapped_column(ForeignKey("cities.id"), index=True)
    created_by: Mapped[int] = mapped_column(BigInteger, ForeignKey("accounts.telegram_id"))
    form: Mapped[str] = mapped_column(String(20), default="fund", server_default="fund")
    form_version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    status: Mapped[str] = mapped_column(String(20), default="draft", index=True)
    reference: Mapped[str | None] = mapped_column(String(20), unique=True)
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    cursor: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    submitted_at: Mapped[datetime | None]
    # After submission: the answers as last submitted (to show what a resubmission changed), the
    # Bureau session it is scheduled on, the amount granted (its cards are outbox rows naming
    # it: `outbox.card`).
    submitted_answers: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    session_id: Mapped[int | None] = mapped_column(ForeignKey("bureau_sessions.id"))
    granted_amount: Mapped[str | None] = mapped_column(String(40))
    # The dossier's forum topic in the Secretariat's chat (its message_thread_id), when that chat
    # is a forum: the card, the status changes and the messages about the dossier live there.
    topic_id: Mapped[int | None] = mapped_column(BigInteger, index=True)
    # A situation report (form "sitrep") names the emergency it follows.
    parent_id: Mapped[int | None] = mapped_column(Integer, index=True)


class BureauSession(Base):
    """A session of the Bureau, which votes the grants: when, where, and the last day to send."""

    __tablename__ = "bureau_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    held_on: Mapped[date] = mapped_column(Date, unique=True)
    deadline: Mapped[date] = mapped_column(Date)
    place: Mapped[str] = mapped_column(String(100), default="")
    # What the Bureau may commit at this session (a Decimal as text) and its currency.
    budget: Mapped[str | None] = mapped_column(String(40))
    budget_currency: Mapped[str | None] = mapped_column(String(3))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class DossierMessage(Base):
    """A message between a city and the Secretariat about one dossier."""

    __tablename__ = "dossier_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id"), index=True)
    author_id: Mapped[int] = mapped_column(BigInteger)
    from_staff: Mapped[bool] = mapped_column(Boolean)
    text: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(default=utcnow)


class Attachment(Base):
    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id"), index=True)
    slot: Mapped[str] = mapped_column(String(60))
    file_name: Mapped[str] = mapped_column(String(255))
    mime_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    path: Mapped[str] = mapped_column(String(500))
    telegram_file_id: Mapped[str] = mapped_column(String(200))
    uploaded_by: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class StatusChange(Base):
    """Every status change of a dossier: who, when, from, to and why."""

    __tablename__ = "status_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id"), index=True)
    from_status: Mapped[str] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    by_user: Mapped[int] = mapped_column(BigInteger)
    reason: Mapped[str | None] = mapped_column(Text)
    amount: Mapped[str | None] = mapped_column(String(40))  # granted, for an approval
    session_id: Mapped[int | None] = mapped_column(Integer)  # for scheduling and deferral
    at: Mapped[datetime] = mapped_column(default=utcnow)


class ReferenceCounter(Base):
    __tablename__ = "reference_counters"

    prefix: Mapped[str] = mapped_column(String(8), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last: Mapped[int] = mapped_column(Integer, default=0)


PENDING_ROWS = "sent_at IS NULL AND failed_at IS NULL"


class OutboxMessage(Base):
    """A message the bot sends on its own initiative, kept until Telegram has accepted it.

    States: pending (neither sent nor failed; leased while a worker sends it), sent, failed.
    `kind` says which request it is (see storage/outbox.py KINDS); `payload` holds what that
    request needs besides `text` (file, caption, coordinates, forum topic). An edit names the row
    of the message it edits (`edits`) and waits until that one is sent.
    """

    __tablename__ = "outbox"
    __table_args__ = (
        Index("ix_outbox_pending", "sent_at", "failed_at", "due_at"),
        # A chat's pending messages, in the order they go; and what was last sent there. With
        # years of delivered messages, the claim reads neither more rows nor more index entries.
        Index(
            "ix_outbox_chat_pending",
            "chat_id",
            "priority",
            "id",
            sqlite_where=text(PENDING_ROWS),
            postgresql_where=text(PENDING_ROWS),
        ),
        Index("ix_outbox_chat_sent", "chat_id", "sent_at"),
        Index("ix_outbox_card", "card", "chat_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    kind: Mapped[str] = mapped_column(String(20), default="text", server_default="text")
    text: Mapped[str] = mapped_column(Text)
    reply_markup: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    payload: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # Higher first; within a chat, order is (priority desc, id): an urgent message overtakes.
    priority: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    edits: Mapped[int | None] = mapped_column(ForeignKey("outbox.id"))
    # The dossier (or emergency) a notice is about: a notice an official never got is listed on
    # it for staff.
    dossier_id: Mapped[int | None] = mapped_column(Integer, index=True)
    # This message is its chat's card of a subject (`dossier:12`, `registration:7`): later card
    # notices of the subject edit the chat's latest one in place (storage/outbox.py `post`).
    card: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    due_at: Mapped[datetime] = mapped_column(default=utcnow)
    attempts: Mapped[int] = mapped_column(Integer, default=0)  # requests made
    # Server and network errors (not 429s): what the backoff and giving up count.
    failures: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    locked_until: Mapped[datetime | None]
    leased_by: Mapped[str | None] = mapped_column(String(40))  # the process (storage/leases.py)
    sent_at: Mapped[datetime | None]
    failed_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    telegram_message_id: Mapped[int | None] = mapped_column(BigInteger)


class UnreachableChat(Base):
    """A chat Telegram refused with 403 (the person blocked the bot, the bot was kicked): nothing
    more is sent there until a message gets through again or an admin retries."""

    __tablename__ = "unreachable_chats"

    chat_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    since: Mapped[datetime] = mapped_column(default=utcnow)
    error: Mapped[str] = mapped_column(Text)


class ProcessedUpdate(Base):
    """Update ids already handled, so an update delivered twice has its effect once."""

    __tablename__ = "processed_updates"

    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class UpdateReply(Base):
    """A request a handler made after its update's effect was committed (a reply, a staff
    confirmation), written before it is sent: if the process dies before the update is done,
    Telegram sends the update again and these requests are made again, the effect not."""

    __tablename__ = "update_replies"

    id: Mapped[int] = mapped_column(primary_key=True)
    update_id: Mapped[int] = mapped_column(BigInteger, index=True)
    method: Mapped[str] = mapped_column(String(60))
    params: Mapped[dict[str, Any]] = mapped_column(JSON)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class FsmRecord(Base):
    """aiogram FSM state and data per (bot, chat, user), so a redeploy forgets nothing."""

    __tablename__ = "fsm_records"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    state: Mapped[str | None] = mapped_column(String(100))
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class Timer(Base):
    """Something to do at a moment (a draft's reminder, the staff's daily digest; later an
    emergency's escalation). One row per `key` (`reminder:<dossier>:<deadline>:<days>`,
    `digest:<date>`): planning it again adds nothing, and it is done once (`done_at`), its
    messages written to the outbox in the same transaction. A worker leases it while doing it
    (`claimed_until`, `claimed_by`), so several processes share the table (storage/timers.py)."""

    __tablename__ = "timers"
    __table_args__ = (Index("ix_timers_pending", "done_at", "due_at"),)

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    due_at: Mapped[datetime]
    payload: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    claimed_until: Mapped[datetime | None]
    claimed_by: Mapped[str | None] = mapped_column(String(40))
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    done_at: Mapped[datetime | None]
    # What doing it came to: "sent 3", "dropped: submitted", "failed: …" (for people reading the
    # table; nothing reads it back).
    outcome: Mapped[str | None] = mapped_column(String(200))
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class EmergencyProposal(Base):
    """A proposal of emergency aid (secretariat or commission), for the Presidency to decide."""

    __tablename__ = "emergency_proposals"

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id"), index=True)
    amount: Mapped[str] = mapped_column(String(40))
    currency: Mapped[str] = mapped_column(String(3))
    phase: Mapped[str] = mapped_column(String(20))
    purpose: Mapped[str] = mapped_column(Text)
    by_user: Mapped[int] = mapped_column(BigInteger)
    at: Mapped[datetime] = mapped_column(default=utcnow)


class Project(Base):
    """An approved dossier's grant being carried out (DOMAIN.md §4): same row id and reference as
    the dossier. Its status is moved by compare-and-set (storage/projects.py); its results
    framework (the dossier's indicators with their numbers, as the convention states them) and
    the version of its convention (a changed convention is a new one) are kept here."""

    __tablename__ = "projects"

    dossier_id: Mapped[int] = mapped_column(
        ForeignKey("dossiers.id"), primary_key=True, autoincrement=False
    )
    status: Mapped[str] = mapped_column(String(20), index=True)
    suspended_from: Mapped[str | None] = mapped_column(String(20))  # where "resume" goes back
    reason: Mapped[str | None] = mapped_column(Text)  # of the last suspension, cancellation, …
    currency: Mapped[str] = mapped_column(String(3))
    granted: Mapped[str] = mapped_column(String(40))  # a Decimal as text, like every amount
    start_on: Mapped[date] = mapped_column(Date)
    months: Mapped[int] = mapped_column(Integer)
    report_months: Mapped[int] = mapped_column(Integer)
    framework: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list, server_default="[]")
    convention_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    proposed_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Tranche(Base):
    """One instalment of a project's grant: planned → due → paid → received."""

    __tablename__ = "tranches"
    __table_args__ = (UniqueConstraint("project_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.dossier_id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    amount: Mapped[str] = mapped_column(String(40))
    condition: Mapped[str] = mapped_column(String(20))  # convention, report:2, final
    planned_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(12), default="planned")
    due_at: Mapped[datetime | None]  # when its condition was met


class Payment(Base):
    """The ledger: the payment of one tranche (one at most: two staff marking it paid at once
    record one), and the city's confirmation of what arrived."""

    __tablename__ = "payments"

    id: Mapped[int] = mapped_column(primary_key=True)
    tranche_id: Mapped[int] = mapped_column(ForeignKey("tranches.id"), unique=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.dossier_id"), index=True)
    paid_on: Mapped[date] = mapped_column(Date)
    amount: Mapped[str] = mapped_column(String(40))
    bank_reference: Mapped[str] = mapped_column(String(100))
    by_user: Mapped[int] = mapped_column(BigInteger)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    received_at: Mapped[datetime | None]
    received_by: Mapped[int | None] = mapped_column(BigInteger)
    received_amount: Mapped[str | None] = mapped_column(String(40))  # what the city says arrived
    difference_note: Mapped[str | None] = mapped_column(Text)


class ConventionCopy(Base):
    """A convention's PDF as it was sent, per version and language: what an acceptance points to
    (the exact file, by its SHA-256)."""

    __tablename__ = "convention_copies"
    __table_args__ = (UniqueConstraint("project_id", "version", "language"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.dossier_id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    language: Mapped[str] = mapped_column(String(8))
    sha256: Mapped[str] = mapped_column(String(64))
    path: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ConventionAcceptance(Base):
    """Who accepted which version of a convention, when, and the SHA-256 of the PDF they were
    sent. One per version: two officials accepting at once record one."""

    __tablename__ = "convention_acceptances"
    __table_args__ = (UniqueConstraint("project_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.dossier_id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    by_user: Mapped[int] = mapped_column(BigInteger, ForeignKey("accounts.telegram_id"))
    language: Mapped[str] = mapped_column(String(8))
    sha256: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(default=utcnow)


class Report(Base):
    """A report owed after a grant (progress, final, or on an emergency aid's use): its answers,
    position, files and status are a `dossiers` row (form "report" or "aid_report", `parent_id`
    the project's dossier or the emergency), like a situation report's; this row says which
    report it is, when it is due, what it was asked against (`plan`: frozen when asked) and
    which items the Secretariat returned for revision."""

    __tablename__ = "reports"
    __table_args__ = (UniqueConstraint("parent_id", "kind", "number"),)

    dossier_id: Mapped[int] = mapped_column(
        ForeignKey("dossiers.id"), primary_key=True, autoincrement=False
    )
    parent_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id"), index=True)
    kind: Mapped[str] = mapped_column(String(10))  # progress, final, aid
    number: Mapped[int] = mapped_column(Integer)
    due_on: Mapped[date] = mapped_column(Date)
    plan: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    returned: Mapped[list[str]] = mapped_column(JSON, default=list, server_default="[]")
    note: Mapped[str | None] = mapped_column(Text)  # the Secretariat's, with a return
    approved_at: Mapped[datetime | None]


class ProjectEvent(Base):
    """Every move of a project or of one of its tranches: who, when, from, to and why (a report's
    moves are `status_changes` of its own dossier row)."""

    __tablename__ = "project_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.dossier_id"), index=True)
    subject: Mapped[str] = mapped_column(String(20))  # "project", or "tranche:<number>"
    from_status: Mapped[str] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    by_user: Mapped[int] = mapped_column(BigInteger)  # 0: the bot itself
    reason: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(default=utcnow)
