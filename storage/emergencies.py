"""Emergency alert cards: the outbox row of each chat's card, for edits in place."""

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import City, Dossier, EmergencyCard, EmergencyProposal


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


async def emergencies(
    session: AsyncSession, form: str, statuses: list[str], limit: int = 30
) -> list[tuple[Dossier, City]]:
    """Sent emergencies in these statuses, the latest first, with their city."""
    rows = await session.execute(
        select(Dossier, City)
        .join(City, City.id == Dossier.city_id)
        .where(Dossier.form == form, Dossier.status.in_(statuses))
        .order_by(Dossier.submitted_at.desc(), Dossier.id.desc())
        .limit(limit)
    )
    return [(row, city) for row, city in rows.all()]


async def count_in(session: AsyncSession, form: str, statuses: list[str]) -> int:
    """How many records of the form are in these statuses (for the metrics)."""
    query = select(func.count()).where(Dossier.form == form, Dossier.status.in_(statuses))
    return int(await session.scalar(query) or 0)
