"""People and cities."""

from datetime import datetime

from sqlalchemy import exists, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased
from sqlalchemy.orm.attributes import set_committed_value

from bot.domain.people import Verification
from bot.domain.roles import Role
from bot.domain.text import one_line
from storage.models import Account, City
from storage.types import utcnow
from storage.updates import record_before_core_write

PROFILE_COLUMNS = ("city_name", "country", "full_name", "function", "phone", "email")


def new_account(session: AsyncSession, telegram_id: int, first_name: str) -> Account:
    """A person's account; their Telegram first name without bidirectional controls or blanks
    (it is shown to staff when they give no full name)."""
    account = Account(telegram_id=telegram_id, first_name=one_line(first_name)[:200])
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


async def set_role(
    session: AsyncSession, account: Account, from_role: str, to_role: str, *, keep_an_admin: bool
) -> bool:
    """Compare-and-set of a person's role: changed only if it still is `from_role` (the role the
    change was taken from); False otherwise, and nothing written. `keep_an_admin` (the role taken
    away is admin and no ADMIN_IDS stands behind): refused too when no other stored admin would
    be left. One UPDATE, atomic under SQLite's single writer; on PostgreSQL the admins' rows are
    locked first, in one order, so two admins demoting each other at once take turns and the
    second finds itself the last. The caller commits."""
    await record_before_core_write(session)
    condition = [Account.telegram_id == account.telegram_id, Account.role == from_role]
    if keep_an_admin:
        if session.get_bind().dialect.name == "postgresql":
            await session.execute(
                select(Account.telegram_id)
                .where(Account.role == Role.ADMIN)
                .order_by(Account.telegram_id)
                .with_for_update()
            )
        other = aliased(Account)
        condition.append(
            exists().where(other.role == Role.ADMIN, other.telegram_id != account.telegram_id)
        )
    result = await session.execute(
        update(Account)
        .where(*condition)
        .values(role=to_role)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        return False
    set_committed_value(account, "role", to_role)
    return True


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
