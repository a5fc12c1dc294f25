"""People and cities."""

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.text import one_line
from storage.models import Account, City

PROFILE_COLUMNS = ("city_name", "country", "full_name", "function", "phone", "email")


def new_account(session: AsyncSession, telegram_id: int, first_name: str) -> Account:
    """A person's account; their Telegram first name without bidirectional controls or blanks
    (it is shown to staff when they give no full name)."""
    account = Account(telegram_id=telegram_id, first_name=one_line(first_name)[:200])
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


async def staff_accounts(
    session: AsyncSession, roles: frozenset[str], ids: tuple[int, ...]
) -> list[Account]:
    """People with one of `roles` stored, and the accounts of `ids` (ADMIN_IDS)."""
    condition = Account.role.in_(sorted(roles))
    if ids:
        condition = condition | Account.telegram_id.in_(ids)
    return list(
        await session.scalars(select(Account).where(condition).order_by(Account.telegram_id))
    )


async def pending_registrations(session: AsyncSession, limit: int) -> list[Account]:
    """Registrations the Secretariat has not decided yet, oldest first."""
    result = await session.scalars(
        select(Account)
        .where(Account.verification == "pending", Account.registered_at.is_not(None))
        .order_by(Account.registered_at)
        .limit(limit)
    )
    return list(result)
