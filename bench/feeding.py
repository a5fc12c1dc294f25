"""Feeding updates to a dispatcher one at a time and timing only `Dispatcher.feed_update`.

Updates are built (and mounted on the bot, as polling does) before the clock starts.
"""

import gc
import itertools
import statistics
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.types import Update

from bench.fake_session import FakeSession

TOKEN = "123456:TEST-token-abcdefghijklmnopqrstuvwxyz0123"
USER_ID = 424242


@dataclass(frozen=True)
class Result:
    scenario: str
    backend: str  # "SQLite", "PostgreSQL", or "" for the rows that touch no database
    updates: int
    total_s: float
    samples_us: tuple[float, ...]

    @classmethod
    def of(cls, scenario: str, backend: str, samples: list[float]) -> "Result":
        return cls(scenario, backend, len(samples), sum(samples), tuple(s * 1e6 for s in samples))

    @property
    def per_second(self) -> float:
        return self.updates / self.total_s

    @property
    def us_per_update(self) -> float:
        return self.total_s * 1e6 / self.updates

    @property
    def p50_us(self) -> float:
        return statistics.median(self.samples_us)

    @property
    def p95_us(self) -> float:
        return statistics.quantiles(self.samples_us, n=20)[-1]

    def as_dict(self) -> dict[str, Any]:
        return {
            "scenario": self.scenario,
            "backend": self.backend,
            "updates": self.updates,
            "total_s": self.total_s,
            "updates_per_s": self.per_second,
            "us_per_update": self.us_per_update,
            "p50_us": self.p50_us,
            "p95_us": self.p95_us,
        }


def fake_bot() -> tuple[Bot, FakeSession]:
    session = FakeSession()
    bot = Bot(TOKEN, session=session, default=DefaultBotProperties(parse_mode="HTML"))
    return bot, session


class Updates:
    """Telegram updates from one person, with increasing update and message ids."""

    def __init__(self, bot: Bot, user_id: int = USER_ID, first_update_id: int = 1_000_000) -> None:
        self.bot = bot
        self.user = {"id": user_id, "is_bot": False, "first_name": "Awa", "language_code": "fr"}
        self.chat = {"id": user_id, "type": "private", "first_name": "Awa"}
        self._update_ids = itertools.count(first_update_id)
        self._message_ids = itertools.count(1)
        self._query_ids = itertools.count(1)

    def _mount(self, data: dict[str, Any]) -> Update:
        # Mounted on the bot like updates from getUpdates, so feed_update does not re-validate.
        return Update.model_validate(
            {"update_id": next(self._update_ids), **data}, context={"bot": self.bot}
        )

    def text(self, text: str) -> Update:
        message: dict[str, Any] = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": self.chat,
            "from": self.user,
            "text": text,
        }
        if text.startswith("/"):
            command = text.split()[0]
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
        return self._mount({"message": message})

    def press(self, shown: dict[str, Any], data: str) -> Update:
        query = {
            "id": str(next(self._query_ids)),
            "from": self.user,
            "chat_instance": "bench",
            "message": shown,
            "data": data,
        }
        return self._mount({"callback_query": query})


async def feed(
    dp: Dispatcher,
    bot: Bot,
    make: Callable[[], Update],
    count: int,
    between: Callable[[], Awaitable[None]] | None = None,
) -> list[float]:
    """Feed `count` updates, built beforehand, one by one; `between` runs untimed before each."""
    updates = iter([make() for _ in range(count)])

    async def one() -> None:
        await dp.feed_update(bot, next(updates))

    return await timed(one, count, between)


async def timed(
    step: Callable[[], Awaitable[None]],
    count: int,
    between: Callable[[], Awaitable[None]] | None = None,
) -> list[float]:
    """Seconds taken by each of `count` runs of `step`."""
    samples = []
    clock = time.perf_counter
    with collection_paused_for_old_objects():
        for _ in range(count):
            if between is not None:
                await between()
            start = clock()
            await step()
            samples.append(clock() - start)
    return samples


@contextmanager
def collection_paused_for_old_objects() -> Iterator[None]:
    """Objects alive before a run are left out of garbage collection, as long-running services do
    after start-up: a full collection over them would land on whichever update comes next."""
    thaw = gc.get_freeze_count() == 0  # what a caller froze (the tests: every import) stays
    gc.collect()
    gc.freeze()
    try:
        yield
    finally:
        if thaw:
            gc.unfreeze()
