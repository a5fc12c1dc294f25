"""The grant after the Bureau's vote (DOMAIN.md §4): three status machines, each a table of moves
in the style of `bot.domain.workflow` (key, source, target, who, what it needs, label).

- The project (an approved dossier, same reference): its convention is prepared (staff adjust
  the schedule and type the indicators' numbers), proposed, accepted by a verified official of
  the city → under way → final report due → closed; suspended (and resumed) or cancelled by the
  Secretariat with a reason.
- Each tranche of the grant: planned → due (its condition met: the convention accepted, a named
  report approved; the bot's move) → paid (staff: date, amount, bank reference) → received (the
  city confirms, or reports a difference).
- Each report (progress, final, or on the use of an emergency aid): draft → submitted → returned
  for revision (the items to change named) → submitted again → approved.

Moves whose `by` is `Actor.BOT` are taken by the bot itself when a condition is met or a date
comes, never offered as buttons. Only the moves of a table are offered, and a move is looked up
again (with the presser's stored role) when it is taken.
"""

from dataclasses import dataclass
from enum import StrEnum

from bot.domain.forms import N_
from bot.domain.roles import Action, may

PROJECT_FORM_KEY = "fund"  # a project is an approved dossier of the Fund's form
REPORT_FORM_KEY = "report"  # a progress or final report (built from its project)
AID_REPORT_FORM_KEY = "aid_report"  # the report on the use of an emergency aid
REPORT_FORMS = (REPORT_FORM_KEY, AID_REPORT_FORM_KEY)  # records reviewed as reports


class ProjectStatus(StrEnum):
    PREPARING = "preparing"  # the convention is being prepared (not sent yet)
    PROPOSED = "convention_proposed"
    UNDER_WAY = "under_way"
    FINAL_REPORT_DUE = "final_report_due"
    CLOSED = "project_closed"
    SUSPENDED = "suspended"
    CANCELLED = "cancelled"


class TrancheStatus(StrEnum):
    PLANNED = "planned"
    DUE = "due"
    PAID = "paid"
    RECEIVED = "received"


class ReportStatus(StrEnum):
    # Reports are rows of `dossiers` (see storage/projects.py): their statuses are named apart
    # from the dossier's own ("submitted", "approved"), so no dossier query ever picks one up.
    DRAFT = "draft"
    SUBMITTED = "report_submitted"
    RETURNED = "report_returned"
    APPROVED = "report_approved"


PROJECT_STATUS_LABELS = {
    ProjectStatus.PREPARING: N_("Convention in preparation"),
    ProjectStatus.PROPOSED: N_("Convention proposed"),
    ProjectStatus.UNDER_WAY: N_("Under way"),
    ProjectStatus.FINAL_REPORT_DUE: N_("Final report due"),
    ProjectStatus.CLOSED: N_("Closed"),
    ProjectStatus.SUSPENDED: N_("Suspended"),
    ProjectStatus.CANCELLED: N_("Cancelled"),
}
TRANCHE_STATUS_LABELS = {
    TrancheStatus.PLANNED: N_("Planned"),
    TrancheStatus.DUE: N_("Due"),
    TrancheStatus.PAID: N_("Paid"),
    TrancheStatus.RECEIVED: N_("Received"),
}
REPORT_STATUS_LABELS = {
    ReportStatus.DRAFT: N_("Draft"),
    ReportStatus.SUBMITTED: N_("Submitted"),
    ReportStatus.RETURNED: N_("Returned for revision"),
    ReportStatus.APPROVED: N_("Approved"),
}


class Actor(StrEnum):
    STAFF = "staff"  # the Secretariat (and admins)
    CITY = "city"  # a verified official of the project's city
    BOT = "bot"  # the bot itself: a condition met, a date come


class Needs(StrEnum):
    NOTHING = ""
    NOTE = "note"  # a reason (suspending, resuming, cancelling, closing)
    CONFIRMATION = "confirmation"  # accepting the exact convention sent (its SHA-256 recorded)
    PAYMENT = "payment"  # the date, the amount and the bank reference
    DIFFERENCE = "difference"  # the amount that arrived, and a note
    ITEMS = "items"  # the report's items to revise, and a note


@dataclass(frozen=True)
class GrantMove:
    key: str  # what a button names (with the project, tranche or report); short
    source: str
    target: str
    by: Actor
    label: str
    needs: Needs = Needs.NOTHING
    # Resuming a suspended project goes back where it was suspended from (`origin`).
    origin: str | None = None


P, T, R = ProjectStatus, TrancheStatus, ReportStatus
OPEN_PROJECT = (P.PROPOSED, P.UNDER_WAY, P.FINAL_REPORT_DUE)
PROJECT_MOVES: tuple[GrantMove, ...] = (
    GrantMove("propose", P.PREPARING, P.PROPOSED, Actor.STAFF, N_("📜 Propose the convention")),
    # A changed convention is a new one: it is prepared again and needs a new acceptance.
    GrantMove("rework", P.PROPOSED, P.PREPARING, Actor.STAFF, N_("✏️ Change the convention"),
              Needs.NOTE),
    GrantMove("accept", P.PROPOSED, P.UNDER_WAY, Actor.CITY, N_("✅ We accept the convention"),
              Needs.CONFIRMATION),
    GrantMove("final_due", P.UNDER_WAY, P.FINAL_REPORT_DUE, Actor.BOT, N_("Final report due")),
    GrantMove("close", P.FINAL_REPORT_DUE, P.CLOSED, Actor.STAFF, N_("🔒 Close the project"),
              Needs.NOTE),
    *(
        GrantMove("suspend", source, P.SUSPENDED, Actor.STAFF, N_("⏸ Suspend the project"),
                  Needs.NOTE)
        for source in (P.UNDER_WAY, P.FINAL_REPORT_DUE)
    ),
    *(
        GrantMove("resume", P.SUSPENDED, origin, Actor.STAFF, N_("▶️ Resume the project"),
                  Needs.NOTE, origin)
        for origin in (P.UNDER_WAY, P.FINAL_REPORT_DUE)
    ),
    *(
        GrantMove("cancel", source, P.CANCELLED, Actor.STAFF, N_("✖ Cancel the project"),
                  Needs.NOTE)
        for source in (P.PREPARING, *OPEN_PROJECT, P.SUSPENDED)
    ),
)  # fmt: skip
TRANCHE_MOVES: tuple[GrantMove, ...] = (
    GrantMove("due", T.PLANNED, T.DUE, Actor.BOT, N_("Due")),
    GrantMove("pay", T.DUE, T.PAID, Actor.STAFF, N_("💶 Mark as paid"), Needs.PAYMENT),
    GrantMove("received", T.PAID, T.RECEIVED, Actor.CITY, N_("✅ We received it")),
    GrantMove("difference", T.PAID, T.RECEIVED, Actor.CITY, N_("⚠️ The amount received differs"),
              Needs.DIFFERENCE),
)  # fmt: skip
REPORT_MOVES: tuple[GrantMove, ...] = (
    GrantMove("submit", R.DRAFT, R.SUBMITTED, Actor.CITY, N_("📤 Submit the report")),
    GrantMove("return", R.SUBMITTED, R.RETURNED, Actor.STAFF, N_("↩ Return for revision"),
              Needs.ITEMS),
    GrantMove("approve", R.SUBMITTED, R.APPROVED, Actor.STAFF, N_("✅ Approve the report")),
    GrantMove("resubmit", R.RETURNED, R.SUBMITTED, Actor.CITY, N_("📤 Submit again")),
)  # fmt: skip

# The rooms' names for the three machines (callback data, history entries).
MACHINES: dict[str, tuple[GrantMove, ...]] = {
    "project": PROJECT_MOVES,
    "tranche": TRANCHE_MOVES,
    "report": REPORT_MOVES,
}


def may_take(move: GrantMove, role: str | None, of_the_city: bool) -> bool:
    """Staff moves need the right to review dossiers; the city's, a verified official of the
    project's city (`of_the_city`, which the caller decides: bot/domain/access.py); the bot's
    are never a person's."""
    if move.by == Actor.STAFF:
        return may(role, Action.REVIEW_DOSSIERS)
    if move.by == Actor.CITY:
        return of_the_city
    return False


def grant_moves(
    table: tuple[GrantMove, ...],
    status: str,
    role: str | None,
    of_the_city: bool,
    origin: str | None = None,
) -> list[GrantMove]:
    """The moves this person may take now (what the buttons offer)."""
    return [
        m
        for m in table
        if m.source == status
        and (m.origin is None or m.origin == origin)
        and may_take(m, role, of_the_city)
    ]


def find_grant_move(
    table: tuple[GrantMove, ...],
    status: str,
    key: str,
    role: str | None,
    of_the_city: bool,
    origin: str | None = None,
) -> GrantMove | None:
    """The move a button names, if this person may take it now; None otherwise."""
    return next(
        (m for m in grant_moves(table, status, role, of_the_city, origin) if m.key == key), None
    )


def bot_move(table: tuple[GrantMove, ...], status: str, key: str) -> GrantMove | None:
    """A move the bot takes itself (a tranche's condition met, the final report's date come)."""
    return next(
        (m for m in table if m.by == Actor.BOT and m.source == status and m.key == key), None
    )


def may_adjust(status: str) -> bool:
    """The schedule (amounts, conditions, dates) and the indicators' numbers change only while
    the convention is prepared: once proposed, it is what the city accepts."""
    return status == ProjectStatus.PREPARING


def report_editable(status: str) -> bool:
    """A report is the city's to fill while it is a draft, and again once returned (then only
    the items named)."""
    return status in (ReportStatus.DRAFT, ReportStatus.RETURNED)


def reopened(status: str, returned: frozenset[str], key: str, section: str | None = None) -> bool:
    """Whether the city may change the answer `key` (of section `section`) of a report: any, in a
    draft; once returned, only the items the Secretariat named (a question's key, or a
    section's: an indicator's section reopens its value and its women and men)."""
    if status == ReportStatus.DRAFT:
        return True
    return status == ReportStatus.RETURNED and (key in returned or section in returned)
