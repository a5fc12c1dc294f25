"""Periodic clean-up: handled update ids are kept only as long as Telegram could resend them."""

import asyncio
import contextlib
import logging
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.types import utcnow
from storage.updates import forget_updates_before

log = logging.getLogger(__name__)
KEEP_UPDATES = timedelta(hours=48)  # Telegram keeps an unconfirmed update 24 hours at most


class Housekeeping:
    def __init__(self, sessions: async_sessionmaker[AsyncSession], every: float = 3600) -> None:
        self.sessions = sessions
        self.every = every
        self._task: asyncio.Task[None] | None = None

    async def run_once(self) -> None:
        async with self.sessions() as session:
            await forget_updates_before(session, utcnow() - KEEP_UPDATES)
            await session.commit()

    async def _loop(self) -> None:
        while True:
            try:
                await self.run_once()
            except Exception:
                log.exception("housekeeping failed")
            await asyncio.sleep(self.every)

    def start(self) -> None:
        self._task = asyncio.create_task(self._loop(), name="housekeeping")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
