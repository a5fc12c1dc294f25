"""Following up, so that nothing dies silently (issue 17 §4): reminders ("chases") to every
verified official of the city, each in their language, for a convention proposed and not
accepted and a dossier left in "changes requested" (7 and 14 days after); and what waits on the
city, for the staff's digest.

Chases are timer rows (`chase:<kind>:<id>:<anchor>:<offset>`, bot/domain/follow_up.py), planned
per wait and done once: one is dropped when the city acted, when it belongs to an earlier wait
(the convention proposed again, changes requested again), or when a later one has come too
(after an outage only the latest is sent)."""

from datetime import date, datetime

from aiogram.utils.i18n import I18n
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.domain.follow_up import CHASE, Chase, planned_chases, why_not_chase
from bot.domain.project import ProjectStatus, TrancheStatus
from bot.domain.workflow import Status
from bot.screens.project_notices import CityWait, chase_screen
from bot.services.projects import verified_officials
from bot.workers.scheduler import Done
from storage import reminders as reminder_queries
from storage import timers
from storage.dossiers import last_status_changes
from storage.models import City, Dossier, Payment, Project, Timer
from storage.outbox import enqueue


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
    return sorted(waits, key=lambda w: w.since)


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
        if row is None or kind == Chase.REPORT:
            return Done("dropped: no such subject")
        if kind == Chase.CONVENTION:
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
        title = str((row.answers or {}).get("title") or "")
        available = self.i18n.available_locales
        for person in officials:
            language = (
                person.language if person.language in available else self.settings.default_language
            )
            with self.i18n.context(), self.i18n.use_locale(language):
                screen = chase_screen(kind, subject, row.reference or "", title, since, now.date())
            markup = screen.markup.model_dump(exclude_none=True) if screen.markup else None
            enqueue(session, person.telegram_id, screen.text, markup)
        return Done(f"sent {len(officials)}", len(officials))
