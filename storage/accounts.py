"""People and cities."""

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Account, City
from storage.types import utcnow

PROFILE_COLUMNS = ("city_name", "country", "full_name", "function", "phone", "email")


def new_account(session: AsyncSession, telegram_id: int, first_name: str) -> Account:
    account = Account(telegram_id=telegram_id, first_name=first_name[:200])
    session.add(account)
    return account


async def city_for(session: AsyncSession, name: str, name_key: str, country: str) -> City:
    """The city with this folded name in this country, created if it is new (by whoever comes
    first: people of one new city registering at the same moment all get that one row)."""
    found = select(City).where(City.name_key == name_key, City.country == country)
    city = await session.scalar(found)
    if city is None:
        dialect = session.get_bind().dialect.name
        insert = pg_insert if dialect == "postgresql" else sqlite_insert
        values = {"name": name, "name_key": name_key, "country": country, "created_at": utcnow()}
        await session.execute(insert(City).values(values).on_conflict_do_nothing())
        city = await session.scalar(found)
        assert city is not None
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
