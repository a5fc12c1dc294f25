"""Queries of the spreadsheets, the agenda and the charts: dossiers with their city, sender,
Bureau session and the moments of their status changes, in one statement; a session's budget."""

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.access import Reach
from storage.dossiers import reachable
from storage.models import Account, BureauSession, City, Dossier, StatusChange
from storage.review import queue_filters

DECIDED = ("approved", "rejected")
Row = tuple[Dossier, City, Account, BureauSession | None, datetime | None, datetime | None]


async def dossier_rows(
    session: AsyncSession,
    *,
    form: str = "fund",
    statuses: Sequence[str] | None = None,
    exclude: Sequence[str] = (),
    scope: Reach | None = None,
    country: str | None = None,
    sector: str | None = None,
    session_id: int | None = None,
    unverified: bool = False,
    currency: str | None = None,
) -> list[Row]:
    """Dossiers of `form` (filtered as the queue is), oldest submission first, each with its
    city, sender, Bureau session, last status change and the Bureau's decision (when)."""
    # Per dossier, through the index on status_changes.dossier_id: the other dossiers' history
    # (years of it) is not read, even when only the queue's few dossiers are wanted.
    changes = select(func.max(StatusChange.at)).where(StatusChange.dossier_id == Dossier.id)
    changed_at = changes.scalar_subquery()
    decided_at = changes.where(StatusChange.to_status.in_(DECIDED)).scalar_subquery()
    query = (
        select(Dossier, City, Account, BureauSession, changed_at, decided_at)
        .join(City, City.id == Dossier.city_id)
        .join(Account, Account.telegram_id == Dossier.created_by)
        .outerjoin(BureauSession, BureauSession.id == Dossier.session_id)
        .where(Dossier.form == form)
    )
    if statuses is not None:
        query = query.where(Dossier.status.in_(list(statuses)))
    if exclude:
        query = query.where(Dossier.status.not_in(list(exclude)))
    if scope is not None:  # a city's records, as far as the asker reaches them
        query = query.where(reachable(scope))
    query = queue_filters(query, country, sector, session_id, unverified, currency)
    query = query.order_by(Dossier.submitted_at.asc().nulls_last(), Dossier.id)  # drafts last
    rows = await session.execute(query)
    return [(d, c, a, s, changed, decided) for d, c, a, s, changed, decided in rows]


async def bureau_session(session: AsyncSession, session_id: int) -> BureauSession | None:
    return await session.get(BureauSession, session_id)
