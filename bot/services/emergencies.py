"""Emergency use cases: send a report (its alert goes out at once, ahead of everything else in the
outbox), acknowledge it, ask the city and carry its answer back. Each is one transaction with the
messages it causes."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.emergency import (
    OPEN,
    PHASES,
    REFERENCE_PREFIX,
    Emergency,
    EmergencyStatus,
    Proposal,
    find_emergency_move,
)
from bot.domain.emergency_form import EMERGENCY_FORM, ready_to_send
from bot.domain.fund_form import CURRENCIES
from bot.domain.records import Person, Record
from bot.domain.roles import Action, Role, may
from bot.services.people import person_of
from bot.services.records import record_of
from storage import emergencies as cards
from storage import review as people
from storage.dossiers import attachments, change_status, next_reference
from storage.models import Account, City, Dossier, DossierMessage, EmergencyProposal
from storage.outbox import URGENT, enqueue, enqueue_document, enqueue_edit, enqueue_location
from storage.review import history
from storage.types import utcnow


@dataclass(frozen=True)
class Outgoing:
    """One message the bot sends on its own: text (`card`: the alert card, edited later), a
    location, or a document already on Telegram's servers (`file_id`)."""

    chat_id: int
    text: str = ""
    markup: dict[str, Any] | None = None
    card: bool = False
    location: tuple[float, float] | None = None
    file_id: str | None = None
    file_name: str | None = None
    urgent: bool = True


Render = Callable[[Emergency], list[Outgoing]]


class Emergencies:
    """What one person may do with emergencies, for one update."""

    def __init__(self, session: AsyncSession, account: Account, role: Role) -> None:
        self.session = session
        self.account = account
        self.role = role

    @property
    def is_staff(self) -> bool:
        return may(self.role, Action.ACKNOWLEDGE_EMERGENCY)

    def _of_the_city(self, row: Dossier) -> bool:
        return self.account.city_id is not None and row.city_id == self.account.city_id

    async def _row(self, dossier_id: int) -> Dossier | None:
        row = await self.session.get(Dossier, dossier_id)
        if row is None or row.form != EMERGENCY_FORM.key:
            return None
        if self._of_the_city(row) or (self.is_staff and row.status != EmergencyStatus.DRAFT):
            return row
        return None

    async def _emergency(self, row: Dossier) -> Emergency:
        city = await self.session.get(City, row.city_id)
        sender = await self.session.get(Account, row.created_by)
        assert sender is not None
        acknowledged_by = decided_by = decision_note = None
        for change in await history(self.session, row.id):
            who = await self.session.get(Account, change.by_user)
            name = person_of(who).name if who else str(change.by_user)
            if change.to_status == EmergencyStatus.ACKNOWLEDGED:
                acknowledged_by = name
            if change.to_status in (EmergencyStatus.APPROVED, EmergencyStatus.REJECTED):
                decided_by, decision_note = name, change.reason
        proposal = None
        if (p := await cards.last_proposal(self.session, row.id)) is not None:
            author = await self.session.get(Account, p.by_user)
            proposal = Proposal(
                Decimal(p.amount),
                p.currency,
                p.phase,
                p.purpose,
                person_of(author).name if author else str(p.by_user),
            )
        officials = [person_of(a) for a in await people.officials(self.session, row.city_id)]
        return Emergency(
            record=record_of(row, await attachments(self.session, row.id)),
            city_id=row.city_id,
            city=city.name if city else "",
            country=city.country if city else "",
            sender=person_of(sender),
            acknowledged_by=acknowledged_by,
            officials=officials,
            proposal=proposal,
            decided_by=decided_by,
            decision_note=decision_note,
        )

    async def get(self, dossier_id: int) -> Emergency | None:
        row = await self._row(dossier_id)
        return await self._emergency(row) if row is not None else None

    async def _write(self, row: Dossier, messages: list[Outgoing]) -> None:
        """To the outbox; the alert cards' rows are kept, and later cards are edits of them."""
        known = {c.chat_id: c.outbox_id for c in await cards.cards(self.session, row.id)}
        for m in messages:
            priority = URGENT if m.urgent else 0
            if m.card and m.chat_id in known:
                await enqueue_edit(self.session, known[m.chat_id], m.text, m.markup)
            elif m.location is not None:
                enqueue_location(self.session, m.chat_id, *m.location, priority=priority)
            elif m.file_id is not None:
                enqueue_document(
                    self.session,
                    m.chat_id,
                    file_id=m.file_id,
                    file_name=m.file_name,
                    caption=m.text,
                    priority=priority,
                )
            else:
                message = enqueue(self.session, m.chat_id, m.text, m.markup, priority=priority)
                if m.card:
                    await self.session.flush()
                    cards.add_card(self.session, row.id, m.chat_id, message.id)

    async def send(self, record: Record, today: date, render: Render) -> Emergency | None:
        """The report gets its FU reference and status "reported"; its alert is written to the
        outbox, urgent, in the same transaction. None if it is not the city's or not ready."""
        row = await self.session.get(Dossier, record.id)
        if row is None or row.form != EMERGENCY_FORM.key or not self._of_the_city(row):
            return None
        if find_emergency_move(row.status, "send", self.role, True) is None:
            return None
        if not ready_to_send(row.answers or {}):
            return None
        row.reference = await next_reference(self.session, REFERENCE_PREFIX, today.year)
        await change_status(self.session, row, EmergencyStatus.REPORTED, self.account.telegram_id)
        row.submitted_at = utcnow()
        row.submitted_answers = dict(row.answers)
        if self.account.active_dossier_id == row.id:
            self.account.active_dossier_id = None
        await self.session.flush()
        emergency = await self._emergency(row)
        await self._write(row, render(emergency))
        await self.session.commit()
        return emergency

    async def acknowledge(self, dossier_id: int, render: Render) -> Emergency | None:
        """Staff with the right take the alert in hand; None if refused (right or status)."""
        row = await self._row(dossier_id)
        if row is None or not self.is_staff:
            return None
        if find_emergency_move(row.status, "ack", self.role, False) is None:
            return None
        await change_status(
            self.session, row, EmergencyStatus.ACKNOWLEDGED, self.account.telegram_id
        )
        row.updated_at = utcnow()
        await self.session.flush()
        emergency = await self._emergency(row)
        await self._write(row, render(emergency))
        await self.session.commit()
        return emergency

    async def message(self, dossier_id: int, text: str, render: Render) -> Emergency | None:
        """A question from staff to the city, or the city's answer: kept on the emergency, and
        sent to the other side (`render` says to whom)."""
        row = await self._row(dossier_id)
        if row is None or row.status == EmergencyStatus.DRAFT:
            return None
        staff = self.is_staff and not self._of_the_city(row)
        self.session.add(
            DossierMessage(
                dossier_id=row.id, author_id=self.account.telegram_id, from_staff=staff, text=text
            )
        )
        emergency = await self._emergency(row)
        await self._write(row, render(emergency))
        await self.session.commit()
        return emergency

    async def _take(self, dossier_id: int, key: str, note: str | None = None) -> Dossier | None:
        """The row, if this person may take the move `key` on it now (the table says who)."""
        row = await self._row(dossier_id)
        if row is None or find_emergency_move(row.status, key, self.role, False) is None:
            return None
        move = find_emergency_move(row.status, key, self.role, False)
        assert move is not None
        await change_status(self.session, row, move.target, self.account.telegram_id, note)
        row.updated_at = utcnow()
        return row

    async def _row_for_staff(self, dossier_id: int) -> Dossier | None:
        row = await self.session.get(Dossier, dossier_id)
        if row is None or row.form != EMERGENCY_FORM.key or row.status == EmergencyStatus.DRAFT:
            return None
        return row

    async def propose(
        self,
        dossier_id: int,
        amount: Decimal,
        currency: str,
        phase: str,
        purpose: str,
        render: Render,
    ) -> Emergency | None:
        """A proposal of aid (secretariat or commission); None if refused or incomplete."""
        if amount <= 0 or currency not in CURRENCIES or phase not in {c.value for c in PHASES}:
            return None
        if not purpose or not may(self.role, Action.PROPOSE_EMERGENCY_AID):
            return None
        row = await self._take(dossier_id, "propose", purpose)
        if row is None:
            return None
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
        await self.session.flush()
        emergency = await self._emergency(row)
        await self._write(row, render(emergency))
        await self.session.commit()
        return emergency

    async def decide(
        self, dossier_id: int, key: str, reason: str | None, render: Render
    ) -> Emergency | None:
        """The Presidency approves the proposal, or rejects it with a reason."""
        if not may(self.role, Action.DECIDE_EMERGENCY_AID) or key not in ("approve", "reject"):
            return None
        if key == "reject" and not reason:
            return None
        if await self._row_for_staff(dossier_id) is None:
            return None
        row = await self.session.get(Dossier, dossier_id)
        assert row is not None
        move = find_emergency_move(row.status, key, self.role, False)
        if move is None:
            return None
        await change_status(self.session, row, move.target, self.account.telegram_id, reason)
        proposal = await cards.last_proposal(self.session, row.id)
        if key == "approve" and proposal is not None:
            row.granted_amount = f"{proposal.amount} {proposal.currency}"
        row.updated_at = utcnow()
        await self.session.flush()
        emergency = await self._emergency(row)
        await self._write(row, render(emergency))
        await self.session.commit()
        return emergency

    async def may_decide(self, dossier_id: int) -> Emergency | None:
        """The emergency, for someone of the Presidency (who is not staff of the alert chats)."""
        if not may(self.role, Action.DECIDE_EMERGENCY_AID):
            return None
        row = await self._row_for_staff(dossier_id)
        return await self._emergency(row) if row is not None else None

    async def listed(self) -> list[Emergency] | None:
        """Emergencies not closed, the latest first (staff and the Presidency); None if refused."""
        if not (self.is_staff or may(self.role, Action.DECIDE_EMERGENCY_AID)):
            return None
        rows = await cards.emergencies(self.session, EMERGENCY_FORM.key, list(OPEN))
        return [
            Emergency(record_of(row), row.city_id, city.name, city.country, self._nobody)
            for row, city in rows
        ]

    @property
    def _nobody(self) -> Person:
        return Person(0, "", None, {}, None)
