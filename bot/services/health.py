"""Readiness (database, Redis, migrations) and the figures Prometheus reads from the database."""

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.domain.emergency import OPEN
from bot.domain.emergency_form import EMERGENCY_FORM
from storage import outbox
from storage.db import migrations_current, ping
from storage.emergencies import count_in
from storage.types import utcnow

log = logging.getLogger(__name__)
CHECK_TIMEOUT = 3.0  # seconds per check: an unreachable database must not hang the probe


@dataclass(frozen=True)
class Readiness:
    database: bool
    migrations: bool
    redis: bool | None  # None: not configured
    # Staff chats that refuse the bot (it was removed from the group): which → since when (ISO).
    # Reported, not counted against readiness: the process still serves everyone else.
    unreachable: dict[str, str] = field(default_factory=dict)

    @property
    def ready(self) -> bool:
        return self.database and self.migrations and self.redis is not False


@dataclass(frozen=True)
class Figures:
    outbox_pending: int
    outbox_oldest_seconds: float
    open_emergencies: int


class Health:
    def __init__(
        self,
        engine: AsyncEngine,
        sessions: async_sessionmaker[AsyncSession],
        redis_ping: Callable[[], Awaitable[object]] | None = None,
        staff_chats: dict[str, int] | None = None,
    ) -> None:
        self.engine = engine
        self.sessions = sessions
        self.redis_ping = redis_ping
        self.staff_chats = staff_chats or {}  # "secretariat" → its chat id, …

    async def readiness(self) -> Readiness:
        database = migrations = False
        try:
            async with asyncio.timeout(CHECK_TIMEOUT):
                await ping(self.engine)
                database = True
                migrations = await migrations_current(self.engine)
                unreachable = await self._unreachable() if migrations else {}
        except Exception as error:
            log.warning("readiness: database check failed", extra={"error": type(error).__name__})
            unreachable = {}
        redis = None
        if self.redis_ping is not None:
            try:
                async with asyncio.timeout(CHECK_TIMEOUT):
                    await self.redis_ping()
                redis = True
            except Exception as error:
                log.warning("readiness: redis check failed", extra={"error": type(error).__name__})
                redis = False
        return Readiness(database, migrations, redis, unreachable)

    async def _unreachable(self) -> dict[str, str]:
        if not self.staff_chats:
            return {}
        async with self.sessions() as session:
            rows = await outbox.unreachable(session, list(self.staff_chats.values()))
        return {
            which: rows[chat].since.isoformat()
            for which, chat in self.staff_chats.items()
            if chat in rows
        }

    async def figures(self) -> Figures:
        now = utcnow()
        async with asyncio.timeout(CHECK_TIMEOUT), self.sessions() as session:
            counts = await outbox.counts(session, now)
            emergencies = await count_in(session, EMERGENCY_FORM.key, [s.value for s in OPEN])
        oldest = counts.oldest_undelivered
        age = 0.0 if oldest is None else max((now - oldest).total_seconds(), 0.0)
        return Figures(counts.pending + counts.in_flight, age, emergencies)
