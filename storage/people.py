"""Queries about people: accounts by id, a city's officials, and who is told about a city's
records."""

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain import access
from storage.models import Account


async def accounts(session: AsyncSession, ids: set[int]) -> dict[int, Account]:
    if not ids:
        return {}
    rows = await session.scalars(select(Account).where(Account.telegram_id.in_(ids)))
    return {a.telegram_id: a for a in rows}


async def officials(session: AsyncSession, city_id: int) -> list[Account]:
    """Every account tied to this city, verified or not (who is told what: `audience`)."""
    rows = await session.scalars(
        select(Account).where(Account.city_id == city_id).order_by(Account.telegram_id)
    )
    return list(rows)


async def audience(session: AsyncSession, city_id: int, created_by: int) -> list[Account]:
    """Who is told about a record of this city (status notices, reminders, the Secretariat's
    messages, an emergency's news): its verified officials, and its author while unverified
    (bot/domain/access.py). Every notice path asks this."""
    return access.audience(await officials(session, city_id), city_id, created_by)


async def has_verified_official(session: AsyncSession, city_id: int) -> bool:
    """Whether someone reaches the whole city already (a verified official)."""
    found = (access.reach(a) for a in await officials(session, city_id))
    return any(r is not None and r.whole_city for r in found)
