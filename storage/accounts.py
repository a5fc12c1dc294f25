"""People and cities."""

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.countries import fold
from storage.models import Account, City

PROFILE_FIELDS = ("city_name", "country", "full_name", "function", "phone", "email")


def new_account(session: AsyncSession, telegram_id: int, first_name: str) -> Account:
    account = Account(telegram_id=telegram_id, first_name=first_name[:200])
    session.add(account)
    return account


def missing_profile_fields(account: Account) -> list[str]:
    return [name for name in PROFILE_FIELDS if not getattr(account, name)]


async def link_city(session: AsyncSession, account: Account) -> None:
    """Tie the person to their city (found or created) once both name and country are known."""
    if not account.city_name or not account.country:
        account.city_id = None
        return
    key = fold(account.city_name)
    city = await session.scalar(
        select(City).where(City.name_key == key, City.country == account.country)
    )
    if city is None:
        city = City(name=account.city_name, name_key=key, country=account.country)
        session.add(city)
        await session.flush()
    account.city_id = city.id
