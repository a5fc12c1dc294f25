"""Dossier statuses (DOMAIN.md §1, after submission): the moves between them, who may take each,
and what each needs (a note, an amount, a Bureau session). One table: only its moves are offered,
and every move is checked against it again when it is taken. Corrections of a recorded decision
are moves of the same table (`correction=True`), offered apart (see `corrections`)."""

from dataclasses import dataclass
from enum import StrEnum

from bot.domain.forms import N_
from bot.domain.roles import Action, may


class Status(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    IN_REVIEW = "in_review"
    CHANGES_REQUESTED = "changes_requested"
    ELIGIBLE = "eligible"
    SCHEDULED = "scheduled"
    APPROVED = "approved"
    REJECTED = "rejected"
    DEFERRED = "deferred"
    WITHDRAWN = "withdrawn"


STATUS_LABELS = {
    Status.DRAFT: N_("Draft"),
    Status.SUBMITTED: N_("Submitted"),
    Status.IN_REVIEW: N_("In review"),
    Status.CHANGES_REQUESTED: N_("Changes requested"),
    Status.ELIGIBLE: N_("Eligible"),
    Status.SCHEDULED: N_("Scheduled for a Bureau session"),
    Status.APPROVED: N_("Approved"),
    Status.REJECTED: N_("Rejected"),
    Status.DEFERRED: N_("Deferred to a later session"),
    Status.WITHDRAWN: N_("Withdrawn"),
}

EDITABLE = frozenset({Status.DRAFT, Status.CHANGES_REQUESTED})
REFERENCE_PREFIX = "FC"


def applicant_can_edit(status: str) -> bool:
    """Once submitted a dossier is read-only for the city, until changes are requested."""
    return status in EDITABLE


def applicant_can_delete(status: str) -> bool:
    return status == Status.DRAFT


def can_submit(status: str) -> bool:
    return status in EDITABLE


class Needs(StrEnum):
    NOTHING = ""
    NOTE = "note"  # what must change, why it is rejected or deferred
    AMOUNT = "amount"  # the amount granted (may differ from the amount asked)
    SESSION = "session"  # the Bureau session it goes to


class By(StrEnum):
    STAFF = "staff"  # the Secretariat (and admins)
    CITY = "city"  # an official of the dossier's city


@dataclass(frozen=True)
class Transition:
    key: str  # what a button names (with the dossier); short, for callback data
    source: Status
    target: Status
    by: By
    label: str
    needs: Needs = Needs.NOTHING
    # A correction of a recorded decision (approved, rejected, deferred): it always needs a
    # reason besides what its target needs, and `origin` is the status the corrected decision
    # was taken from (the Bureau's, from "scheduled"; the Secretariat's rejection, from review).
    correction: bool = False
    origin: Status | None = None


DECIDED = (Status.APPROVED, Status.REJECTED, Status.DEFERRED)
WAITING = (Status.SUBMITTED, Status.IN_REVIEW, Status.ELIGIBLE, Status.SCHEDULED, Status.DEFERRED)
TRANSITIONS: tuple[Transition, ...] = (
    Transition("review", Status.SUBMITTED, Status.IN_REVIEW, By.STAFF, N_("🔎 Start the review")),
    Transition("changes", Status.IN_REVIEW, Status.CHANGES_REQUESTED, By.STAFF,
               N_("✏️ Request changes"), Needs.NOTE),
    Transition("eligible", Status.IN_REVIEW, Status.ELIGIBLE, By.STAFF, N_("✅ Eligible")),
    Transition("reject", Status.IN_REVIEW, Status.REJECTED, By.STAFF, N_("✖ Reject"), Needs.NOTE),
    Transition("schedule", Status.ELIGIBLE, Status.SCHEDULED, By.STAFF,
               N_("📅 Schedule on a Bureau session"), Needs.SESSION),
    Transition("approve", Status.SCHEDULED, Status.APPROVED, By.STAFF,
               N_("🏅 Approved by the Bureau"), Needs.AMOUNT),
    Transition("reject", Status.SCHEDULED, Status.REJECTED, By.STAFF,
               N_("✖ Rejected by the Bureau"), Needs.NOTE),
    Transition("defer", Status.SCHEDULED, Status.DEFERRED, By.STAFF,
               N_("⏭ Deferred to a later session"), Needs.NOTE),
    Transition("schedule", Status.DEFERRED, Status.SCHEDULED, By.STAFF,
               N_("📅 Schedule on a Bureau session"), Needs.SESSION),
    # Resubmitting after changes is the city's submit button: back in review at once.
    Transition("resubmit", Status.CHANGES_REQUESTED, Status.IN_REVIEW, By.CITY,
               N_("📤 Submit again")),
    *(
        Transition("withdraw", source, Status.WITHDRAWN, By.CITY, N_("↩ Withdraw the dossier"))
        for source in (Status.CHANGES_REQUESTED, *WAITING)
    ),
    # Corrections, by the Secretariat, until the next Bureau session is held: the Bureau's
    # decision becomes another of its decisions (or the same with another amount or reason)...
    *(
        Transition(key, source, target, By.STAFF, label, needs, True, Status.SCHEDULED)
        for source in DECIDED
        for key, target, label, needs in (
            ("fix_approve", Status.APPROVED, N_("🏅 Approved (the amount granted)"), Needs.AMOUNT),
            ("fix_reject", Status.REJECTED, N_("✖ Rejected"), Needs.NOTE),
            ("fix_defer", Status.DEFERRED, N_("⏭ Deferred to a later session"), Needs.NOTE),
        )
    ),
    # ...and the Secretariat's own rejection (from review) another reason, or back in review.
    Transition("fix_reject", Status.REJECTED, Status.REJECTED, By.STAFF, N_("✖ Rejected"),
               Needs.NOTE, True, Status.IN_REVIEW),
    Transition("fix_review", Status.REJECTED, Status.IN_REVIEW, By.STAFF,
               N_("🔎 Back in review"), Needs.NOTE, True, Status.IN_REVIEW),
)  # fmt: skip


def may_take(transition: Transition, role: str | None, of_the_city: bool) -> bool:
    """Staff moves need the right to review dossiers; the city's moves, an official of that city."""
    if transition.by == By.STAFF:
        return may(role, Action.REVIEW_DOSSIERS)
    return of_the_city


def moves(status: str, role: str | None, of_the_city: bool) -> list[Transition]:
    """The moves this person may take on a dossier in `status` (what the buttons offer);
    corrections are offered apart (`corrections`)."""
    return [
        t
        for t in TRANSITIONS
        if t.source == status and not t.correction and may_take(t, role, of_the_city)
    ]


def corrections(status: str, origin: str | None, role: str | None) -> list[Transition]:
    """The corrections staff may make of a decision in `status` taken from `origin`."""
    return [
        t
        for t in TRANSITIONS
        if t.correction and t.source == status and t.origin == origin and may_take(t, role, False)
    ]


def find_correction(
    status: str, origin: str | None, key: str, role: str | None
) -> Transition | None:
    return next((t for t in corrections(status, origin, role) if t.key == key), None)


def is_correction(source: str, target: str) -> bool:
    """Whether a change from `source` to `target` (a history entry) was a correction."""
    return any(t.correction and t.source == source and t.target == target for t in TRANSITIONS)


def find_move(status: str, key: str, role: str | None, of_the_city: bool) -> Transition | None:
    """The move a button names, if it may be taken now by this person; None otherwise."""
    return next((t for t in moves(status, role, of_the_city) if t.key == key), None)


def waits_on_secretariat(status: str) -> bool:
    return status in WAITING
