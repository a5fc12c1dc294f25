"""Following a grant up, so that nothing dies silently (DOMAIN.md §4): the reporting calendar and
when the city is reminded. Pure rules, in the style of `bot.domain.reminders`.

The calendar: a progress report every `REPORT_MONTHS` from the project's start date, and the final
report at the end of its duration (a progress report that would fall on or after the end is the
final one); an emergency aid's report `EMERGENCY_REPORT_DAYS` after the aid was granted.

Reminders ("chases") go to the city for three things that wait on it, each at moments counted in
days from an anchor day, at `hour` UTC: a report (its due day: 14 days before, on the day, 7 and
14 days late), a convention proposed and not accepted (the day it was proposed: 7 and 14 days
after), a dossier left in "changes requested" (the day they were asked: 7 and 14 days after). A
chase's key names what it is about, its anchor and its offset, so it is done at most once, and a
new wait (a convention proposed again, changes asked again) has new ones. When its moment comes
(or later, after an outage) it is sent unless the city acted (the thing no longer waits on it, or
waits since another day) or a later moment of the same wait has come too: after an outage only the
latest is sent.
"""

import calendar
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum

from bot.domain.project import ProjectStatus, ReportStatus
from bot.domain.workflow import Status

DEFAULT_REPORT_MONTHS = 6
DEFAULT_EMERGENCY_REPORT_DAYS = 90


class ReportKind(StrEnum):
    PROGRESS = "progress"
    FINAL = "final"
    AID = "aid"  # on the use of an emergency aid


@dataclass(frozen=True, order=True)
class ReportDue:
    due_on: date
    kind: ReportKind
    number: int  # progress reports 1, 2, …; the final report and an aid's report: 1


def add_months(day: date, months: int) -> date:
    """The same day `months` later; the month's last day when it is shorter (31 Jan + 1 month
    is 28 or 29 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def project_end(start: date, months: int) -> date:
    return add_months(start, months)


def report_calendar(start: date, months: int, every: int) -> list[ReportDue]:
    """Every report a project owes, in order: progress reports every `every` months from the
    start while before the end, then the final report at the end."""
    if months < 1 or every < 1:
        raise ValueError("a duration and a period of at least one month")
    end = project_end(start, months)
    due = []
    number = 1
    while (day := add_months(start, number * every)) < end:
        due.append(ReportDue(day, ReportKind.PROGRESS, number))
        number += 1
    due.append(ReportDue(end, ReportKind.FINAL, 1))
    return due


def progress_reports(start: date, months: int, every: int) -> int:
    """How many progress reports the calendar has (the tranches may wait for one of them)."""
    return sum(1 for d in report_calendar(start, months, every) if d.kind == ReportKind.PROGRESS)


def aid_report_due(granted_on: date, days: int) -> ReportDue:
    return ReportDue(granted_on + timedelta(days=days), ReportKind.AID, 1)


REPORT_OPEN = "report_open"  # the timer kind: a report asked of the city (storage/timers.py)
REPORT_NOTICE_DAYS = 14  # a report is asked this many days before its day (its first reminder)


def report_open_key(parent_id: int, due: ReportDue) -> str:
    """`report_open:12:progress:1`: one report of one project (or emergency), asked once."""
    return f"{REPORT_OPEN}:{parent_id}:{due.kind}:{due.number}"


def report_opens(due: ReportDue, hour: int) -> datetime:
    """When the city is asked for it: `REPORT_NOTICE_DAYS` before its day, at `hour` UTC."""
    return datetime.combine(due.due_on - timedelta(days=REPORT_NOTICE_DAYS), time(hour), UTC)


def next_report(calendar_: list[ReportDue], approved: set[tuple[str, int]]) -> ReportDue | None:
    """The first report of the calendar not approved yet (what "next report due" shows)."""
    return next((d for d in calendar_ if (d.kind, d.number) not in approved), None)


def reports_requested(
    calendar_: list[ReportDue], today: date, notice_days: int = 14
) -> list[ReportDue]:
    """The reports the city is asked for by `today`: each from `notice_days` before it is due
    (when its first reminder goes), so it can be filled ahead."""
    return [d for d in calendar_ if d.due_on - timedelta(days=notice_days) <= today]


class Chase(StrEnum):
    REPORT = "report"  # anchor: the day it is due
    CONVENTION = "convention"  # anchor: the day it was proposed
    CHANGES = "changes"  # anchor: the day changes were requested


CHASE = "chase"  # the timer kind (storage/timers.py rows)
OFFSETS: dict[Chase, tuple[int, ...]] = {
    Chase.REPORT: (-14, 0, 7, 14),
    Chase.CONVENTION: (7, 14),
    Chase.CHANGES: (7, 14),
}


def chase_moment(anchor: date, offset: int, hour: int) -> datetime:
    return datetime.combine(anchor + timedelta(days=offset), time(hour), UTC)


def chase_key(kind: Chase, subject_id: int, anchor: date, offset: int) -> str:
    """`chase:report:12:2027-09-15:-14`: one wait of one thing, one moment."""
    return f"{CHASE}:{kind}:{subject_id}:{anchor.isoformat()}:{offset}"


@dataclass(frozen=True)
class PlannedChase:
    kind: Chase
    subject_id: int  # the report, the project (its dossier), the dossier
    anchor: date
    offset: int
    due_at: datetime

    @property
    def key(self) -> str:
        return chase_key(self.kind, self.subject_id, self.anchor, self.offset)

    @property
    def payload(self) -> dict[str, object]:
        return {
            "kind": str(self.kind),
            "subject": self.subject_id,
            "anchor": self.anchor.isoformat(),
            "offset": self.offset,
        }


def planned_chases(kind: Chase, subject_id: int, anchor: date, hour: int) -> list[PlannedChase]:
    """Every reminder of one wait (planned together; each is done once)."""
    return [
        PlannedChase(kind, subject_id, anchor, offset, chase_moment(anchor, offset, hour))
        for offset in OFFSETS[kind]
    ]


def waits_on_city(kind: Chase, status: str) -> bool:
    """Whether the thing still waits on the city: a report not submitted (a draft, or returned
    for revision), a convention proposed and not accepted, a dossier in "changes requested"."""
    if kind == Chase.REPORT:
        return status in (ReportStatus.DRAFT, ReportStatus.RETURNED)
    if kind == Chase.CONVENTION:
        return status == ProjectStatus.PROPOSED
    return status == Status.CHANGES_REQUESTED


def why_not_chase(
    kind: Chase,
    *,
    status: str,
    waiting_since: date,
    anchor: date,
    offset: int,
    now: datetime,
    hour: int,
) -> str | None:
    """None when this reminder is to be sent now; otherwise why it is dropped (done unsent).

    `status` is the thing's status now and `waiting_since` the anchor of its current wait (a
    report's due day; the day the convention was last proposed; the day changes were last
    requested): a reminder of an earlier wait is dropped."""
    if not waits_on_city(kind, status):
        return "the city acted"
    if waiting_since != anchor:
        return "another wait"
    if now < chase_moment(anchor, offset, hour):
        return "not yet"
    for later in OFFSETS[kind]:
        if later > offset and chase_moment(anchor, later, hour) <= now:
            return "superseded"
    return None


def latest_chase(kind: Chase, anchor: date, now: datetime, hour: int) -> int | None:
    """The offset of the one reminder of a wait to send at `now` (the latest one come), if any."""
    come = [o for o in OFFSETS[kind] if chase_moment(anchor, o, hour) <= now]
    return max(come) if come else None


def days_late(due_on: date, today: date) -> int:
    """Whole days past the due day (0 on the day and before it)."""
    return max((today - due_on).days, 0)
