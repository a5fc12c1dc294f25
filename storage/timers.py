"""Timers: things to do at a moment, as rows, so a restart neither skips nor repeats one.

A timer is planned by its key (`plan`: INSERT … ON CONFLICT DO NOTHING, so planning again is
harmless, from any number of processes), claimed when due (`claim_due`: one UPDATE … RETURNING
whose subquery is `FOR UPDATE SKIP LOCKED` on PostgreSQL; on SQLite the single writer makes the
statement atomic), and finished (`finish`) in the transaction that writes what it causes, only by
the claimer that still holds it. A claimer that died leaves a lease that runs out: another worker
then does the timer, and since its messages and its `done_at` are one transaction, nothing was
written twice. A timer is done late rather than never: a due row stays due until it is finished.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from storage.leases import is_gone
from storage.models import Timer
from storage.types import utcnow

# Longer than doing one timer takes: a lease runs out only when its worker died.
LEASE = timedelta(minutes=5)
CHUNK = 500  # keys per statement (drivers limit the parameters of one statement)


@dataclass(frozen=True)
class Planned:
    key: str
    kind: str
    due_at: datetime
    payload: dict[str, Any] | None = None


def _pending() -> Any:
    return Timer.done_at.is_(None)


def _free(now: datetime) -> Any:
    return Timer.claimed_until.is_(None) | (Timer.claimed_until <= now)


async def plan(session: AsyncSession, timers: Iterable[Planned]) -> int:
    """Add the timers whose key is new (the others, done or not, are left as they are); returns
    how many were added. In the caller's transaction."""
    rows = {t.key: t for t in timers}
    if not rows:
        return 0
    keys, known = list(rows), set()
    for start in range(0, len(keys), CHUNK):
        chunk = keys[start : start + CHUNK]
        known |= set(await session.scalars(select(Timer.key).where(Timer.key.in_(chunk))))
    values = [
        {
            "key": t.key,
            "kind": t.kind,
            "due_at": t.due_at,
            "payload": t.payload,
            "attempts": 0,
            "created_at": utcnow(),
        }
        for key, t in rows.items()
        if key not in known
    ]
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    added = 0
    for start in range(0, len(values), CHUNK):
        statement = insert(Timer).values(values[start : start + CHUNK])
        result = await session.execute(statement.on_conflict_do_nothing(index_elements=["key"]))
        added += max(result.rowcount or 0, 0)
    return added


async def claim_due(
    session: AsyncSession,
    now: datetime,
    claimer: str,
    *,
    limit: int = 50,
    lease: timedelta = LEASE,
    kinds: Iterable[str] | None = None,
) -> list[Timer]:
    """Lease up to `limit` due timers (oldest first) nobody holds, for `claimer`, and commit the
    lease. Two workers never get the same row while a lease holds."""
    due = (
        select(Timer.key)
        .where(_pending(), Timer.due_at <= now, _free(now))
        .order_by(Timer.due_at, Timer.key)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    if kinds is not None:
        due = due.where(Timer.kind.in_(list(kinds)))
    claimed = list(
        await session.scalars(
            update(Timer)
            .where(Timer.key.in_(due.scalar_subquery()), _pending(), _free(now))
            .values(claimed_until=now + lease, claimed_by=claimer)
            .returning(Timer.key)
            .execution_options(synchronize_session=False)
        )
    )
    await session.commit()
    if not claimed:
        return []
    rows = await session.scalars(
        select(Timer).where(Timer.key.in_(claimed)).order_by(Timer.due_at, Timer.key)
    )
    return list(rows)


async def finish(
    session: AsyncSession, key: str, claimer: str, now: datetime, outcome: str
) -> bool:
    """Mark the timer done, if `claimer` still holds it and nobody finished it; False otherwise
    (then the caller rolls back what it wrote). In the caller's transaction; on PostgreSQL this
    locks the row until that transaction ends, so a second finisher waits and then finds it done."""
    result = await session.execute(
        update(Timer)
        .where(Timer.key == key, _pending(), Timer.claimed_by == claimer)
        .values(done_at=now, outcome=outcome[:200], claimed_until=None, attempts=Timer.attempts + 1)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


async def retry_later(
    session: AsyncSession, key: str, claimer: str, due_at: datetime, error: str
) -> None:
    """Doing it failed: give it back, due again at `due_at`."""
    await session.execute(
        update(Timer)
        .where(Timer.key == key, _pending(), Timer.claimed_by == claimer)
        .values(
            due_at=due_at,
            claimed_until=None,
            claimed_by=None,
            attempts=Timer.attempts + 1,
            last_error=error[:1000],
        )
        .execution_options(synchronize_session=False)
    )


async def release(session: AsyncSession, keys: list[str], claimer: str) -> None:
    """Give back timers claimed and not done (the worker is stopping)."""
    if keys:
        await session.execute(
            update(Timer)
            .where(Timer.key.in_(keys), _pending(), Timer.claimed_by == claimer)
            .values(claimed_until=None, claimed_by=None)
            .execution_options(synchronize_session=False)
        )


async def take_back(session: AsyncSession, now: datetime) -> int:
    """Free the timers leased by a process that is gone (storage/leases.py): done now, not when
    the lease runs out. How many."""
    holders = await session.scalars(
        select(Timer.claimed_by)
        .where(_pending(), Timer.claimed_until > now, Timer.claimed_by.is_not(None))
        .distinct()
    )
    gone = [holder for holder in holders if is_gone(holder)]
    if not gone:
        return 0
    result = await session.execute(
        update(Timer)
        .where(_pending(), Timer.claimed_by.in_(gone))
        .values(claimed_until=None, claimed_by=None)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0


async def next_change(session: AsyncSession, now: datetime) -> datetime | None:
    """The next time a timer becomes due or a lease runs out (after `now`)."""
    due = await session.scalar(select(func.min(Timer.due_at)).where(_pending(), Timer.due_at > now))
    lease = await session.scalar(
        select(func.min(Timer.claimed_until)).where(_pending(), Timer.claimed_until > now)
    )
    times = [t for t in (due, lease) if t is not None]
    return min(times) if times else None


async def get(session: AsyncSession, key: str) -> Timer | None:
    return await session.get(Timer, key)


async def of_kind(session: AsyncSession, kind: str) -> list[Timer]:
    rows = await session.scalars(
        select(Timer).where(Timer.kind == kind).order_by(Timer.due_at, Timer.key)
    )
    return list(rows)
