"""Emergency statuses (DOMAIN.md §2): reported → acknowledged → proposed → decided (approved or
rejected) → closed, and who may take each move. One table of the engine (bot/domain/machine.py),
looked up again when a move is taken."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

from bot.domain.forms import N_, Choice
from bot.domain.machine import Machine, Move, Needs, Party, find, move, offered
from bot.domain.records import Person, Record
from bot.domain.roles import Action

REFERENCE_PREFIX = "FU"


class EmergencyStatus(StrEnum):
    DRAFT = "draft"
    REPORTED = "reported"
    ACKNOWLEDGED = "acknowledged"
    PROPOSED = "proposed"
    APPROVED = "approved"
    REJECTED = "rejected"
    CLOSED = "closed"


EMERGENCY_STATUS_LABELS = {
    EmergencyStatus.DRAFT: N_("Draft"),
    EmergencyStatus.REPORTED: N_("Reported"),
    EmergencyStatus.ACKNOWLEDGED: N_("Acknowledged"),
    EmergencyStatus.PROPOSED: N_("Aid proposed"),
    EmergencyStatus.APPROVED: N_("Aid approved"),
    EmergencyStatus.REJECTED: N_("Rejected"),
    EmergencyStatus.CLOSED: N_("Closed"),
}


EmergencyNeeds = Needs  # what an emergency's move needs (bot/domain/machine.py)
EmergencyMove = Move

S = EmergencyStatus
OPEN = (S.REPORTED, S.ACKNOWLEDGED, S.PROPOSED, S.APPROVED, S.REJECTED)
CITY = Party.CITY  # the city itself, sending its report
MOVES: tuple[Move, ...] = (
    # Sending is the questionnaire's (its five answers checked: bot/domain/emergency_form.py).
    move("send", S.DRAFT, S.REPORTED, CITY, N_("🚨 Send now"), Needs.FORM),
    move("ack", S.REPORTED, S.ACKNOWLEDGED, Action.ACKNOWLEDGE_EMERGENCY, N_("✅ Acknowledge")),
    # The phase is asked with buttons first, then the amount, currency and purpose in one note.
    move("propose", S.ACKNOWLEDGED, S.PROPOSED, Action.PROPOSE_EMERGENCY_AID, N_("💶 Propose aid"),
         Needs.PROPOSAL, N_(
             "The amount, its currency and the purpose of the aid for {reference}, in one "
             "message, e.g. “50000 EUR rebuilding the central market”.")),
    move("approve", S.PROPOSED, S.APPROVED, Action.DECIDE_EMERGENCY_AID, N_("🏅 Approve")),
    move("other", S.PROPOSED, S.APPROVED, Action.DECIDE_EMERGENCY_AID,
         N_("💶 Approve another amount"), Needs.AMOUNT,
         N_("The amount granted for {reference} and its currency, e.g. “30000 EUR”.")),
    move("reject", S.PROPOSED, S.REJECTED, Action.DECIDE_EMERGENCY_AID, N_("✖ Reject"),
         Needs.NOTE, N_("Why is the aid for {reference} rejected?")),
    move("close", OPEN, S.CLOSED, Action.ACKNOWLEDGE_EMERGENCY, N_("🔒 Close"), Needs.NOTE,
         N_("Why is {reference} closed? A short note for the record and the city.")),
)  # fmt: skip
EMERGENCY_MACHINE = Machine("emergency", tuple(EmergencyStatus), MOVES, EMERGENCY_STATUS_LABELS)


def emergency_moves(status: str, role: str | None, of_the_city: bool) -> list[Move]:
    """The moves this person may take now on an emergency in `status`."""
    return offered(EMERGENCY_MACHINE, status, role, of_the_city)


def find_emergency_move(status: str, key: str, role: str | None, of_the_city: bool) -> Move | None:
    return find(EMERGENCY_MACHINE, status, key, role, of_the_city)


def granted_of(stored: str | None) -> tuple[Decimal, str] | None:
    """The amount approved as stored on the record (`30000 EUR`), and its currency."""
    amount, _, currency = (stored or "").partition(" ")
    try:
        return (Decimal(amount), currency) if currency else None
    except InvalidOperation:
        return None


PHASES = (
    Choice("emergency", N_("Emergency")),
    Choice("post_emergency", N_("Post-emergency")),
    Choice("recovery", N_("Recovery")),
)


@dataclass(frozen=True)
class Proposal:
    amount: Decimal
    currency: str
    phase: str
    purpose: str
    by: str


ESCALATION = "escalation"  # the timer kinds (storage/timers.py rows)
SITREP_REQUEST = "sitrep"
SITREP_FORM_KEY = "sitrep"


def escalation_key(emergency_id: int, round_: int) -> str:
    return f"escalation:{emergency_id}:{round_}"


def sitrep_request_key(emergency_id: int, number: int) -> str:
    return f"sitrep:{emergency_id}:{number}"


def minutes(value: Decimal) -> timedelta:
    return timedelta(seconds=float(value * 60))


def hours(value: Decimal) -> timedelta:
    return timedelta(seconds=float(value * 3600))


class EventKind(StrEnum):
    REPORTED = "reported"
    ACKNOWLEDGED = "acknowledged"
    ESCALATED = "escalated"
    PROPOSED = "proposed"
    APPROVED = "approved"
    REJECTED = "rejected"
    CLOSED = "closed"
    QUESTION = "question"  # staff or the Presidency asked the city
    ANSWER = "answer"  # the city answered
    SITREP = "sitrep"  # a situation report


@dataclass(frozen=True)
class Event:
    """One line of an emergency's timeline: when, what, who, and a detail (a note, an amount)."""

    at: datetime
    kind: EventKind
    by: str = ""
    detail: str = ""


def timeline(events: list[Event]) -> list[Event]:
    return sorted(events, key=lambda e: e.at)


def time_to(events: list[Event], kinds: tuple[EventKind, ...]) -> timedelta | None:
    """From the report to the first event of these kinds (None: not yet)."""
    start = next((e.at for e in events if e.kind == EventKind.REPORTED), None)
    end = next((e.at for e in timeline(events) if e.kind in kinds), None)
    if start is None or end is None:
        return None
    return max(end - start, timedelta(0))


DECIDED = (EventKind.APPROVED, EventKind.REJECTED)


def figure_changes(
    before: dict[str, Any], after: dict[str, Any], keys: tuple[str, ...]
) -> list[tuple[str, int | None, int]]:
    """The figures a situation report gives, each with the last one known (None: unknown)."""
    changes = []
    for key in keys:
        new = after.get(key)
        if isinstance(new, int) and not isinstance(new, bool):
            old = before.get(key)
            changes.append((key, old if isinstance(old, int) else None, new))
    return changes


def latest_figures(first: dict[str, Any], reports: list[dict[str, Any]]) -> dict[str, Any]:
    """What is known now: the report's answers, each updated by the later situation reports."""
    known = dict(first)
    for answers in reports:
        known.update({k: v for k, v in answers.items() if v not in (None, "", [])})
    return known


@dataclass(frozen=True)
class Emergency:
    """A sent report as staff and the city see it: the record, its city and who sent it."""

    record: Record
    city_id: int
    city: str
    country: str
    sender: Person
    acknowledged_by: str | None = None
    officials: list[Person] = field(default_factory=list)
    proposal: Proposal | None = None
    decided_by: str | None = None
    decision_note: str | None = None
    granted: tuple[Decimal, str] | None = None  # the amount approved, and its currency
    closed_by: str | None = None
    closed_note: str | None = None
    escalations: int = 0  # rounds of escalation sent
    events: list[Event] = field(default_factory=list)
    sitreps: int = 0
    sender_registered: bool = True  # False: the short registration only
    sender_verified: bool = False  # the Secretariat verified the sender's registration
    # The report on the use of the aid, once asked of the city: its record's id and status.
    aid_report: tuple[int, str] | None = None

    @property
    def unverified(self) -> bool:
        return not (self.sender_registered and self.sender_verified)

    @property
    def status(self) -> str:
        return self.record.status
