"""People and cities."""

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.people import Verification
from storage.models import Account, City
from storage.updates import record_before_core_write

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


async def decide_registration(
    session: AsyncSession,
    telegram_id: int,
    city_id: int,
    verification: str,
    by: int,
    at: datetime,
    reason: str | None = None,
) -> bool:
    """Verify or refuse a registration only if it is still pending and still the one for
    `city_id` (the city its card showed): one compare-and-set, `UPDATE … WHERE verification =
    'pending'`. Of two decisions taken at once, one matches and the other finds nothing to
    change (PostgreSQL: the second waits for the first's row lock, then reads the committed row;
    SQLite: one writer at a time). True if this one was recorded; the loaded row is refreshed
    either way. The transaction is the caller's to commit."""
    await record_before_core_write(session)
    decided = await session.scalar(
        update(Account)
        .where(
            Account.telegram_id == telegram_id,
            Account.verification == Verification.PENDING,
            Account.registered_at.is_not(None),
            Account.city_id == city_id,
        )
        .values(
            verification=verification,
            verified_by=by,
            verified_at=at,
            refusal_reason=reason,
            updated_at=at,
        )
        .returning(Account.telegram_id)
        .execution_options(synchronize_session=False)
    )
    await session.get(Account, telegram_id, populate_existing=True)
    return decided is not None
