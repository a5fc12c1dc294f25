"""Emergency use cases: send a report (its alert goes out at once, ahead of everything else in the
outbox, and its escalation is planned), acknowledge it, ask the city and carry its answer back,
propose aid, decide (the Presidency), close, and the city's situation reports. Each is one
transaction with the messages it causes."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.access import reaches
from bot.domain.emergency import (
    EMERGENCY_STATUS_LABELS,
    ESCALATION,
    MOVES,
    OPEN,
    PHASES,
    REFERENCE_PREFIX,
    SITREP_REQUEST,
    Emergency,
    EmergencyStatus,
    Event,
    EventKind,
    Proposal,
    escalation_key,
    find_emergency_move,
    granted_of,
    sitrep_request_key,
    timeline,
)
from bot.domain.emergency_form import COUNTS, EMERGENCY_FORM, ready_to_send
from bot.domain.follow_up import (
    DEFAULT_EMERGENCY_REPORT_DAYS,
    REPORT_OPEN,
    ReportKind,
    aid_report_due,
    report_open_key,
    report_opens,
)
from bot.domain.forms import AnswerRole
from bot.domain.fund_form import CURRENCIES
from bot.domain.machine import StatusRefused, may_take
from bot.domain.people import Verification
from bot.domain.records import Record
from bot.domain.refusals import Gone
from bot.domain.roles import Action, Role, may
from bot.domain.sitrep_form import SITREP_FORM, sitrep_ready
from bot.notify import emergencies as notify
from bot.notify.notice import Notice
from bot.notify.readers import Audience
from bot.services.dossiers import record_of
from bot.services.people import person_of
from storage import emergencies as queries
from storage import people, timers
from storage import projects as project_queries
from storage import review as review_queries
from storage.dossiers import (
    StatusMoved,
    attachments,
    change_status,
    create_dossier,
    give_reference,
    set_status,
)
from storage.models import (
    Account,
    City,
    Dossier,
    DossierMessage,
    EmergencyProposal,
    StatusChange,
)
from storage.outbox import post
from storage.review import history, thread
from storage.types import utcnow

__all__ = ["Emergencies", "Timing", "load_emergency"]

Told = Callable[[Emergency], list[Notice]]  # what a use case's event tells whom (bot/notify)
SENT = "sent"  # a situation report's status once sent
# An unverified account's report is merged into its city's emergency reported within this time.
MERGE_WINDOW = timedelta(hours=1)
STATUS_EVENTS = {
    EmergencyStatus.REPORTED: EventKind.REPORTED,
    EmergencyStatus.ACKNOWLEDGED: EventKind.ACKNOWLEDGED,
    EmergencyStatus.PROPOSED: EventKind.PROPOSED,
    EmergencyStatus.APPROVED: EventKind.APPROVED,
    EmergencyStatus.REJECTED: EventKind.REJECTED,
    EmergencyStatus.CLOSED: EventKind.CLOSED,
}


@dataclass(frozen=True)
class Timing:
    """When an unacknowledged alert is escalated (and how many times), and how often the city is
    asked for a situation report."""

    escalation: timedelta = timedelta(minutes=15)
    rounds: int = 3
    sitrep: timedelta = timedelta(hours=24)
    # An approved aid's report is due this many days after the decision (EMERGENCY_REPORT_DAYS),
    # asked of the city at `hour` UTC, as a project's reports are.
    aid_report_days: int = DEFAULT_EMERGENCY_REPORT_DAYS
    hour: int = 9


async def load_emergency(session: AsyncSession, row: Dossier) -> Emergency:
    """A sent report as staff and the city see it, with its timeline."""
    city = await session.get(City, row.city_id)
    sender = await session.get(Account, row.created_by)
    assert sender is not None
    names: dict[int, str] = {}

    async def name(user_id: int) -> str:
        if user_id not in names:
            who = await session.get(Account, user_id)
            names[user_id] = person_of(who).name if who else str(user_id)
        return names[user_id]

    found: dict[str, object] = {}
    events: list[Event] = []
    for change in await history(session, row.id):
        who = await name(change.by_user)
        kind = STATUS_EVENTS.get(change.to_status)  # type: ignore[call-overload]
        if kind is None:
            continue
        detail = change.reason or ""
        if kind == EventKind.APPROVED and change.amount:
            detail = change.amount
        events.append(Event(change.at, kind, who, detail))
        if kind == EventKind.ACKNOWLEDGED:
            found["acknowledged_by"] = who
        if kind in (EventKind.APPROVED, EventKind.REJECTED):
            found["decided_by"], found["decision_note"] = who, change.reason
        if kind == EventKind.CLOSED:
            found["closed_by"], found["closed_note"] = who, change.reason
    for message in await thread(session, row.id):
        kind = EventKind.QUESTION if message.from_staff else EventKind.ANSWER
        events.append(Event(message.at, kind, await name(message.author_id), message.text))
    escalated = await queries.timers_done(session, f"{ESCALATION}:{row.id}:")
    for timer in escalated:
        round_ = (timer.payload or {}).get("round", 0)
        events.append(Event(timer.done_at or timer.due_at, EventKind.ESCALATED, "", str(round_)))
    reports = await queries.sitreps(session, row.id, SENT)
    for number, report in enumerate(reports, start=1):
        at = report.submitted_at or report.updated_at
        events.append(Event(at, EventKind.SITREP, await name(report.created_by), str(number)))
    proposal = None
    if (p := await queries.last_proposal(session, row.id)) is not None:
        proposal = Proposal(
            Decimal(p.amount), p.currency, p.phase, p.purpose, await name(p.by_user)
        )
    aid_report = None
    if (asked := await project_queries.report_of(session, row.id, ReportKind.AID, 1)) is not None:
        report_row = await session.get(Dossier, asked.dossier_id)
        aid_report = (asked.dossier_id, report_row.status) if report_row is not None else None
    # Who is told of the emergency's news: the city's verified officials, and the sender while
    # unverified (bot/domain/access.py).
    officials = [person_of(a) for a in await people.audience(session, row.city_id, row.created_by)]
    person = person_of(sender)
    return Emergency(
        record=record_of(row, await attachments(session, row.id)),
        city_id=row.city_id,
        city=city.name if city else "",
        country=city.country if city else "",
        sender=person,
        acknowledged_by=found.get("acknowledged_by"),  # type: ignore[arg-type]
        officials=officials,
        proposal=proposal,
        decided_by=found.get("decided_by"),  # type: ignore[arg-type]
        decision_note=found.get("decision_note"),  # type: ignore[arg-type]
        granted=granted_of(row.granted_amount),
        closed_by=found.get("closed_by"),  # type: ignore[arg-type]
        closed_note=found.get("closed_note"),  # type: ignore[arg-type]
        escalations=len(escalated),
        events=timeline(events),
        sitreps=len(reports),
        sender_registered=person.registered,
        sender_verified=sender.verification == "verified",
        aid_report=aid_report,
    )


class Emergencies:
    """What one person may do with emergencies, for one update."""

    def __init__(
        self,
        session: AsyncSession,
        account: Account,
        role: Role,
        audience: Audience,
        timing: Timing | None = None,
    ) -> None:
        self.session = session
        self.account = account
        self.role = role
        self.audience = audience  # who its events tell (bot/notify/emergencies.py)
        self.timing = timing or Timing()
        self._change: StatusChange | None = None  # the last move taken (`_take`)

    @property
    def is_staff(self) -> bool:
        """The Secretariat, the commission, admins: they acknowledge, propose, ask, close."""
        return may(self.role, Action.ACKNOWLEDGE_EMERGENCY)

    @property
    def is_presidency(self) -> bool:
        return may(self.role, Action.DECIDE_EMERGENCY_AID)

    def _of_the_city(self, row: Dossier) -> bool:
        """Whether this person reaches the record as one of its city (bot/domain/access.py: a
        verified official any of the city's, an unverified account its own, a refused none)."""
        return reaches(self.account, row.city_id, row.created_by)

    def for_the_city(self, emergency: Emergency) -> bool:
        """Whether this person acts on the emergency as its city (answers a question, sends a
        situation report), not as staff or the Presidency."""
        if self.is_staff or self.is_presidency:
            return False
        return reaches(self.account, emergency.city_id, emergency.sender.telegram_id)

    async def _row(self, dossier_id: int) -> Dossier | None:
        """A sent emergency staff and the Presidency may see, or any of the person's city."""
        row = await self.session.get(Dossier, dossier_id)
        if row is None or row.form != EMERGENCY_FORM.key:
            return None
        if self._of_the_city(row):
            return row
        if (self.is_staff or self.is_presidency) and row.status != EmergencyStatus.DRAFT:
            return row
        return None

    async def get(self, dossier_id: int) -> Emergency | None:
        row = await self._row(dossier_id)
        return await load_emergency(self.session, row) if row is not None else None

    async def visible(self, dossier_id: int) -> Emergency:
        """The emergency, as this person may see it; refused (`not_yours`) otherwise."""
        emergency = await self.get(dossier_id)
        if emergency is None:
            raise StatusRefused("not_yours")
        return emergency

    # The buttons of a card that move nothing: who may press them, and when.

    def may_ask(self, emergency: Emergency) -> bool:
        """A question to the city: staff and the Presidency, while the emergency is open."""
        return (self.is_staff or self.is_presidency) and emergency.status in OPEN

    def may_answer(self, emergency: Emergency) -> bool:
        return self.for_the_city(emergency)

    def may_report(self, emergency: Emergency) -> bool:
        """A situation report: the city, while its emergency is open."""
        return self.for_the_city(emergency) and emergency.status in OPEN

    def refused(self, emergency: Emergency) -> StatusRefused:
        """A button of the emergency this person may not press now: to staff and the
        Presidency, a stale one (someone else was quicker: its status now); else not theirs."""
        if self.is_staff or self.is_presidency:
            label = EMERGENCY_STATUS_LABELS.get(emergency.status, emergency.status)
            return StatusRefused("moved", reference=emergency.record.reference or "", label=label)
        return StatusRefused("not_yours")

    @property
    def _name(self) -> str:
        return person_of(self.account).name

    async def _done(self, row: Dossier, told: Told) -> Emergency:
        await self.session.flush()
        emergency = await load_emergency(self.session, row)
        await post(self.session, told(emergency), dossier_id=row.id)
        await self.session.commit()
        return emergency

    async def send(self, record: Record, today: date) -> Emergency | None:
        """The report gets its FU reference and status "reported"; its alert is written to the
        outbox, urgent, and its first escalation and situation report request are planned, in
        the same transaction. None if it is not the city's or not ready.

        An account the Secretariat has not verified has one open emergency at a time: its
        report while one of its own is open, or while one of its city reported within the hour
        is, is added to that emergency as a situation report (written to the chats as one)
        instead of a new alert. The emergency returned is then that one (its record is not
        `record`)."""
        row = await self.session.get(Dossier, record.id)
        if row is None or row.form != EMERGENCY_FORM.key or not self._of_the_city(row):
            return None
        if find_emergency_move(row.status, "send", self.role, True) is None:
            return None
        if not ready_to_send(row.answers or {}):
            return None
        now = utcnow()
        if self.account.verification != Verification.VERIFIED:
            earlier = await queries.open_report_to_merge(
                self.session,
                EMERGENCY_FORM.key,
                [s.value for s in OPEN],
                self.account.telegram_id,
                row.city_id,
                now - MERGE_WINDOW,
            )
            if earlier is not None and earlier.id != row.id:
                return await self._merge(row, earlier)
        try:  # first: a second press at the same moment writes nothing
            await change_status(
                self.session, row, EmergencyStatus.REPORTED, self.account.telegram_id
            )
        except StatusMoved:
            return None
        await give_reference(self.session, row, REFERENCE_PREFIX, today.year)
        row.submitted_at = now
        row.submitted_answers = dict(row.answers)
        if self.account.active_dossier_id == row.id:
            self.account.active_dossier_id = None
        planned = [
            timers.Planned(
                sitrep_request_key(row.id, 1), SITREP_REQUEST, now + self.timing.sitrep,
                {"dossier": row.id, "number": 1},
            )
        ]  # fmt: skip
        if self.timing.rounds > 0:
            planned.append(
                timers.Planned(
                    escalation_key(row.id, 1), ESCALATION, now + self.timing.escalation,
                    {"dossier": row.id, "round": 1},
                )
            )  # fmt: skip
        await self.session.flush()
        await timers.plan(self.session, planned)
        me = self.account.telegram_id
        return await self._done(row, lambda e: notify.reported(e, me, self.audience))

    async def _merge(self, row: Dossier, parent: Dossier) -> Emergency | None:
        """The report becomes a situation report of `parent`: its figures, services, needs and
        photos as they are, what happened and where as its news; written to the alert chats as
        one (no new alert, no escalation)."""
        answers = dict(row.answers or {})
        reported = EMERGENCY_FORM.read(answers)
        said = [reported.text(AnswerRole.PLACE), reported.text(AnswerRole.DESCRIPTION)]
        answers[SITREP_FORM.key_of(AnswerRole.NEWS)] = " — ".join(s for s in said if s)
        earlier = await queries.sitreps(self.session, parent.id, SENT)
        known = dict(parent.submitted_answers or parent.answers or {})
        for report in earlier:
            known.update({k: v for k, v in (report.answers or {}).items() if k in COUNTS})
        try:  # first: a second press at the same moment merges nothing
            await set_status(self.session, row, EmergencyStatus.DRAFT, SENT)
        except StatusMoved:
            return None
        row.form, row.form_version = SITREP_FORM.key, SITREP_FORM.version
        row.parent_id = parent.id
        row.answers = answers
        row.submitted_at = utcnow()
        row.submitted_answers = dict(answers)
        row.reference = None
        row.cursor = None
        if self.account.active_dossier_id == row.id:
            self.account.active_dossier_id = None
        parent.updated_at = utcnow()
        await self.session.flush()
        emergency = await load_emergency(self.session, parent)
        report = record_of(row, await attachments(self.session, row.id))
        told = notify.sitrep(emergency, report, known, self._name, self.audience, merged=True)
        await post(self.session, told, dossier_id=parent.id)
        await self.session.commit()
        return emergency

    async def _take(
        self, dossier_id: int, key: str, note: str | None = None, expected: str | None = None
    ) -> Dossier:
        """The row, moved by `key`, if this person may take that move on it now (the table says
        who, the row's current status says whether) and it still is in the status the move was
        taken from: a compare-and-set (`storage.dossiers.set_status`), the move's first write,
        so that of two presses at once the second writes nothing and tells nobody. `expected`:
        the status the presser saw (a preview's), refused likewise when the row has left it.
        Refused with `StatusRefused` (`moved`, with the status now; `not_yours`)."""
        row = await self._row(dossier_id)
        if row is None or row.status == EmergencyStatus.DRAFT:
            raise StatusRefused("not_yours")
        if expected is not None and row.status != expected:
            raise self._moved(row)
        move = find_emergency_move(row.status, key, self.role, False)
        if move is None:
            theirs = any(m.key == key and may_take(m, self.role, False) for m in MOVES)
            raise self._moved(row) if theirs else StatusRefused("not_yours")
        try:
            self._change = await change_status(
                self.session, row, move.target, self.account.telegram_id, note,
                from_status=row.status,
            )  # fmt: skip
        except StatusMoved:
            await self.session.refresh(row)  # what the quicker one recorded
            raise self._moved(row) from None
        return row

    @staticmethod
    def _moved(row: Dossier) -> StatusRefused:
        label = EMERGENCY_STATUS_LABELS.get(row.status, row.status)
        return StatusRefused("moved", reference=row.reference or "", label=label)

    async def _incomplete(self, dossier_id: int) -> StatusRefused:
        """What a move needs was not given (a forged or damaged draft): told as a stale move."""
        row = await self._row(dossier_id)
        return self._moved(row) if row is not None else StatusRefused("not_yours")

    async def acknowledge(self, dossier_id: int, *, expected: str | None = None) -> Emergency:
        """Staff with the right take the alert in hand (its escalation stops); refused with
        `StatusRefused` (right or status)."""
        row = await self._take(dossier_id, "ack", expected=expected)
        await queries.cancel_timers(
            self.session, f"{ESCALATION}:{row.id}:", utcnow(), "cancelled: acknowledged"
        )
        name = self._name
        return await self._done(row, lambda e: notify.acknowledged(e, name, self.audience))

    async def ask(self, dossier_id: int, text: str) -> Emergency:
        """A question from staff or the Presidency to the city (`not_yours` for anyone else)."""
        if not (self.is_staff or self.is_presidency):
            raise StatusRefused("not_yours")
        return await self.message(dossier_id, text)

    async def answer(self, dossier_id: int, text: str) -> Emergency:
        """The city's answer (`emergency`: none of this person's city to answer about)."""
        emergency = await self.get(dossier_id)
        if emergency is None or not self.for_the_city(emergency):
            raise Gone("emergency")
        return await self.message(dossier_id, text)

    async def message(self, dossier_id: int, text: str) -> Emergency:
        """A question from staff or the Presidency to the city, or the city's answer: kept on
        the emergency, and sent to the other side (bot/notify/emergencies.py `asked`,
        `answered`); refused (`emergency`) if there is no sent one this person may see."""
        row = await self._row(dossier_id)
        if row is None or row.status == EmergencyStatus.DRAFT:
            raise Gone("emergency")
        asking = (self.is_staff or self.is_presidency) and not self._of_the_city(row)
        self.session.add(
            DossierMessage(
                dossier_id=row.id, author_id=self.account.telegram_id, from_staff=asking, text=text
            )
        )
        name, audience = self._name, self.audience
        if asking:
            by_presidency = self.is_presidency and not self.is_staff
            return await self._done(
                row, lambda e: notify.asked(e, text, name, by_presidency, audience)
            )
        unverified = self.account.verification != Verification.VERIFIED
        return await self._done(row, lambda e: notify.answered(e, text, name, unverified, audience))

    async def propose(
        self,
        dossier_id: int,
        amount: Decimal,
        currency: str,
        phase: str,
        purpose: str,
        *,
        expected: str | None = None,
    ) -> Emergency:
        """A proposal of aid (secretariat or commission); refused (`StatusRefused`) if not theirs
        now or incomplete. One proposal per move: a second one at the same moment is refused
        with its move."""
        if amount <= 0 or currency not in CURRENCIES or phase not in {c.value for c in PHASES}:
            raise await self._incomplete(dossier_id)
        if not purpose:
            raise await self._incomplete(dossier_id)
        row = await self._take(dossier_id, "propose", purpose, expected)
        self.session.add(
            EmergencyProposal(
                dossier_id=row.id,
                amount=str(amount),
                currency=currency,
                phase=phase,
                purpose=purpose,
                by_user=self.account.telegram_id,
            )
        )
        return await self._done(row, lambda e: notify.moved(e, "propose", self.audience))

    async def decide(
        self,
        dossier_id: int,
        key: str,
        reason: str | None,
        amount: tuple[Decimal, str] | None = None,
        *,
        expected: str | None = None,
    ) -> Emergency:
        """The Presidency approves the proposal ("approve"), approves another amount ("other",
        with `amount`), or rejects it with a reason ("reject"); refused with `StatusRefused`."""
        if key not in ("approve", "other", "reject"):
            raise await self._incomplete(dossier_id)
        if key == "reject" and not reason:
            raise await self._incomplete(dossier_id)
        if key == "other" and (amount is None or amount[0] <= 0 or amount[1] not in CURRENCIES):
            raise await self._incomplete(dossier_id)
        row = await self._take(dossier_id, key, reason, expected)
        proposal = await queries.last_proposal(self.session, row.id)
        if key == "approve" and proposal is not None:
            row.granted_amount = f"{proposal.amount} {proposal.currency}"
        if key == "other" and amount is not None:
            row.granted_amount = f"{amount[0]} {amount[1]}"
        if key != "reject" and self._change is not None:
            self._change.amount = row.granted_amount
        if key != "reject":  # the aid is accounted for: its report, on the same calendar
            due = aid_report_due(utcnow().date(), self.timing.aid_report_days)
            payload = {"emergency": row.id, "kind": str(due.kind), "number": due.number,
                       "due_on": due.due_on.isoformat()}  # fmt: skip
            opens = report_opens(due, self.timing.hour)
            await timers.plan(
                self.session,
                [timers.Planned(report_open_key(row.id, due), REPORT_OPEN, opens, payload)],
            )
        return await self._done(row, lambda e: notify.moved(e, key, self.audience))

    async def close(self, dossier_id: int, note: str, *, expected: str | None = None) -> Emergency:
        """Staff close an emergency with a note (its timers stop); refused with
        `StatusRefused`."""
        if not note:
            raise await self._incomplete(dossier_id)
        row = await self._take(dossier_id, "close", note, expected)
        await queries.cancel_timers(self.session, f"{ESCALATION}:{row.id}:", utcnow(), "closed")
        await queries.cancel_timers(self.session, f"{SITREP_REQUEST}:{row.id}:", utcnow(), "closed")
        return await self._done(row, lambda e: notify.moved(e, "close", self.audience))

    async def listed(self, limit: int = 10) -> list[Emergency]:
        """Sent emergencies, the open ones first, then the latest (staff and the Presidency),
        each with its timeline; `not_yours` for anyone else."""
        if not (self.is_staff or self.is_presidency):
            raise StatusRefused("not_yours")
        statuses = [s.value for s in EmergencyStatus if s != EmergencyStatus.DRAFT]
        rows = await queries.emergencies(self.session, EMERGENCY_FORM.key, statuses, limit)
        rows.sort(key=lambda pair: pair[0].status == EmergencyStatus.CLOSED)
        return [await load_emergency(self.session, row) for row, _city in rows]

    async def by_reference(self, reference: str) -> Emergency:
        """A sent emergency by its reference (staff and the Presidency): its whole report, where
        a card shortened to fit Telegram points to; refused alike (`emergency_reference`) when
        there is none or it is not theirs to see."""
        if not (self.is_staff or self.is_presidency):
            raise Gone("emergency_reference")
        row = await review_queries.by_reference(self.session, reference.strip().upper())
        if row is None or row.form != EMERGENCY_FORM.key or row.status == EmergencyStatus.DRAFT:
            raise Gone("emergency_reference")
        return await load_emergency(self.session, row)

    # Situation reports: the city's follow-ups on its emergency.

    async def open_sitrep(self, dossier_id: int) -> Record:
        """A new situation report on the city's open emergency (typed answers go to it);
        refused if it is not the city's (`not_yours`) or not open (`moved`)."""
        row = await self.session.get(Dossier, dossier_id)
        if row is None or row.form != EMERGENCY_FORM.key or not self._of_the_city(row):
            raise StatusRefused("not_yours")
        if row.status in (EmergencyStatus.DRAFT, EmergencyStatus.CLOSED):
            raise self._moved(row)
        drafts = await queries.sitreps(self.session, row.id, EmergencyStatus.DRAFT)
        if drafts:  # one begun and not sent: go on with it
            report = drafts[-1]
        else:
            report = await create_dossier(self.session, self.account, {})
            report.form, report.form_version = SITREP_FORM.key, SITREP_FORM.version
            report.parent_id = row.id
            report.cursor = {"q": SITREP_FORM.first_key()}
        self.account.active_dossier_id = report.id
        await self.session.commit()
        return record_of(report, [])

    async def sitrep_parent(self, record: Record) -> Emergency | None:
        row = await self.session.get(Dossier, record.id)
        if row is None or row.parent_id is None or not self._of_the_city(row):
            return None
        parent = await self.session.get(Dossier, row.parent_id)
        return await load_emergency(self.session, parent) if parent is not None else None

    async def send_sitrep(self, record: Record) -> Emergency | None:
        """Send a situation report to both alert chats (each figure's change from what was known
        before). None if refused."""
        row = await self.session.get(Dossier, record.id)
        if row is None or row.form != SITREP_FORM.key or row.status != EmergencyStatus.DRAFT:
            return None
        if not self._of_the_city(row) or row.parent_id is None:
            return None
        if not sitrep_ready(row.answers or {}):
            return None
        parent = await self.session.get(Dossier, row.parent_id)
        if parent is None or parent.status == EmergencyStatus.CLOSED:
            return None
        try:  # sent once: two officials of the city sending the same report at once
            await set_status(self.session, row, EmergencyStatus.DRAFT, SENT)
        except StatusMoved:
            return None
        earlier = await queries.sitreps(self.session, parent.id, SENT)
        earlier = [report for report in earlier if report.id != row.id]
        known = dict(parent.submitted_answers or parent.answers or {})
        for report in earlier:
            known.update({k: v for k, v in (report.answers or {}).items() if k in COUNTS})
        row.submitted_at = utcnow()
        row.submitted_answers = dict(row.answers)
        row.reference = None
        if self.account.active_dossier_id == row.id:
            self.account.active_dossier_id = None
        parent.updated_at = utcnow()
        await self.session.flush()
        emergency = await load_emergency(self.session, parent)
        report = record_of(row, await attachments(self.session, row.id))
        told = notify.sitrep(emergency, report, known, self._name, self.audience)
        await post(self.session, told, dossier_id=parent.id)
        await self.session.commit()
        return emergency
