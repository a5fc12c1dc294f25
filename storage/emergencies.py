"""Emergency alert cards: the outbox row of each chat's card, for edits in place."""

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import EmergencyCard, EmergencyProposal


async def cards(session: AsyncSession, dossier_id: int) -> list[EmergencyCard]:
    rows = await session.scalars(
        select(EmergencyCard)
        .where(EmergencyCard.dossier_id == dossier_id)
        .order_by(EmergencyCard.id)
    )
    return list(rows)


def add_card(session: AsyncSession, dossier_id: int, chat_id: int, outbox_id: int) -> None:
    session.add(EmergencyCard(dossier_id=dossier_id, chat_id=chat_id, outbox_id=outbox_id))


async def last_proposal(session: AsyncSession, dossier_id: int) -> EmergencyProposal | None:
    return await session.scalar(
        select(EmergencyProposal)
        .where(EmergencyProposal.dossier_id == dossier_id)
        .order_by(EmergencyProposal.id.desc())
        .limit(1)
    )
