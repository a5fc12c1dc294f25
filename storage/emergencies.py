"""Emergencies: the proposals, the situation reports, and the emergency's timers (escalation,
situation report requests). Its alert cards are outbox rows (storage/outbox.py `post`)."""

from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Account, City, Dossier, EmergencyProposal, Timer


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


async def cancel_timers(session: AsyncSession, prefix: str, now: datetime, outcome: str) -> None:
    """Timers of an emergency not yet done (`escalation:12:`) are done now, with nothing sent:
    a claimer that holds one finds it done and writes nothing (storage.timers.finish)."""
    await session.execute(
        update(Timer)
        .where(Timer.key.startswith(prefix, autoescape=True), Timer.done_at.is_(None))
        .values(done_at=now, outcome=outcome[:200], claimed_until=None)
        .execution_options(synchronize_session=False)
    )


async def timers_done(session: AsyncSession, prefix: str) -> list[Timer]:
    """Timers of an emergency done with something sent (escalation rounds), oldest first."""
    rows = await session.scalars(
        select(Timer)
        .where(Timer.key.startswith(prefix, autoescape=True), Timer.done_at.is_not(None))
        .where(Timer.outcome.startswith("sent"))
        .order_by(Timer.done_at)
    )
    return list(rows)


async def sitreps(session: AsyncSession, parent_id: int, status: str) -> list[Dossier]:
    """The situation reports of an emergency in this status, oldest first."""
    rows = await session.scalars(
        select(Dossier)
        .where(Dossier.parent_id == parent_id, Dossier.status == status)
        .order_by(Dossier.submitted_at, Dossier.id)
    )
    return list(rows)


async def open_report_to_merge(
    session: AsyncSession,
    form: str,
    statuses: list[str],
    created_by: int,
    city_id: int,
    since: datetime,
) -> Dossier | None:
    """The open emergency a new report of this account would repeat: one it sent itself, or one
    of its city reported since `since`; the latest."""
    condition = (Dossier.created_by == created_by) | (
        (Dossier.city_id == city_id) & (Dossier.submitted_at >= since)
    )
    return await session.scalar(
        select(Dossier)
        .where(Dossier.form == form, Dossier.status.in_(statuses), condition)
        .order_by(Dossier.submitted_at.desc(), Dossier.id.desc())
        .limit(1)
    )


async def accounts(session: AsyncSession, ids: list[int]) -> list[Account]:
    if not ids:
        return []
    rows = await session.scalars(select(Account).where(Account.telegram_id.in_(ids)))
    return list(rows)
