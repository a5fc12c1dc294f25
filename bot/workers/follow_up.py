"""Following up, so that nothing dies silently (issue 17 §4): reminders ("chases") to every
verified official of the city, each in their language, for a convention proposed and not
accepted and a dossier left in "changes requested" (7 and 14 days after); and what waits on the
city, for the staff's digest.

Chases are timer rows (`chase:<kind>:<id>:<anchor>:<offset>`, bot/domain/follow_up.py), planned
per wait and done once: one is dropped when the city acted, when it belongs to an earlier wait
(the convention proposed again, changes requested again), or when a later one has come too
(after an outage only the latest is sent)."""

from datetime import UTC, date, datetime, time
from functools import partial

from aiogram.utils.i18n import I18n
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.domain.follow_up import (
    CHASE,
    REPORT_OPEN,
    Chase,
    ReportDue,
    ReportKind,
    planned_chases,
    report_calendar,
    report_open_key,
    report_opens,
    why_not_chase,
)
from bot.domain.fund_form import FUND_FORM
from bot.domain.project import ProjectStatus, ReportStatus, TrancheStatus
from bot.domain.workflow import Status
from bot.notify.projects import CityWait, chase_screen
from bot.notify.readers import Voice, each_reader
from bot.services.aid_reports import open_aid_report
from bot.services.projects import GrantNotices, open_project_report, verified_officials
from bot.workers.scheduler import Done
from storage import reminders as reminder_queries
from storage import timers
from storage.dossiers import last_status_changes
from storage.models import City, Dossier, Payment, Project, Report, Timer
from storage.outbox import post
from storage.projects import report_row
from storage.types import utcnow


async def _proposed(session: AsyncSession) -> list[tuple[Project, Dossier, str]]:
    rows = await session.execute(
        select(Project, Dossier, City.name)
        .join(Dossier, Dossier.id == Project.dossier_id)
        .join(City, City.id == Dossier.city_id)
        .where(Project.status == ProjectStatus.PROPOSED)
        .order_by(Project.dossier_id)
    )
    return [(p, d, c) for p, d, c in rows.all()]


async def city_waits(session: AsyncSession) -> list[CityWait]:
    """What waits on the city, longest first: conventions proposed and not accepted, payments
    not confirmed received, dossiers in "changes requested"."""
    waits = [
        CityWait(Chase.CONVENTION, d.reference or "", city, p.proposed_at or p.updated_at)
        for p, d, city in await _proposed(session)
    ]
    rows = await session.execute(
        select(Payment, Dossier, City.name)
        .join(Dossier, Dossier.id == Payment.project_id)
        .join(City, City.id == Dossier.city_id)
        .where(Payment.received_at.is_(None))
    )
    waits += [
        CityWait(TrancheStatus.PAID, d.reference or "", city, payment.at)
        for payment, d, city in rows.all()
    ]
    waits += [
        CityWait(Chase.CHANGES, d.reference or "", city, since)
        for d, city, since in await reminder_queries.waiting(session, [Status.CHANGES_REQUESTED])
        if since is not None
    ]
    today = utcnow().date()
    for report, record in await _open_reports(session):
        parent = await session.get(Dossier, report.parent_id)
        city = await session.get(City, record.city_id)
        if report.due_on <= today and parent is not None:
            since = datetime.combine(report.due_on, time(0), UTC)
            waits.append(
                CityWait(Chase.REPORT, parent.reference or "", city.name if city else "", since)
            )
    return sorted(waits, key=lambda w: w.since)


class ReportJob:
    """Opens each report of an open project on the calendar (REPORT_MONTHS from its start, the
    final one at its end), `REPORT_NOTICE_DAYS` before its day: a timer row per report. An
    emergency aid's report has its row planned with the Presidency's approval (payload
    `emergency`, bot/services/emergencies.py `decide`) and is opened here the same way."""

    kind = REPORT_OPEN

    def __init__(self, settings: Settings, i18n: I18n) -> None:
        self.settings = settings
        self.i18n = i18n
        self.notices = GrantNotices(settings, i18n)

    async def plan(self, session: AsyncSession, now: datetime) -> None:
        rows = await session.scalars(
            select(Project).where(
                Project.status.in_([ProjectStatus.UNDER_WAY, ProjectStatus.FINAL_REPORT_DUE])
            )
        )
        planned = []
        for project in rows:
            for due in report_calendar(project.start_on, project.months, project.report_months):
                planned.append(
                    timers.Planned(
                        report_open_key(project.dossier_id, due),
                        REPORT_OPEN,
                        report_opens(due, self.settings.digest_hour),
                        {"project": project.dossier_id, "kind": str(due.kind),
                         "number": due.number, "due_on": due.due_on.isoformat()},
                    )
                )  # fmt: skip
        await timers.plan(session, planned)

    def next_planning(self, now: datetime) -> datetime | None:
        return None

    async def run(self, session: AsyncSession, timer: Timer, now: datetime) -> Done:
        payload = timer.payload or {}
        due = ReportDue(
            date.fromisoformat(str(payload["due_on"])),
            ReportKind(str(payload["kind"])),
            int(payload["number"]),
        )
        if "emergency" in payload:
            emergency = await session.get(Dossier, int(payload["emergency"]))
            if emergency is None:
                return Done("dropped: no such emergency")
            with self.i18n.context():
                opened = await open_aid_report(session, emergency, due, self.notices)
            return Done("opened", 1) if opened else Done("dropped: no aid or opened already")
        project = await session.get(Project, int(payload.get("project", 0)))
        if project is None:
            return Done("dropped: no such project")
        with self.i18n.context():
            opened = await open_project_report(session, project, due, self.notices)
        if not opened:
            return Done("dropped: closed or opened already")
        return Done("opened", 1)


async def _open_reports(session: AsyncSession) -> list[tuple[Report, Dossier]]:
    """Reports the city still owes: drafts and those returned for revision."""
    rows = await session.execute(
        select(Report, Dossier)
        .join(Dossier, Dossier.id == Report.dossier_id)
        .where(Dossier.status.in_([ReportStatus.DRAFT, ReportStatus.RETURNED]))
    )
    return [(r, d) for r, d in rows.all()]


class ChaseJob:
    kind = CHASE

    def __init__(self, settings: Settings, i18n: I18n) -> None:
        self.settings = settings
        self.i18n = i18n

    async def _changes(self, session: AsyncSession) -> list[tuple[Dossier, date]]:
        rows = await reminder_queries.waiting(session, [Status.CHANGES_REQUESTED])
        return [(d, since.date()) for d, _city, since in rows if since is not None]

    async def plan(self, session: AsyncSession, now: datetime) -> None:
        hour = self.settings.digest_hour
        planned = [
            chase
            for project, _d, _c in await _proposed(session)
            if project.proposed_at is not None
            for chase in planned_chases(
                Chase.CONVENTION, project.dossier_id, project.proposed_at.date(), hour
            )
        ]
        planned += [
            chase
            for dossier, since in await self._changes(session)
            for chase in planned_chases(Chase.CHANGES, dossier.id, since, hour)
        ]
        planned += [
            chase
            for report, _record in await _open_reports(session)
            for chase in planned_chases(Chase.REPORT, report.dossier_id, report.due_on, hour)
        ]
        await timers.plan(
            session, (timers.Planned(c.key, CHASE, c.due_at, c.payload) for c in planned)
        )

    def next_planning(self, now: datetime) -> datetime | None:
        return None  # new waits are planned within the scheduler's cap

    async def run(self, session: AsyncSession, timer: Timer, now: datetime) -> Done:
        payload = timer.payload or {}
        kind = Chase(str(payload.get("kind")))
        subject = int(payload.get("subject", 0))
        row = await session.get(Dossier, subject)
        if row is None:
            return Done("dropped: no such subject")
        due: ReportDue | None = None
        if kind == Chase.REPORT:
            found = await report_row(session, subject)
            parent = await session.get(Dossier, found[0].parent_id) if found else None
            if found is None or parent is None:
                return Done("dropped: no such report")
            report = found[0]
            status, since = row.status, report.due_on
            due = ReportDue(report.due_on, ReportKind(report.kind), report.number)
            reference, title = (
                parent.reference or "",
                FUND_FORM.read(parent.answers or {}).title,
            )
        elif kind == Chase.CONVENTION:
            project = await session.get(Project, subject)
            if project is None or project.proposed_at is None:
                return Done("dropped: no such project")
            status, since = project.status, project.proposed_at.date()
        else:
            changed = await last_status_changes(session, [subject])
            status = row.status
            since = changed[subject].date() if subject in changed else date.min
        why = why_not_chase(
            kind,
            status=status,
            waiting_since=since,
            anchor=date.fromisoformat(str(payload["anchor"])),
            offset=int(payload["offset"]),
            now=now,
            hour=self.settings.digest_hour,
        )
        if why is not None:
            return Done(f"dropped: {why}")
        officials = await verified_officials(session, row.city_id)
        if due is None:
            reference, title = row.reference or "", FUND_FORM.read(row.answers or {}).title
        readers = [(p.telegram_id, p.language) for p in officials]
        voice = Voice(self.i18n, self.settings.default_language)
        build = partial(chase_screen, kind, subject, reference, title, since, now.date(), due)
        await post(session, each_reader(readers, voice, build))
        return Done(f"sent {len(officials)}", len(officials))
