"""Shared by the outbox tests and `bench/outbox.py`: a controllable clock, an in-process session
that injects faults through the stand-in's own `fail_next` and records when each request was made
(on the worker's clock), a filled outbox, and the checks of what was delivered."""

import asyncio
import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta
from itertools import pairwise
from typing import Any

from aiogram import Bot, exceptions
from aiogram.client.default import DefaultBotProperties
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.workers.limits import RateLimiter, RealClock
from storage import outbox
from storage.models import OutboxMessage
from storage.types import utcnow
from testkit.standin import BotAPIStandIn
from testkit.standin.inprocess import InProcessSession


class FakeClock:
    """Time that passes only when the worker sleeps: a sleep returns at once, the clock moved on
    by at least that much. Starts a second ahead of the wall clock, so rows enqueued before it
    was made are due."""

    def __init__(self) -> None:
        self.t = 0.0
        self.base = utcnow() + timedelta(seconds=1)

    def now(self):
        return self.base + timedelta(seconds=self.t)

    def monotonic(self) -> float:
        return self.t

    async def sleep(self, seconds: float) -> None:
        target = self.t + max(seconds, 0.0)
        await asyncio.sleep(0)
        self.t = max(self.t, target)

    def advance(self, seconds: float) -> None:
        self.t += seconds


@dataclass
class Request:
    method: str
    chat_id: int | None
    text: str | None
    start: float
    end: float = 0.0
    status: int = 0  # 200, or the error code, 0 for a network error
    retry_after: int | None = None
    injected: int | None = None  # the fault queued for it, if any


class FaultySession(InProcessSession):
    """Each send or edit fails with 429 (retry_after) with probability `p429`, with 502 with
    probability `p502`; the stand-in itself answers the fault (it is queued with `fail_next`
    just before the request reaches it). `kill_at=(n, task)` cancels `task` at the n-th
    request, before or after the stand-in answered it (chosen at random)."""

    def __init__(
        self,
        standin: BotAPIStandIn,
        clock: Any = None,
        *,
        p429: float = 0.0,
        p502: float = 0.0,
        retry_after: int = 1,
        seed: int = 0,
    ) -> None:
        super().__init__(standin)
        self.clock = clock or RealClock()
        self.p429, self.p502, self.retry_after = p429, p502, retry_after
        self.rng = random.Random(seed)
        self.requests: list[Request] = []
        self.kill_at: tuple[int, asyncio.Task[Any]] | None = None
        self.killed = asyncio.Event()

    async def make_request(self, bot: Bot, method: Any, timeout: int | None = None) -> Any:  # noqa: ASYNC109
        name = method.__api_method__
        request = Request(
            name, getattr(method, "chat_id", None), getattr(method, "text", None), 0.0
        )
        request.start = self.clock.monotonic()
        self.requests.append(request)
        if name.startswith(("send", "edit")):
            roll = self.rng.random()
            if roll < self.p429:
                self.standin.fail_next(name, 429, retry_after=self.retry_after)
                request.injected = 429
            elif roll < self.p429 + self.p502:
                self.standin.fail_next(name, 502)
                request.injected = 502
        kill_after = None
        if self.kill_at is not None and len(self.requests) == self.kill_at[0]:
            task = self.kill_at[1]
            kill_after = self.rng.random() < 0.5
            if not kill_after:
                self.killed.set()
                task.cancel()
        try:
            result = await super().make_request(bot, method, timeout)
        except Exception as error:
            request.status = _status(error)
            request.retry_after = getattr(error, "retry_after", None)
            raise
        else:
            request.status = 200
            return result
        finally:
            request.end = self.clock.monotonic()
            if kill_after:
                self.killed.set()
                self.kill_at[1].cancel()  # type: ignore[index]


def _status(error: Exception) -> int:
    """The HTTP status behind an aiogram exception (0: no answer)."""
    for kind, status in _STATUSES:
        if isinstance(error, kind):
            return status
    return 0


_STATUSES = (
    (exceptions.TelegramRetryAfter, 429),
    (exceptions.TelegramForbiddenError, 403),
    (exceptions.TelegramBadRequest, 400),
    (exceptions.TelegramServerError, 500),
)


def in_process_bot(session: InProcessSession) -> Bot:
    return Bot(
        session.standin.token, session=session, default=DefaultBotProperties(parse_mode="HTML")
    )


async def fill(
    sessions: async_sessionmaker[AsyncSession], plan: dict[int, int], prefix: str = "m"
) -> dict[int, list[str]]:
    """Enqueue `plan[chat]` messages per chat, interleaved across chats; the texts expected in
    each chat, in order."""
    expected: dict[int, list[str]] = defaultdict(list)
    async with sessions() as session:
        for n in range(max(plan.values())):
            for chat, count in plan.items():
                if n < count:
                    text = f"{prefix}{chat}:{n}"
                    outbox.enqueue(session, chat, text)
                    expected[chat].append(text)
        await session.commit()
    return dict(expected)


async def rows(sessions: async_sessionmaker[AsyncSession]) -> list[OutboxMessage]:
    async with sessions() as session:
        return list(await session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


async def settled(sessions: async_sessionmaker[AsyncSession]) -> bool:
    async with sessions() as session:
        return not await outbox.pending(session)


async def wait_settled(
    sessions: async_sessionmaker[AsyncSession],
    timeout: float = 20.0,  # noqa: ASYNC109
    every: float = 0.02,
) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not await settled(sessions):
        if loop.time() > deadline:
            raise AssertionError("the outbox did not settle")
        await asyncio.sleep(every)


@dataclass
class Breaches:
    per_chat: list[tuple[int, float]] = field(default_factory=list)
    group: list[tuple[int, float]] = field(default_factory=list)
    global_: list[float] = field(default_factory=list)
    retry_after: list[tuple[int, float]] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.per_chat or self.group or self.global_ or self.retry_after)


def breaches(
    times: list[tuple[float, float, int, int, int | None]], limits: RateLimiter
) -> Breaches:
    """Where requests (start, end, chat, status, retry_after) broke a limit: two requests to a
    chat closer than the per-chat interval, more than the allowed count within a group's or the
    global window, a request to a chat before the retry_after of its last 429 had passed.
    Compared at request starts, with the previous request's end for the retry_after."""
    found = Breaches()
    eps = 1e-6
    times = sorted(times)
    starts = [t[0] for t in times]
    n = limits.global_count
    for i in range(len(starts) - n):
        if starts[i + n] - starts[i] < limits.global_window - eps:
            found.global_.append(starts[i])
    per_chat: dict[int, list[tuple[float, float, int, int | None]]] = defaultdict(list)
    for start, end, chat, status, retry in times:
        per_chat[chat].append((start, end, status, retry))
    for chat, calls in per_chat.items():
        for (s0, e0, status, retry), (s1, _e1, _s, _r) in pairwise(calls):
            if s1 - s0 < limits.per_chat - eps:
                found.per_chat.append((chat, s1))
            if status == 429 and retry and s1 < e0 + retry - eps:
                found.retry_after.append((chat, s1))
        if chat < 0:
            g = limits.group_count
            for i in range(len(calls) - g):
                if calls[i + g][0] - calls[i][0] < limits.group_window - eps:
                    found.group.append((chat, calls[i][0]))
    return found
