"""The scheduler's timers on SQLite and PostgreSQL: planned idempotently, done once even by two
schedulers at once, a dead claimer's lease taken over without a second message, failures retried
then given up; the loop sleeps until the next timer on an injected clock. And the reminders' rules
and settings, as pure functions."""

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.workers.scheduler import Done, Scheduler
from storage import timers
from storage.models import OutboxMessage, Timer
from storage.outbox import enqueue

NOW = datetime(2027, 1, 30, 8, 0, tzinfo=UTC)
# What does not depend on the database runs on SQLite only (the suite's time is counted).
sqlite_only = pytest.mark.parametrize("engine", ["sqlite"], indirect=True)


class Echo:
    """A job with `count` timers due at `due`, each writing one message."""

    kind = "echo"

    def __init__(self, count: int, due: datetime = NOW, fail: bool = False) -> None:
        self.count, self.due, self.fail = count, due, fail

    async def plan(self, session: AsyncSession, now: datetime) -> None:
        await timers.plan(
            session,
            [timers.Planned(f"echo:{n}", "echo", self.due, {"chat": n}) for n in range(self.count)],
        )

    async def run(self, session: AsyncSession, timer: Timer, now: datetime) -> Done:
        await asyncio.sleep(0)  # let another scheduler interleave
        if self.fail:
            raise RuntimeError("boom")
        enqueue(session, 100 + timer.payload["chat"], f"for {timer.key}")
        return Done("sent 1", 1)

    def next_planning(self, now: datetime) -> datetime | None:
        return None


async def outbox_texts(sessions: async_sessionmaker[AsyncSession]) -> list[str]:
    async with sessions() as session:
        return list(await session.scalars(select(OutboxMessage.text).order_by(OutboxMessage.id)))


async def test_two_schedulers_at_once_do_each_timer_once(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    woken = []
    first = Scheduler(sessions, [Echo(30)], on_messages=lambda: woken.append(1), batch=7)
    second = Scheduler(sessions, [Echo(30)], on_messages=lambda: woken.append(2), batch=7)
    done = await asyncio.gather(first.run_once(NOW), second.run_once(NOW))
    assert sum(done) == 30
    texts = await outbox_texts(sessions)
    assert sorted(texts) == sorted(f"for echo:{n}" for n in range(30))
    assert woken
    # Planned again, run again, a new scheduler after a "restart": nothing more.
    assert await Scheduler(sessions, [Echo(30)]).run_once(NOW + timedelta(hours=1)) == 0
    assert len(await outbox_texts(sessions)) == 30
    async with sessions() as session:
        assert await session.scalar(select(func.count()).select_from(Timer)) == 30


async def test_a_dead_claimers_timer_is_done_by_another_once(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions() as session:
        await Echo(1).plan(session, NOW)
        await session.commit()
        [claimed] = await timers.claim_due(session, NOW, "dead")
    # While the lease holds nobody else gets it; once it ran out, another scheduler does it.
    assert await Scheduler(sessions, [Echo(1)]).run_once(NOW + timedelta(minutes=1)) == 0
    assert await Scheduler(sessions, [Echo(1)]).run_once(NOW + timedelta(minutes=6)) == 1
    async with sessions() as session:
        enqueue(session, 1, "the dead claimer's late write")
        assert not await timers.finish(session, claimed.key, "dead", NOW, "sent 1")
        await session.rollback()
    assert await outbox_texts(sessions) == ["for echo:0"]


@sqlite_only
async def test_a_failing_timer_is_retried_later_then_given_up(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    scheduler = Scheduler(
        sessions, [Echo(1, fail=True)], retry=timedelta(minutes=1), max_attempts=3
    )
    assert await scheduler.run_once(NOW) == 0
    assert await scheduler.run_once(NOW + timedelta(seconds=30)) == 0  # not due again yet
    await scheduler.run_once(NOW + timedelta(minutes=1))
    await scheduler.run_once(NOW + timedelta(minutes=10))
    async with sessions() as session:
        row = await timers.get(session, "echo:0")
        assert row.attempts == 3 and row.done_at is not None
        assert row.outcome == "failed: RuntimeError: boom"
    assert await outbox_texts(sessions) == []


@sqlite_only
async def test_the_loop_sleeps_until_the_next_timer_and_stops_at_once(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    clock = [NOW - timedelta(hours=1)]
    slept: list[float] = []
    asleep = asyncio.Event()

    async def sleep(seconds: float) -> None:
        slept.append(seconds)
        asleep.set()
        await asyncio.Event().wait()  # until the stop

    scheduler = Scheduler(sessions, [Echo(2)], clock=lambda: clock[0], sleep=sleep, cap=86400)
    scheduler.start()
    await asyncio.wait_for(asleep.wait(), 5)
    assert slept == [3600.0]  # planned at 07:00, due at 08:00
    clock[0] = NOW
    asleep.clear()
    scheduler.wake()
    await asyncio.wait_for(asleep.wait(), 5)
    assert slept[-1] == 86400  # both done: nothing left but the cap
    await asyncio.wait_for(scheduler.stop(), 5)
    assert len(await outbox_texts(sessions)) == 2
