"""A dossier as the Secretariat reviews it: its record, city, sender, history and messages."""

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from bot.domain.countries import find_country
from bot.domain.forms import ATTACHMENTS, Answers, Form, Kind, Question
from bot.domain.fund_form import SECTORS
from bot.domain.outbox import MissedNotice
from bot.domain.records import Person, Record
from bot.domain.sessions import BureauSession
from bot.domain.workflow import Status

PAGE = 8  # dossiers per page of the queue: one message, buttons within Telegram's limits


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime
    source: str
    target: str
    by: str  # the name of who made the change
    note: str | None = None
    amount: Decimal | None = None
    session: BureauSession | None = None


@dataclass(frozen=True)
class ThreadMessage:
    at: datetime
    from_staff: bool
    author: str
    text: str
    unverified: bool = False  # from the city, by an account the Secretariat has not verified


@dataclass
class Case:
    record: Record
    city_id: int
    city: str
    country: str
    sender: Person
    history: list[HistoryEntry] = field(default_factory=list)
    thread: list[ThreadMessage] = field(default_factory=list)
    session: BureauSession | None = None
    granted: Decimal | None = None
    unreachable: list[Person] = field(default_factory=list)  # officials who blocked the bot
    missed: list[MissedNotice] = field(default_factory=list)  # notices that never reached one

    @property
    def flagged(self) -> bool:
        """Sent by someone whose registration the Secretariat has not verified."""
        return self.sender.verification != "verified"

    def waiting_since(self) -> datetime | None:
        """When the dossier last changed status (what it waits on since then)."""
        return self.history[-1].at if self.history else self.record.submitted_at

    def days_waiting(self, today: date) -> int:
        since = self.waiting_since()
        return max((today - since.date()).days, 0) if since else 0


@dataclass(frozen=True)
class QueueFilter:
    status: str | None = None
    country: str | None = None
    sector: str | None = None
    session_id: int | None = None
    flagged: bool = False
    page: int = 0

    def pack(self) -> str:
        """The filter and its page in a button's value (short: callback data is ≤ 64 bytes)."""
        flagged = "1" if self.flagged else ""
        parts = (self.status, self.country, self.sector, self.session_id, flagged, self.page)
        return ".".join("" if p is None else str(p) for p in parts)

    @classmethod
    def unpack(cls, value: str) -> "QueueFilter":
        """Whatever a (client-controlled) value holds, a valid filter: unknown parts are dropped."""
        status, country, sector, session, flagged, page = ([*value.split("."), *[""] * 6])[:6]
        return cls(
            status=status if status in Status.__members__.values() else None,
            country=country.upper() if len(country) == 2 and country.isalpha() else None,
            sector=sector if sector in {c.value for c in SECTORS} else None,
            session_id=int(session) if session.isdigit() else None,
            flagged=flagged == "1",
            page=min(int(page), 10_000) if page.isdigit() else 0,
        )


def parse_filter(words: list[str], sessions: list[BureauSession]) -> QueueFilter:
    """`/queue in_review SN water 2027-04-28 flagged`: any of these, in any order; a country by
    name or code, a Bureau session by its date. Words that mean nothing are ignored."""
    found: dict[str, object] = {}
    for word in words:
        lowered = word.casefold()
        if lowered in Status.__members__.values():
            found["status"] = lowered
        elif lowered in {c.value for c in SECTORS}:
            found["sector"] = lowered
        elif lowered in ("flagged", "⚠️", "⚠"):
            found["flagged"] = True
        elif session := next((s for s in sessions if s.held_on.isoformat() == word), None):
            found["session_id"] = session.id
        elif country := find_country(word):
            found["country"] = country
    return QueueFilter(**found)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Change:
    """One answer that differs between two submissions."""

    question: Question
    old: object
    new: object


def changed_answers(form: Form, before: Answers, after: Answers) -> list[Change]:
    """The answers a resubmission changed, in the form's order (files are not answers)."""
    changes = []
    for question in form.questions.values():
        if question.kind in ATTACHMENTS:
            continue
        old, new = before.get(question.key), after.get(question.key)
        if old != new and not (question.kind == Kind.LIST and not old and not new):
            changes.append(Change(question, old, new))
    return changes
