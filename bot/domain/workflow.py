"""Dossier statuses (DOMAIN.md §1, after submission): the moves between them, who may take each,
and what each needs (a note, an amount, a Bureau session). One table: only its moves are offered,
and every move is checked against it again when it is taken. Corrections of a recorded decision
are moves of the same table (`correction=True`), offered apart (see `corrections`). The table is
one of the engine's (bot/domain/machine.py)."""

from enum import StrEnum

from bot.domain.forms import N_
from bot.domain.machine import Machine, Move, Needs, Party, find, move, offered
from bot.domain.roles import Action


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


STAFF = Action.REVIEW_DOSSIERS  # the Secretariat (and admins)
CITY = Party.CITY  # an official of the dossier's city
Transition = Move  # a dossier's move (bot/domain/machine.py)

NOTE_PROMPT = N_("What must change in {reference}? The city receives your words.")
REJECT_PROMPT = N_("Why is {reference} rejected? The city receives your words.")
DEFER_PROMPT = N_("Why is {reference} deferred? The city receives your words.")
AMOUNT_PROMPT = N_("Amount granted by the Bureau for {reference}, in {currency}?")
SESSION_PROMPT = N_("Which Bureau session is {reference} for?")
# A correction's reason, asked after what its target needs (bot/domain/machine.py `correction`).
REASON_PROMPT = N_("Why is the decision on {reference} corrected? The city receives your words.")

DECIDED = (Status.APPROVED, Status.REJECTED, Status.DEFERRED)
WAITING = (Status.SUBMITTED, Status.IN_REVIEW, Status.ELIGIBLE, Status.SCHEDULED, Status.DEFERRED)
S = Status
TRANSITIONS: tuple[Move, ...] = (
    # Submitting is the questionnaire's (bot/services/dossiers.py), which checks the form.
    move("submit", S.DRAFT, S.SUBMITTED, CITY, N_("📤 Submit to the Secretariat"), Needs.FORM),
    move("review", S.SUBMITTED, S.IN_REVIEW, STAFF, N_("🔎 Start the review")),
    move("changes", S.IN_REVIEW, S.CHANGES_REQUESTED, STAFF, N_("✏️ Request changes"),
         Needs.NOTE, NOTE_PROMPT),
    move("eligible", S.IN_REVIEW, S.ELIGIBLE, STAFF, N_("✅ Eligible")),
    move("reject", S.IN_REVIEW, S.REJECTED, STAFF, N_("✖ Reject"), Needs.NOTE, REJECT_PROMPT),
    move("schedule", S.ELIGIBLE, S.SCHEDULED, STAFF, N_("📅 Schedule on a Bureau session"),
         Needs.SESSION, SESSION_PROMPT),
    move("approve", S.SCHEDULED, S.APPROVED, STAFF, N_("🏅 Approved by the Bureau"),
         Needs.AMOUNT, AMOUNT_PROMPT),
    move("reject", S.SCHEDULED, S.REJECTED, STAFF, N_("✖ Rejected by the Bureau"), Needs.NOTE,
         REJECT_PROMPT),
    move("defer", S.SCHEDULED, S.DEFERRED, STAFF, N_("⏭ Deferred to a later session"),
         Needs.NOTE, DEFER_PROMPT),
    move("schedule", S.DEFERRED, S.SCHEDULED, STAFF, N_("📅 Schedule on a Bureau session"),
         Needs.SESSION, SESSION_PROMPT),
    # Resubmitting after changes is the city's submit button: back in review at once.
    move("resubmit", S.CHANGES_REQUESTED, S.IN_REVIEW, CITY, N_("📤 Submit again"), Needs.FORM),
    move("withdraw", (S.CHANGES_REQUESTED, *WAITING), S.WITHDRAWN, CITY,
         N_("↩ Withdraw the dossier")),
    # Corrections, by the Secretariat, until the next Bureau session is held: the Bureau's
    # decision becomes another of its decisions (or the same with another amount or reason)...
    *(
        move(key, DECIDED, target, STAFF, label, needs, prompt, correction=True,
             origin=S.SCHEDULED)
        for key, target, label, needs, prompt in (
            ("fix_approve", S.APPROVED, N_("🏅 Approved (the amount granted)"), Needs.AMOUNT,
             AMOUNT_PROMPT),
            ("fix_reject", S.REJECTED, N_("✖ Rejected"), Needs.NOTE, REASON_PROMPT),
            ("fix_defer", S.DEFERRED, N_("⏭ Deferred to a later session"), Needs.NOTE,
             REASON_PROMPT),
        )
    ),
    # ...and the Secretariat's own rejection (from review) another reason, or back in review.
    move("fix_reject", S.REJECTED, S.REJECTED, STAFF, N_("✖ Rejected"), Needs.NOTE,
         REASON_PROMPT, correction=True, origin=S.IN_REVIEW),
    move("fix_review", S.REJECTED, S.IN_REVIEW, STAFF, N_("🔎 Back in review"), Needs.NOTE,
         REASON_PROMPT, correction=True, origin=S.IN_REVIEW),
)  # fmt: skip
DOSSIER_MACHINE = Machine("dossier", tuple(Status), TRANSITIONS, STATUS_LABELS)


def moves(status: str, role: str | None, of_the_city: bool) -> list[Move]:
    """The moves this person may take on a dossier in `status` (what the buttons offer);
    corrections are offered apart (`corrections`)."""
    return offered(DOSSIER_MACHINE, status, role, of_the_city)


def corrections(status: str, origin: str | None, role: str | None) -> list[Move]:
    """The corrections staff may make of a decision in `status` taken from `origin`."""
    if origin is None:
        return []
    return offered(DOSSIER_MACHINE, status, role, False, origin, corrections=True)


def find_correction(status: str, origin: str | None, key: str, role: str | None) -> Move | None:
    return next((t for t in corrections(status, origin, role) if t.key == key), None)


def is_correction(source: str, target: str) -> bool:
    """Whether a change from `source` to `target` (a history entry) was a correction."""
    return any(t.correction and source in t.sources and t.target == target for t in TRANSITIONS)


def find_move(status: str, key: str, role: str | None, of_the_city: bool) -> Move | None:
    """The move a button names, if it may be taken now by this person; None otherwise."""
    return find(DOSSIER_MACHINE, status, key, role, of_the_city)


def waits_on_secretariat(status: str) -> bool:
    return status in WAITING
