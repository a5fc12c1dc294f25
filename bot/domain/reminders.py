"""When drafts are reminded of the next deadline and when staff get their digest: pure rules.

A reminder is `days` before the next submission deadline, at `hour` UTC of that day; it is for
one draft and that deadline, and its key says so (`reminder:<dossier>:<deadline>:<days>`), so it
is done at most once. When its moment comes (or later, after an outage) it is sent unless:
the dossier is no longer a draft; the deadline passed or is no longer the next one; the draft did
not exist yet at that moment; or a closer reminder of the same draft and deadline is due too (after
a long outage only the most recent one is sent). The digest is one a day (`digest:<date>`), at
`hour` UTC; a digest left over from an earlier day is replaced by today's.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from bot.domain.sessions import BureauSession

REMINDER = "reminder"
DIGEST = "digest"


def moment(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), UTC)


def reminder_key(dossier_id: int, deadline: date, days: int) -> str:
    return f"{REMINDER}:{dossier_id}:{deadline.isoformat()}:{days}"


def digest_key(day: date) -> str:
    return f"{DIGEST}:{day.isoformat()}"


def reminder_due(deadline: date, days: int, hour: int) -> datetime:
    return moment(deadline - timedelta(days=days), hour)


@dataclass(frozen=True)
class PlannedReminder:
    dossier_id: int
    session: BureauSession
    days: int
    due_at: datetime

    @property
    def key(self) -> str:
        return reminder_key(self.dossier_id, self.session.deadline, self.days)

    @property
    def payload(self) -> dict[str, object]:
        return {
            "dossier": self.dossier_id,
            "deadline": self.session.deadline.isoformat(),
            "held_on": self.session.held_on.isoformat(),
            "days": self.days,
        }


def planned_reminders(
    drafts: Iterable[int], session: BureauSession | None, days: Iterable[int], hour: int
) -> list[PlannedReminder]:
    """Every reminder of every draft before `session`'s deadline (none without a session)."""
    if session is None:
        return []
    days = tuple(days)
    return [
        PlannedReminder(d, session, n, reminder_due(session.deadline, n, hour))
        for d in drafts
        for n in days
    ]


def why_not_remind(
    *,
    is_draft: bool,
    created_at: datetime,
    deadline: date,
    days: int,
    next_deadline: date | None,
    now: datetime,
    all_days: Iterable[int],
    hour: int,
) -> str | None:
    """None when the reminder is to be sent now; otherwise why it is dropped (done unsent)."""
    if not is_draft:
        return "not a draft"
    if now.date() > deadline:
        return "deadline passed"
    if next_deadline != deadline:
        return "not the next deadline"
    due = reminder_due(deadline, days, hour)
    if created_at > due:
        return "draft created after it"
    for closer in all_days:
        closer_due = reminder_due(deadline, closer, hour)
        if closer < days and closer_due <= now and created_at <= closer_due:
            return "superseded"
    return None


def days_left(deadline: date, today: date) -> int:
    """Whole days until the deadline (the deadline's own day counts as the last: 0 left)."""
    return max((deadline - today).days, 0)


def next_digest(now: datetime, hour: int) -> datetime:
    """The next moment a digest is due, at or after `now`."""
    today = moment(now.date(), hour)
    return today if today >= now else moment(now.date() + timedelta(days=1), hour)


@dataclass(frozen=True)
class Waiting:
    """A dossier waiting on the Secretariat, for the digest."""

    dossier_id: int
    reference: str
    city: str
    status: str
    since: datetime

    def days(self, now: datetime) -> int:
        return max((now - self.since).days, 0)


def waiting_longer(items: Iterable[Waiting], now: datetime, wait_days: int) -> list[Waiting]:
    """Those waiting more than `wait_days` days, the longest waiting first."""
    limit = timedelta(days=wait_days)
    return sorted(
        (w for w in items if now - w.since > limit), key=lambda w: (w.since, w.dossier_id)
    )
