"""Queries of the reminders and the digest: drafts, dossiers waiting and since when, staff."""

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Account, City, Dossier, StatusChange


async def draft_ids(session: AsyncSession, status: str = "draft", form: str = "fund") -> list[int]:
    """Drafts of the Fund's form (an emergency report or a situation report has no deadline)."""
    query = select(Dossier.id).where(Dossier.status == status, Dossier.form == form)
    return list(await session.scalars(query))


async def waiting(
    session: AsyncSession, statuses: Sequence[str]
) -> list[tuple[Dossier, str, datetime | None]]:
    """Dossiers in `statuses` with their city's name and when they last changed status (their
    submission when no change is recorded)."""
    last_change = (
        select(func.max(StatusChange.at))
        .where(StatusChange.dossier_id == Dossier.id)
        .scalar_subquery()
    )
    rows = await session.execute(
        select(Dossier, City.name, last_change)
        .join(City, City.id == Dossier.city_id)
        .where(Dossier.status.in_(list(statuses)))
        .order_by(Dossier.id)
    )
    return [(dossier, city, changed or dossier.submitted_at) for dossier, city, changed in rows]


async def staff(
    session: AsyncSession, roles: Sequence[str], admin_ids: Sequence[int]
) -> list[Account]:
    """Accounts with one of `roles`, or one of `admin_ids` (who may have no account yet)."""
    condition = Account.role.in_(list(roles))
    if admin_ids:
        condition = or_(condition, Account.telegram_id.in_(list(admin_ids)))
    rows = await session.scalars(select(Account).where(condition).order_by(Account.telegram_id))
    return list(rows)
