"""Emergency statuses (DOMAIN.md §2): reported → acknowledged → proposed → decided (approved or
rejected) → closed, and who may take each move. One table, looked up again when a move is taken."""

from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from bot.domain.forms import N_, Choice
from bot.domain.records import Person, Record
from bot.domain.roles import Action, may

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


class EmergencyNeeds(StrEnum):
    NOTHING = ""
    NOTE = "note"  # why it is rejected, or the closing note
    PROPOSAL = "proposal"  # amount, currency, purpose, phase, note
    AMOUNT = "amount"  # the amount approved


@dataclass(frozen=True)
class EmergencyMove:
    key: str  # what a button names (with the emergency); short, for callback data
    source: EmergencyStatus
    target: EmergencyStatus
    action: Action | None  # None: the city itself (sending its report)
    needs: EmergencyNeeds = EmergencyNeeds.NOTHING


S = EmergencyStatus
OPEN = (S.REPORTED, S.ACKNOWLEDGED, S.PROPOSED, S.APPROVED, S.REJECTED)
MOVES: tuple[EmergencyMove, ...] = (
    EmergencyMove("send", S.DRAFT, S.REPORTED, None),
    EmergencyMove("ack", S.REPORTED, S.ACKNOWLEDGED, Action.ACKNOWLEDGE_EMERGENCY),
    EmergencyMove("propose", S.ACKNOWLEDGED, S.PROPOSED, Action.PROPOSE_EMERGENCY_AID,
                  EmergencyNeeds.PROPOSAL),
    EmergencyMove("approve", S.PROPOSED, S.APPROVED, Action.DECIDE_EMERGENCY_AID,
                  EmergencyNeeds.AMOUNT),
    EmergencyMove("reject", S.PROPOSED, S.REJECTED, Action.DECIDE_EMERGENCY_AID,
                  EmergencyNeeds.NOTE),
    *(
        EmergencyMove("close", source, S.CLOSED, Action.ACKNOWLEDGE_EMERGENCY, EmergencyNeeds.NOTE)
        for source in OPEN
    ),
)  # fmt: skip


def may_take(move: EmergencyMove, role: str | None, of_the_city: bool) -> bool:
    if move.action is None:
        return of_the_city
    return may(role, move.action)


def emergency_moves(status: str, role: str | None, of_the_city: bool) -> list[EmergencyMove]:
    """The moves this person may take now on an emergency in `status`."""
    return [m for m in MOVES if m.source == status and may_take(m, role, of_the_city)]


def find_emergency_move(
    status: str, key: str, role: str | None, of_the_city: bool
) -> EmergencyMove | None:
    return next((m for m in emergency_moves(status, role, of_the_city) if m.key == key), None)


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

    @property
    def status(self) -> str:
        return self.record.status
