"""The Secretariat's review of dossiers, and what a city sees of it: the queue, one dossier with
its history and messages, status changes, messages between the city and the Secretariat, Bureau
sessions. Each change is one transaction with the notices it causes (written to the outbox)."""

from collections.abc import Awaitable, Callable
from datetime import date
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.access import reaches
from bot.domain.decisions import CorrectionWindow, correction_window, granted_after
from bot.domain.fitting import first_line
from bot.domain.machine import StatusRefused
from bot.domain.outbox import MissedNotice
from bot.domain.people import Verification
from bot.domain.records import Person
from bot.domain.refusals import Gone
from bot.domain.review import PAGE, Case, HistoryEntry, QueueFilter, ThreadMessage
from bot.domain.roles import Action, Role, may
from bot.domain.sessions import BureauSession, schedulable
from bot.domain.workflow import (
    STATUS_LABELS,
    WAITING,
    Needs,
    Status,
    Transition,
    find_correction,
    find_move,
)
from bot.notify import dossiers as notify
from bot.notify.readers import Audience
from bot.services.dossiers import record_of
from bot.services.people import person_of
from storage import people as people_queries
from storage import review as queries
from storage.dossiers import StatusMoved, attachments, change_status
from storage.models import Account, City, Dossier, DossierMessage
from storage.models import BureauSession as SessionRow
from storage.outbox import post, undelivered, unreachable
from storage.types import utcnow

# Called in the transaction of a decision on a dossier (the grant's project follows it), with the
# name of who decided.
Decided = Callable[[AsyncSession, Dossier, str], Awaitable[None]]


def bureau_session(row: SessionRow) -> BureauSession:
    return BureauSession(row.held_on, row.deadline, row.place, row.id)


class Review:
    """What one person may see and do of the review, for one update."""

    def __init__(
        self,
        session: AsyncSession,
        account: Account,
        role: Role,
        audience: Audience,
        decided: Decided | None = None,
    ) -> None:
        self.session = session
        self.account = account
        self.role = role
        self.audience = audience  # who its changes tell (bot/notify/dossiers.py)
        self.decided = decided

    @property
    def is_staff(self) -> bool:
        return may(self.role, Action.REVIEW_DOSSIERS)

    def _visible(self, row: Dossier | None) -> bool:
        """Staff see every submitted dossier; anyone else what they reach of their city
        (bot/domain/access.py: a verified official all of it, an unverified account its own
        dossiers, a refused one nothing), whatever reference or button they used."""
        if row is None:
            return False
        if self.is_staff:
            return row.status != Status.DRAFT
        return reaches(self.account, row.city_id, row.created_by)

    async def case(self, dossier_id: int) -> Case | None:
        row = await self.session.get(Dossier, dossier_id)
        return await self._case(row) if self._visible(row) else None

    async def visible(self, dossier_id: int) -> Case:
        """The dossier, if this person may see it; refused (`Gone("dossier")`) otherwise: a button
        or a note names an id, which proves nothing."""
        case = await self.case(dossier_id)
        if case is None:
            raise Gone("dossier")
        return case

    async def find(self, reference: str) -> Case | None:
        row = await queries.by_reference(self.session, reference.strip().upper())
        return await self._case(row) if self._visible(row) else None

    async def in_topic(self, topic_id: int) -> Case | None:
        """For staff: the dossier whose forum topic (in the Secretariat's chat) this is."""
        if not self.is_staff:
            return None
        row = await queries.by_topic(self.session, topic_id)
        return await self._case(row) if self._visible(row) else None

    async def _case(self, row: Dossier) -> Case:
        city = await self.session.get(City, row.city_id)
        changes = await queries.history(self.session, row.id)
        messages = await queries.thread(self.session, row.id)
        people = await people_queries.accounts(
            self.session,
            {row.created_by} | {c.by_user for c in changes} | {m.author_id for m in messages},
        )
        sessions = {s.id: bureau_session(s) for s in await queries.bureau_sessions(self.session)}

        def name(telegram_id: int) -> str:
            account = people.get(telegram_id)
            return person_of(account).name if account else str(telegram_id)

        sender = people[row.created_by]
        officials = await people_queries.audience(self.session, row.city_id, row.created_by)
        blocked = await unreachable(self.session, [a.telegram_id for a in officials])
        never = await undelivered(self.session, row.id)
        readers = {
            **people,
            **await people_queries.accounts(self.session, {m.chat_id for m in never}),
        }

        def unverified(message: DossierMessage) -> bool:
            author = people.get(message.author_id)
            return not message.from_staff and (
                author is None or author.verification != Verification.VERIFIED
            )

        return Case(
            record=record_of(row, await attachments(self.session, row.id)),
            city_id=row.city_id,
            city=city.name if city else "",
            country=city.country if city else "",
            sender=person_of(sender),
            history=[
                HistoryEntry(
                    c.at,
                    c.from_status,
                    c.to_status,
                    name(c.by_user),
                    c.reason,
                    Decimal(c.amount) if c.amount else None,
                    sessions.get(c.session_id) if c.session_id else None,
                )
                for c in changes
            ],
            thread=[
                ThreadMessage(m.at, m.from_staff, name(m.author_id), m.text, unverified(m))
                for m in messages
            ],
            session=sessions.get(row.session_id) if row.session_id else None,
            granted=Decimal(row.granted_amount) if row.granted_amount else None,
            unreachable=[person_of(a) for a in officials if a.telegram_id in blocked],
            missed=[
                MissedNotice(
                    person_of(readers[m.chat_id]).name if m.chat_id in readers else str(m.chat_id),
                    m.failed_at or m.created_at,
                    first_line(m.text),
                    "Forbidden" in (m.last_error or ""),
                )
                for m in never
            ],
        )

    async def queue(self, wanted: QueueFilter) -> tuple[list[Case], int]:
        """Dossiers waiting on the Secretariat (or in one status), oldest first, one page."""
        statuses = [wanted.status] if wanted.status else list(WAITING)
        rows, total = await queries.queue(
            self.session,
            statuses,
            country=wanted.country,
            sector=wanted.sector,
            session_id=wanted.session_id,
            unverified=wanted.flagged,
            currency=wanted.currency,
            offset=wanted.page * PAGE,
            limit=PAGE,
        )
        cases = [
            Case(record_of(row), row.city_id, city.name, city.country, person_of(sender))
            for row, city, sender in rows
        ]
        return cases, total

    async def move(
        self,
        case: Case,
        key: str,
        *,
        note: str | None = None,
        amount: Decimal | None = None,
        session_id: int | None = None,
        expected: str | None = None,
        calendar: tuple[BureauSession, ...] = (),
    ) -> Case:
        """Take the move `key` if this person may take it now and what it needs is given; the
        change, its history entry and its notices (bot/notify/dossiers.py `moved`: the dossier's
        audience but the person who made it, and the card) are one transaction. Refused with
        `StatusRefused` (bot/domain/machine.py: `moved`, or `stale` when `expected` was given,
        with the dossier's status now; `unavailable`): then nothing was written.

        The move applies only from the status it was taken from (a compare-and-set, see
        `storage.dossiers.set_status`): of two people pressing at once, the second is refused.
        `expected`: the status the presser saw (a preview's); refused likewise when the dossier
        is no longer in it. A correction is taken only while the decision may be corrected:
        until the next Bureau session is held (the stored sessions, else `calendar`)."""
        row = await self.session.get(Dossier, case.record.id)
        if row is None or not self._visible(row):
            raise StatusRefused("unavailable")
        if expected is not None and row.status != expected:
            raise self._moved(row, expected)
        of_the_city = row.city_id == self.account.city_id and not self.is_staff
        move = find_move(row.status, key, self.role, of_the_city)
        if move is None and key.startswith("fix_"):
            move = await self._correction(row, key, calendar)
        if move is None or not self._given(move, note, amount, session_id):
            raise self._moved(row, expected)
        if move.needs == Needs.SESSION and not await self._may_schedule(row, session_id):
            raise self._moved(row, expected)
        try:
            await self._record_change(row, move, note, amount, session_id)
        except StatusMoved:
            await self.session.refresh(row)  # what the quicker one recorded
            raise self._moved(row, expected) from None
        if move.needs == Needs.SESSION:
            row.session_id = session_id
        current = Decimal(row.granted_amount) if row.granted_amount else None
        granted = granted_after(move, amount, current)
        row.granted_amount = str(granted) if granted is not None else None
        if self.decided is not None and (move.target == Status.APPROVED or move.correction):
            await self.decided(self.session, row, person_of(self.account).name)
        updated = await self._case(row)
        me = self.account.telegram_id
        officials = [p for p in await self.audience_of(row) if p.telegram_id != me]
        told = notify.moved(updated, officials, self.audience)
        await post(self.session, told, dossier_id=row.id, topic_id=row.topic_id)
        await self.session.commit()
        return updated

    async def _may_schedule(self, row: Dossier, session_id: int | None) -> bool:
        """The chosen session exists, is not past, and is later than the one that deferred
        the dossier (a forged or old button is refused like any move no longer possible)."""
        chosen = await self.session.get(SessionRow, session_id) if session_id else None
        if chosen is None:
            return False
        current = await self.session.get(SessionRow, row.session_id) if row.session_id else None
        allowed = schedulable(
            [bureau_session(chosen)],
            row.status,
            bureau_session(current) if current else None,
            utcnow().date(),
        )
        return bool(allowed)

    async def session_for_schedule(
        self, held_on: date, calendar: tuple[BureauSession, ...]
    ) -> BureauSession | None:
        """A session of `BUREAU_SESSIONS` picked while none is stored (a fresh install): stored
        now, as `/sessions add` would, so the dossier can name it. None if that date is not one
        of the configured sessions or sessions are stored already (they replace the setting)."""
        if not self.is_staff or await queries.bureau_sessions(self.session, utcnow().date()):
            return None
        configured = next((s for s in calendar if s.held_on == held_on), None)
        if configured is None:
            return None
        row = await queries.add_bureau_session(self.session, held_on, configured.deadline, "")
        if row is None:  # stored a moment ago by someone else
            stored = await queries.bureau_sessions(self.session, held_on)
            row = stored[0] if stored and stored[0].held_on == held_on else None
        if row is None:
            return None
        await self.session.commit()
        return bureau_session(row)

    @staticmethod
    def _moved(row: Dossier, expected: str | None) -> StatusRefused:
        """Where the dossier stands now, for the presser (a preview's "Send": `stale`)."""
        label = STATUS_LABELS.get(row.status, row.status)
        code = "moved" if expected is None else "stale"
        return StatusRefused(code, reference=row.reference or "", label=label)

    async def _correction(
        self, row: Dossier, key: str, calendar: tuple[BureauSession, ...]
    ) -> Transition | None:
        """The correction `key` of the dossier's decision, if it may still be corrected."""
        stored = [bureau_session(s) for s in await queries.bureau_sessions(self.session)]
        window = correction_window(await self._case(row), stored or calendar, utcnow().date())
        if window is None:
            return None
        return find_correction(row.status, window.origin, key, self.role)

    async def correction_window(
        self, case: Case, calendar: tuple[BureauSession, ...] = ()
    ) -> CorrectionWindow | None:
        """Whether (and until when) staff may correct this dossier's decision today."""
        if not self.is_staff:
            return None
        stored = [bureau_session(s) for s in await queries.bureau_sessions(self.session)]
        return correction_window(case, stored or calendar, utcnow().date())

    @staticmethod
    def _given(
        move: Transition, note: str | None, amount: Decimal | None, session_id: int | None
    ) -> bool:
        if move.correction and not note:  # a correction always says why
            return False
        if move.needs == Needs.FORM:  # the questionnaire's submit, which checks every answer
            return False
        if move.needs == Needs.NOTE:
            return bool(note)
        if move.needs == Needs.AMOUNT:
            return amount is not None and amount > 0
        if move.needs == Needs.SESSION:
            return session_id is not None
        return True

    async def _record_change(
        self,
        row: Dossier,
        move: Transition,
        note: str | None,
        amount: Decimal | None,
        session_id: int | None,
    ) -> None:
        change = await change_status(
            self.session, row, move.target, self.account.telegram_id, note, from_status=row.status
        )
        change.amount = str(amount) if amount is not None else None
        change.session_id = session_id

    async def write(self, case: Case, text: str) -> Case:
        """A message on the dossier, from the city or from the Secretariat, to the other side
        (bot/notify/dossiers.py `written`); refused if it is no longer this person's to see."""
        row = await self.session.get(Dossier, case.record.id)
        if row is None or not self._visible(row):
            raise Gone("dossier")
        self.session.add(
            DossierMessage(
                dossier_id=row.id,
                author_id=self.account.telegram_id,
                from_staff=self.is_staff,
                text=text,
            )
        )
        await self.session.flush()
        updated = await self._case(row)
        officials = await self.audience_of(row) if self.is_staff else []
        told = notify.written(updated, updated.thread[-1], officials, self.audience)
        await post(self.session, told, dossier_id=row.id, topic_id=row.topic_id)
        await self.session.commit()
        return updated

    async def audience_of(self, row: Dossier) -> list[Person]:
        """Who is told about this dossier, each in their own language: its city's verified
        officials, and its author while unverified (bot/domain/access.py)."""
        people = await people_queries.audience(self.session, row.city_id, row.created_by)
        return [person_of(a) for a in people]

    async def readers(self, dossier_id: int) -> list[Person]:
        """Who reads what is written to this dossier's city (`audience_of`); none if it is gone."""
        row = await self.session.get(Dossier, dossier_id)
        return await self.audience_of(row) if row is not None else []

    async def foreseen(self, case: Case, after: Case) -> list[tuple[str, int, str]]:
        """What a move would tell the city (`after`: the dossier as it would be), once per
        language, for the preview: the same readers and words as `move`."""
        row = await self.session.get(Dossier, case.record.id)
        if row is None:
            return []
        me = self.account.telegram_id
        officials = [p for p in await self.audience_of(row) if p.telegram_id != me]
        return notify.foreseen(after, officials, self.audience.voice)

    async def sessions(self, today: date) -> list[BureauSession]:
        return [bureau_session(s) for s in await queries.bureau_sessions(self.session, today)]

    async def add_session(self, held_on: date, deadline: date, place: str) -> BureauSession | None:
        if not self.is_staff:
            return None
        row = await queries.add_bureau_session(self.session, held_on, deadline, place[:100])
        if row is None:  # one on this date exists (perhaps added a moment ago by someone else)
            return None
        await self.session.commit()
        return bureau_session(row)
