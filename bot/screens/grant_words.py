"""The grant's words the convention, the screens and the notices share: what a tranche waits for,
a report's name, the statuses of a project and of a tranche (in the current language)."""

from aiogram.utils.i18n import gettext as _

from bot.domain.follow_up import ReportDue, ReportKind
from bot.domain.project import (
    PROJECT_STATUS_LABELS,
    REPORT_STATUS_LABELS,
    TRANCHE_STATUS_LABELS,
)
from bot.domain.tranches import CONVENTION, REPORT, Condition


def condition_text(condition: Condition) -> str:
    """What a tranche waits for, as the convention says it."""
    if condition.kind == CONVENTION:
        return _("When this convention is accepted")
    if condition.kind == REPORT:
        return _("When progress report {number} is approved").format(number=condition.number)
    return _("When the final report is approved")


def report_name(due: ReportDue) -> str:
    if due.kind == ReportKind.PROGRESS:
        return _("Progress report {number}").format(number=due.number)
    if due.kind == ReportKind.FINAL:
        return _("Final report")
    return _("Report on the use of the emergency aid")


def project_status(status: str) -> str:
    label = PROJECT_STATUS_LABELS.get(status)  # type: ignore[call-overload]
    return _(label) if label else status


def tranche_status(status: str) -> str:
    label = TRANCHE_STATUS_LABELS.get(status)  # type: ignore[call-overload]
    return _(label) if label else status


def report_status(status: str) -> str:
    label = REPORT_STATUS_LABELS.get(status)  # type: ignore[call-overload]
    return _(label) if label else status
