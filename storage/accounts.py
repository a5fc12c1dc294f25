"""People and cities."""

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Account, City

PROFILE_COLUMNS = ("city_name", "country", "full_name", "function", "phone", "email")


def new_account(session: AsyncSession, telegram_id: int, first_name: str) -> Account:
    account = Account(telegram_id=telegram_id, first_name=first_name[:200])
    session.add(account)
    return account


async def city_for(session: AsyncSession, name: str, name_key: str, country: str) -> City:
    """The city with this folded name in this country, created if it is new."""
    city = await session.scalar(
        select(City).where(City.name_key == name_key, City.country == country)
    )
    if city is None:
        city = City(name=name, name_key=name_key, country=country)
        session.add(city)
        await session.flush()
    return city
