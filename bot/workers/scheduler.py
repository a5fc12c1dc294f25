"""Timers as rows: plans what is due, does it once, sleeps until the next one.

Each round (`run_once(now)`):
  (a) every job plans its timers (rows keyed so that planning again adds nothing:
      storage/timers.py `plan`);
  (b) due timers are claimed (a lease, FOR UPDATE SKIP LOCKED on PostgreSQL) and each is done in
      one transaction with its messages to the outbox, marked done only by the claimer that still
      holds it, so a timer is done once even with several processes; a failure retries it later
      (after `max_attempts`, it is given up with its error as outcome);
  (c) the loop sleeps until the next timer or lease, a job's next planning moment, or `cap`.
A restart plans again (nothing new) and does what came due while it was down: late, never never.
The clock (`clock()`: an aware UTC datetime) and the sleep are injectable: tests call
`run_once(now)` with any moment.
"""

import asyncio
import logging
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.workers.loop import Loop
from storage import timers
from storage.leases import this_process
from storage.models import Timer
from storage.types import utcnow

log = logging.getLogger(__name__)
Clock = Callable[[], datetime]
Sleep = Callable[[float], Awaitable[object]]
CAP = 300.0  # seconds between rounds at most: new drafts are planned within this
ERROR_DELAY = 30.0
RETRY = timedelta(minutes=2)  # after a failure, doubled at each attempt
MAX_ATTEMPTS = 5
BATCH = 50


@dataclass(frozen=True)
class Done:
    """What doing a timer came to: its outcome (kept on the row) and the messages written."""

    outcome: str
    messages: int = 0


class Job(Protocol):
    """One kind of timer: how its rows are planned, and how one is done."""

    kind: str

    async def plan(self, session: AsyncSession, now: datetime) -> None:
        """Add the timers due by now or later (storage.timers.plan); the caller commits."""

    async def run(self, session: AsyncSession, timer: Timer, now: datetime) -> Done:
        """Do one due timer in `session` (the caller marks it done and commits)."""

    def next_planning(self, now: datetime) -> datetime | None:
        """When planning may next add a timer that is due at once (None: not before the cap)."""


class Scheduler(Loop):
    name = "scheduler"

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        jobs: Sequence[Job],
        *,
        on_messages: Callable[[], None] = lambda: None,
        clock: Clock = utcnow,
        sleep: Sleep = asyncio.sleep,
        cap: float = CAP,
        lease: timedelta = timers.LEASE,
        retry: timedelta = RETRY,
        max_attempts: int = MAX_ATTEMPTS,
        batch: int = BATCH,
    ) -> None:
        self.sessions = sessions
        self.jobs = {job.kind: job for job in jobs}
        self.on_messages = on_messages  # the outbox worker's wake
        self.clock = clock
        self.sleep = sleep
        self.cap = cap
        self.lease = lease
        self.retry = retry
        self.max_attempts = max_attempts
        self.batch = batch
        # This scheduler's name on the rows it leases: its process (storage/leases.py), whose
        # leases a restarted process takes back at once, and its own.
        self.claimer = f"{this_process()}:{uuid.uuid4().hex[:3]}"
        super().__init__()

    async def run_once(self, now: datetime | None = None) -> int:
        """One round at `now` (the clock's by default): plan, then do every due timer; returns
        how many timers were done (sent or dropped)."""
        now = now or self.clock()
        for job in self.jobs.values():
            try:
                async with self.sessions() as session:
                    await job.plan(session, now)
                    await session.commit()
            except Exception:
                log.exception("planning failed", extra={"kind": job.kind})
        done = messages = 0
        while not self._stopping:
            async with self.sessions() as session:
                batch = await timers.claim_due(
                    session, now, self.claimer, limit=self.batch, lease=self.lease,
                    kinds=list(self.jobs),
                )  # fmt: skip
            for index, timer in enumerate(batch):
                if self._stopping:
                    await self._release([t.key for t in batch[index:]])
                    break
                result = await self._do(timer, now)
                if result is not None:
                    done += 1
                    messages += result.messages
            if len(batch) < self.batch:
                break
        if messages:
            self.on_messages()
        return done

    async def _do(self, timer: Timer, now: datetime) -> Done | None:
        job = self.jobs[timer.kind]
        try:
            async with self.sessions() as session:
                result = await job.run(session, timer, now)
                if not await timers.finish(session, timer.key, self.claimer, now, result.outcome):
                    await session.rollback()  # another worker took it over: its messages stand
                    return None
                await session.commit()
        except Exception as error:
            log.exception("timer failed", extra={"timer": timer.key})
            await self._failed(timer, now, f"{type(error).__name__}: {error}")
            return None
        log.info("timer done", extra={"timer": timer.key, "outcome": result.outcome})
        return result

    async def _failed(self, timer: Timer, now: datetime, error: str) -> None:
        async with self.sessions() as session:
            if timer.attempts + 1 >= self.max_attempts:
                await timers.finish(session, timer.key, self.claimer, now, f"failed: {error}")
            else:
                later = now + self.retry * 2**timer.attempts
                await timers.retry_later(session, timer.key, self.claimer, later, error)
            await session.commit()

    async def _release(self, keys: list[str]) -> None:
        async with self.sessions() as session:
            await timers.release(session, keys, self.claimer)
            await session.commit()

    async def next_delay(self, now: datetime) -> float:
        """Seconds until the next timer or lease, a job's next planning moment, or the cap."""
        async with self.sessions() as session:
            change = await timers.next_change(session, now)
        moments = [change] if change is not None else []
        moments += [m for job in self.jobs.values() if (m := job.next_planning(now)) is not None]
        delay = min([self.cap, *((m - now).total_seconds() for m in moments)])
        return max(delay, 0.05)

    def _sleep(self, seconds: float) -> Awaitable[None]:
        return self.sleep(seconds)

    async def _run(self) -> None:
        try:
            async with self.sessions() as session:
                taken = await timers.take_back(session, self.clock())
                await session.commit()
            if taken:
                log.warning("timers of a process that is gone taken back", extra={"count": taken})
        except Exception:
            log.exception("timers: taking back the leases of a process that is gone failed")
        while not self._stopping:
            self._wake.clear()
            try:
                await self.run_once(self.clock())
                delay = await self.next_delay(self.clock())
            except Exception:
                log.exception("scheduler round failed")
                delay = ERROR_DELAY
            if self._stopping:
                break
            await self._sleep_or_wake(delay)
