"""Queries of the Secretariat's review: the queue, a dossier's history and messages, Bureau
sessions. (Who is told about a city's records: storage/people.py.)"""

from collections.abc import Sequence
from datetime import date

from sqlalchemy import Select, func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.forms import AnswerRole
from bot.domain.fund_form import FUND_FORM
from storage.models import (
    Account,
    BureauSession,
    City,
    Dossier,
    DossierMessage,
    StatusChange,
)
from storage.types import utcnow
from storage.updates import record_before_core_write

# The queue holds the Fund's dossiers: its filters read the answers that play these roles.
SECTOR = FUND_FORM.key_of(AnswerRole.SECTOR)
CURRENCY = FUND_FORM.key_of(AnswerRole.CURRENCY)


def _queue(
    statuses: Sequence[str],
    country: str | None,
    sector: str | None,
    session_id: int | None,
    unverified: bool,
    currency: str | None = None,
) -> Select:
    query = (
        select(Dossier, City, Account)
        .join(City, City.id == Dossier.city_id)
        .join(Account, Account.telegram_id == Dossier.created_by)
        .where(Dossier.status.in_(statuses))
    )
    return queue_filters(query, country, sector, session_id, unverified, currency)


def queue_filters(
    query: Select,
    country: str | None,
    sector: str | None,
    session_id: int | None,
    unverified: bool,
    currency: str | None = None,
) -> Select:
    """The queue's filters on a query that joins the dossier's city and sender."""
    if country:
        query = query.where(City.country == country)
    if sector:
        query = query.where(Dossier.answers[SECTOR].as_string() == sector)
    if currency:
        query = query.where(Dossier.answers[CURRENCY].as_string() == currency)
    if session_id is not None:
        query = query.where(Dossier.session_id == session_id)
    if unverified:
        query = query.where(Account.verification != "verified")
    return query


async def queue(
    session: AsyncSession,
    statuses: Sequence[str],
    *,
    country: str | None = None,
    sector: str | None = None,
    session_id: int | None = None,
    unverified: bool = False,
    currency: str | None = None,
    offset: int = 0,
    limit: int = 10,
) -> tuple[list[tuple[Dossier, City, Account]], int]:
    """Dossiers in `statuses`, oldest submission first, one page, and how many in all."""
    query = _queue(statuses, country, sector, session_id, unverified, currency)
    total = await session.scalar(select(func.count()).select_from(query.subquery()))
    page = query.order_by(Dossier.submitted_at, Dossier.id).offset(offset).limit(limit)
    rows = (await session.execute(page)).all()
    return [(row[0], row[1], row[2]) for row in rows], int(total or 0)


async def by_reference(session: AsyncSession, reference: str) -> Dossier | None:
    return await session.scalar(select(Dossier).where(Dossier.reference == reference))


async def by_topic(session: AsyncSession, topic_id: int) -> Dossier | None:
    """The dossier whose forum topic (in the Secretariat's chat) this is."""
    return await session.scalar(select(Dossier).where(Dossier.topic_id == topic_id).limit(1))


async def history(session: AsyncSession, dossier_id: int) -> list[StatusChange]:
    rows = await session.scalars(
        select(StatusChange)
        .where(StatusChange.dossier_id == dossier_id)
        .order_by(StatusChange.at, StatusChange.id)
    )
    return list(rows)


async def thread(session: AsyncSession, dossier_id: int) -> list[DossierMessage]:
    rows = await session.scalars(
        select(DossierMessage)
        .where(DossierMessage.dossier_id == dossier_id)
        .order_by(DossierMessage.at, DossierMessage.id)
    )
    return list(rows)


async def bureau_sessions(session: AsyncSession, since: date | None = None) -> list[BureauSession]:
    query = select(BureauSession).order_by(BureauSession.held_on)
    if since is not None:
        query = query.where(BureauSession.held_on >= since)
    return list(await session.scalars(query))


async def add_bureau_session(
    session: AsyncSession, held_on: date, deadline: date, place: str
) -> BureauSession | None:
    """A new Bureau session, or None if there is one on that date already: the date is unique
    and the row goes in with ON CONFLICT DO NOTHING, so of two people adding the same date at
    once one adds it and the other is told it exists. The caller commits."""
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    await record_before_core_write(session)
    added = await session.scalar(
        insert(BureauSession)
        .values(held_on=held_on, deadline=deadline, place=place, created_at=utcnow())
        .on_conflict_do_nothing(index_elements=["held_on"])
        .returning(BureauSession.id)
    )
    return None if added is None else await session.get(BureauSession, added)
