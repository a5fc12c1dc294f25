"""Member cities: the Secretariat's list and the cities registrations named."""

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Account, City


async def listed_cities(session: AsyncSession) -> list[City]:
    result = await session.scalars(select(City).where(City.listed).order_by(City.name_key))
    return list(result)


async def all_cities(session: AsyncSession) -> list[City]:
    return list(await session.scalars(select(City)))


async def count_listed(session: AsyncSession) -> int:
    return int(await session.scalar(select(func.count()).select_from(City).where(City.listed)) or 0)


async def listed_page(session: AsyncSession, offset: int, limit: int) -> list[City]:
    rows = await session.scalars(
        select(City)
        .where(City.listed)
        .order_by(City.name_key, City.country, City.id)
        .offset(offset)
        .limit(limit)
    )
    return list(rows)


async def city_with_key(session: AsyncSession, name_key: str, country: str) -> City | None:
    return await session.scalar(
        select(City).where(City.name_key == name_key, City.country == country)
    )


async def rename_for_officials(session: AsyncSession, city: City) -> None:
    """The officials tied to a city see its current name and country in their profile."""
    await session.execute(
        update(Account)
        .where(Account.city_id == city.id)
        .values(city_name=city.name, country=city.country)
    )
