"""The scheduler's emergency jobs. Their rows are planned by the use cases (bot/services/
emergencies.py) in the transaction that sends the report, so `plan` adds nothing here.

- Escalation (`escalation:<emergency>:<round>`): if the alert is still unacknowledged when the
  row comes due, it is repeated in both chats (a new card, the old one losing its buttons) and
  sent to the Presidency's chat and to each of ESCALATION_USER_IDS, urgent; the next round is
  planned, up to ESCALATION_ROUNDS. An acknowledgement marks the rows done (nothing sent); a row
  that comes due afterwards anyway (claimed just before) is dropped when it finds the status moved:
  the status is checked by a compare-and-set (`set_status` from "reported" to itself), so of an
  escalation and an acknowledgement at the same moment, one comes first and the other sees it.
- Situation report requests (`sitrep:<emergency>:<n>`): every SITREP_HOURS while the emergency is
  open, the city's officials are asked for one, unless one came in that time (then the request
  is put off until SITREP_HOURS after it).
"""

from dataclasses import replace
from datetime import datetime

from aiogram.utils.i18n import I18n
from sqlalchemy.ext.asyncio import AsyncSession

from bot import metrics
from bot.config import Settings
from bot.domain.emergency import (
    ESCALATION,
    OPEN,
    SITREP_REQUEST,
    EmergencyStatus,
    escalation_key,
    hours,
    minutes,
    sitrep_request_key,
)
from bot.notify import emergencies as notify
from bot.notify.readers import Audience
from bot.services.emergencies import SENT, load_emergency
from bot.workers.scheduler import Done
from storage import emergencies as queries
from storage import timers
from storage.dossiers import StatusMoved, set_status
from storage.models import Dossier, Timer
from storage.outbox import post


class _EmergencyJob:
    def __init__(self, settings: Settings, i18n: I18n) -> None:
        self.settings = settings
        self.audience = Audience.of(settings, i18n)

    async def plan(self, session: AsyncSession, now: datetime) -> None:
        """Planned by the use cases, in the report's own transaction."""

    def next_planning(self, now: datetime) -> datetime | None:
        return None

    async def _row(self, session: AsyncSession, timer: Timer) -> Dossier | None:
        return await session.get(Dossier, int((timer.payload or {}).get("dossier", 0)))


class EscalationJob(_EmergencyJob):
    kind = ESCALATION

    async def run(self, session: AsyncSession, timer: Timer, now: datetime) -> Done:
        row = await self._row(session, timer)
        if row is None:
            return Done("dropped: no such emergency")
        try:  # the transaction's first write: an acknowledgement at the same moment wins or waits
            await set_status(session, row, EmergencyStatus.REPORTED, EmergencyStatus.REPORTED)
        except StatusMoved:
            return Done(f"dropped: {row.status}")
        round_ = int((timer.payload or {}).get("round", 1))
        emergency = await load_emergency(session, row)
        emergency = replace(emergency, escalations=emergency.escalations + 1)
        ids = list(self.settings.escalation_user_ids)
        languages = {a.telegram_id: a.language for a in await queries.accounts(session, ids)}
        waited = now - (row.submitted_at or row.created_at)
        messages = notify.escalated(
            emergency,
            round_,
            self.settings.escalation_rounds,
            waited,
            [(i, languages.get(i)) for i in ids],
            self.audience,
        )
        await post(session, messages, dossier_id=row.id)
        if round_ < self.settings.escalation_rounds:
            due = now + minutes(self.settings.escalation_minutes)
            following = {"dossier": row.id, "round": round_ + 1}
            await timers.plan(
                session,
                [timers.Planned(escalation_key(row.id, round_ + 1), ESCALATION, due, following)],
            )
        metrics.ESCALATIONS.inc()
        return Done(f"sent {len(messages)}", len(messages))


class SitrepRequestJob(_EmergencyJob):
    kind = SITREP_REQUEST

    async def run(self, session: AsyncSession, timer: Timer, now: datetime) -> Done:
        row = await self._row(session, timer)
        if row is None or row.status not in OPEN:
            return Done("dropped: not open")
        number = int((timer.payload or {}).get("number", 1))
        every = hours(self.settings.sitrep_hours)
        reports = await queries.sitreps(session, row.id, SENT)
        last = max([r.submitted_at for r in reports if r.submitted_at] or [row.submitted_at or now])
        outcome, sent, due = "", 0, now + every
        if reports and last > timer.due_at - every:  # one came in the period this one covers
            outcome, due = "dropped: a report came since", last + every
        else:
            emergency = await load_emergency(session, row)
            messages = notify.sitrep_requested(emergency, self.audience)
            await post(session, messages, dossier_id=row.id)
            outcome, sent = f"sent {len(messages)}", len(messages)
        following = {"dossier": row.id, "number": number + 1}
        await timers.plan(
            session,
            [
                timers.Planned(
                    sitrep_request_key(row.id, number + 1), SITREP_REQUEST, due, following
                )
            ],
        )
        return Done(outcome, sent)
