"""The scheduler's two jobs: reminders of unsubmitted drafts before the next deadline, and the
staff's daily digest of dossiers waiting on them (rules: bot/domain/reminders.py).

Reminders go to the draft's audience (its city's verified officials, and its author while
unverified: bot/domain/access.py; drafts are the city's, whoever opened them), each in their
language; the digest to each staff member privately (secretariat and admin roles,
and ADMIN_IDS), in theirs. Someone who never wrote to the bot privately cannot be reached: the
outbox records them unreachable."""

from datetime import date, datetime

from aiogram.utils.i18n import I18n
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.domain.reminders import (
    DIGEST,
    REMINDER,
    Waiting,
    digest_key,
    moment,
    next_digest,
    planned_reminders,
    waiting_longer,
    why_not_remind,
)
from bot.domain.roles import Role
from bot.domain.rules import FundingRules
from bot.domain.sessions import BureauSession, next_session
from bot.domain.workflow import WAITING, Status
from bot.notify import dossiers as notify
from bot.notify.readers import Voice
from bot.services.dossiers import record_of
from bot.services.review import bureau_session
from bot.workers.follow_up import city_waits
from bot.workers.scheduler import Done
from storage import people as people_queries
from storage import reminders as queries
from storage import review as review_queries
from storage import timers
from storage.dossiers import attachments
from storage.models import Dossier, Timer
from storage.outbox import post

STAFF_ROLES = (Role.SECRETARIAT.value, Role.ADMIN.value)


class _Job:
    def __init__(self, settings: Settings, i18n: I18n) -> None:
        self.settings = settings
        self.voice = Voice(i18n, settings.default_language)


class ReminderJob(_Job):
    kind = REMINDER

    async def next_session(self, session: AsyncSession, today: date) -> BureauSession | None:
        """As a submission finds it: the sessions the staff keep replace the setting."""
        stored = [bureau_session(s) for s in await review_queries.bureau_sessions(session, today)]
        return next_session(tuple(stored) or self.settings.sessions(today), today)

    async def plan(self, session: AsyncSession, now: datetime) -> None:
        if not self.settings.reminder_days:
            return
        upcoming = await self.next_session(session, now.date())
        drafts = await queries.draft_ids(session, Status.DRAFT)
        planned = planned_reminders(
            drafts, upcoming, self.settings.reminder_days, self.settings.digest_hour
        )
        await timers.plan(
            session, (timers.Planned(p.key, REMINDER, p.due_at, p.payload) for p in planned)
        )

    def next_planning(self, now: datetime) -> datetime | None:
        return None  # new drafts are planned within the scheduler's cap

    async def run(self, session: AsyncSession, timer: Timer, now: datetime) -> Done:
        payload = timer.payload or {}
        row = await session.get(Dossier, int(payload.get("dossier", 0)))
        if row is None:
            return Done("dropped: no such dossier")
        deadline = date.fromisoformat(payload["deadline"])
        upcoming = await self.next_session(session, now.date())
        why = why_not_remind(
            is_draft=row.status == Status.DRAFT,
            created_at=row.created_at,
            deadline=deadline,
            days=int(payload["days"]),
            next_deadline=upcoming.deadline if upcoming else None,
            now=now,
            all_days=self.settings.reminder_days,
            hour=self.settings.digest_hour,
        )
        if why is not None or upcoming is None:
            return Done(f"dropped: {why}")
        record = record_of(row, await attachments(session, row.id))
        checks = record.checks(
            FundingRules(self.settings.fund_max_share, self.settings.city_min_share)
        )
        officials = await people_queries.audience(session, row.city_id, row.created_by)
        readers = [(a.telegram_id, a.language) for a in officials]
        told = notify.reminded(record, checks, upcoming, now.date(), readers, self.voice)
        await post(session, told)
        return Done(f"sent {len(officials)}", len(officials))


class DigestJob(_Job):
    kind = DIGEST

    async def plan(self, session: AsyncSession, now: datetime) -> None:
        today = now.date()
        due = moment(today, self.settings.digest_hour)
        await timers.plan(
            session, [timers.Planned(digest_key(today), DIGEST, due, {"day": today.isoformat()})]
        )

    def next_planning(self, now: datetime) -> datetime | None:
        """Tomorrow's row is planned on tomorrow's first round: be there at its hour."""
        return next_digest(now, self.settings.digest_hour)

    async def run(self, session: AsyncSession, timer: Timer, now: datetime) -> Done:
        day = date.fromisoformat((timer.payload or {}).get("day", now.date().isoformat()))
        if day < now.date():
            return Done("dropped: a later digest replaces it")
        rows = await queries.waiting(session, WAITING)
        items = waiting_longer(
            (
                Waiting(d.id, d.reference or "", city, d.status, since)
                for d, city, since in rows
                if since is not None
            ),
            now,
            self.settings.digest_wait_days,
        )
        on_city = await city_waits(session)
        if not items and not on_city:
            return Done("nothing waiting")
        admins = self.settings.admin_ids
        accounts = await queries.staff(session, STAFF_ROLES, admins)
        people = {a.telegram_id: a.language for a in accounts}
        for admin in admins:
            people.setdefault(admin, None)
        wait_days = self.settings.digest_wait_days
        told = notify.digest(items, wait_days, now, sorted(people.items()), self.voice, on_city)
        await post(session, told)
        return Done(f"sent {len(people)}", len(people))
