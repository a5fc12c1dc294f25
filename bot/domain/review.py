"""A dossier as the Secretariat reviews it: its record, city, sender, history and messages."""

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal

from bot.domain.countries import find_country, fold
from bot.domain.forms import ATTACHMENTS, Answers, Form, Kind, Question
from bot.domain.fund_form import CURRENCIES, SECTORS
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
    currency: str | None = None

    def pack(self) -> str:
        """The filter and its page in a button's value (short: callback data is ≤ 64 bytes)."""
        flagged = "1" if self.flagged else ""
        parts = (
            self.status, self.country, self.sector, self.session_id, flagged, self.page,
            self.currency,
        )  # fmt: skip
        return ".".join("" if p is None else str(p) for p in parts)

    @classmethod
    def unpack(cls, value: str) -> "QueueFilter":
        """Whatever a (client-controlled) value holds, a valid filter: unknown parts are dropped."""
        status, country, sector, session, flagged, page, currency = (
            [*value.split("."), *[""] * 7]
        )[:7]
        return cls(
            status=status if status in Status.__members__.values() else None,
            country=country.upper() if len(country) == 2 and country.isalpha() else None,
            sector=sector if sector in {c.value for c in SECTORS} else None,
            session_id=int(session) if session.isdigit() else None,
            flagged=flagged == "1",
            page=min(int(page), 10_000) if page.isdigit() else 0,
            currency=currency if currency in CURRENCIES else None,
        )

    @property
    def narrowed(self) -> bool:
        """Whether words narrowed the queue (the page aside)."""
        return replace(self, page=0) != QueueFilter()


# What a word of `/queue` may mean: (kind, value), the kind a field of QueueFilter.
Meaning = tuple[str, object]
SHORTEST_PREFIX = 3  # `/queue en_cours`: the start of one label ("En cours d’examen") is enough


def parse_filter(text: str, vocabulary: Mapping[str, Meaning]) -> tuple[QueueFilter, list[str]]:
    """`/queue in_review Sénégal marchés 28 avril 2027 flagged`: any of these, in any order.
    `vocabulary` maps folded words (statuses, sectors, currencies, sessions and "flagged", in
    the reader's language and as codes) to what they mean; a country is found by its name in
    any of the bot's languages or its code. Several words may make one label ("en cours
    d'examen"), and the start of exactly one label is enough. Returns the filter and the words
    that meant nothing (for the reader to be told what is accepted)."""
    typed = text.replace("_", " ").split()
    folded = [fold(word) for word in typed]
    found: dict[str, object] = {}
    unknown: list[str] = []
    at = 0
    while at < len(typed):
        for end in range(len(typed), at, -1):
            meaning = _meaning(" ".join(folded[at:end]), vocabulary)
            if meaning is not None:
                found[meaning[0]] = meaning[1]
                at = end
                break
        else:
            unknown.append(typed[at])
            at += 1
    return QueueFilter(**found), unknown  # type: ignore[arg-type]


def _meaning(phrase: str, vocabulary: Mapping[str, Meaning]) -> Meaning | None:
    if not phrase:
        return None
    if phrase in vocabulary:
        return vocabulary[phrase]
    if country := find_country(phrase):
        return ("country", country)
    if len(phrase) < SHORTEST_PREFIX:
        return None
    meanings = {m for label, m in vocabulary.items() if label.startswith(phrase)}
    return meanings.pop() if len(meanings) == 1 else None


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
