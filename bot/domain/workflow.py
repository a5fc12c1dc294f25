"""Dossier statuses (DOMAIN.md §1, after submission) and which moves the applicant may make."""

from enum import StrEnum

from bot.domain.forms import N_


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
