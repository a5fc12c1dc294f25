"""Delivers the outbox: waits on 429, backs off on 5xx and network errors, resumes after restart."""

import asyncio
import contextlib
import logging
import random
from datetime import timedelta

from aiogram import Bot
from aiogram.exceptions import (
    TelegramMigrateToChat,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.types import InlineKeyboardMarkup
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage import outbox
from storage.models import OutboxMessage
from storage.types import utcnow

log = logging.getLogger(__name__)
MAX_BACKOFF = 300.0


def backoff(attempts: int) -> float:
    """Seconds before retry number `attempts + 1`: doubling from 1 s, capped, with jitter."""
    return min(MAX_BACKOFF, 2.0**attempts) * random.uniform(0.8, 1.2)


class OutboxWorker:
    def __init__(
        self, bot: Bot, sessions: async_sessionmaker[AsyncSession], idle_poll: float = 2.0
    ) -> None:
        self.bot = bot
        self.sessions = sessions
        self.idle_poll = idle_poll
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._stopping = False

    def wake(self) -> None:
        """Called after a commit that enqueued messages, so they leave without waiting."""
        self._wake.set()

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="outbox")

    async def stop(self) -> None:
        self._stopping = True
        self._wake.set()
        if self._task is not None:
            await self._task

    async def _run(self) -> None:
        while not self._stopping:
            try:
                delivered = await self.deliver_due()
            except Exception:
                log.exception("outbox round failed")
                delivered = 0
            if delivered or self._stopping:  # a stop during the round must not be slept over
                continue
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=self.idle_poll)

    async def deliver_due(self) -> int:
        """One round: send what is due, in order; a chat that must wait keeps its later messages."""
        async with self.sessions() as session:
            batch = await outbox.claim_due(session)
            held: set[int] = set()
            sent = 0
            for message in batch:
                if message.chat_id in held or self._stopping:
                    await outbox.release(session, [message.id])
                    # Committed now: the next delivery's network call must not hold the write lock.
                    await session.commit()
                    continue
                if await self._deliver(session, message):
                    sent += 1
                else:
                    held.add(message.chat_id)
                await session.commit()
            return sent

    async def _deliver(self, session: AsyncSession, message: OutboxMessage) -> bool:
        markup = message.reply_markup
        try:
            result = await self.bot.send_message(
                chat_id=message.chat_id,
                text=message.text,
                reply_markup=InlineKeyboardMarkup.model_validate(markup) if markup else None,
            )
        except TelegramRetryAfter as error:
            due = utcnow() + timedelta(seconds=error.retry_after)
            await outbox.postpone(session, message.id, due, f"429 retry after {error.retry_after}")
            log.warning("outbox rate limited", extra={"outbox_id": message.id})
            return False
        except TelegramMigrateToChat as error:
            await outbox.postpone(
                session, message.id, utcnow(), "chat migrated", chat_id=error.migrate_to_chat_id
            )
            return False
        except (TelegramServerError, TelegramNetworkError, TimeoutError) as error:
            due = utcnow() + timedelta(seconds=backoff(message.attempts))
            await outbox.postpone(session, message.id, due, type(error).__name__ + str(error))
            log.warning("outbox delivery will be retried", extra={"outbox_id": message.id})
            return False
        except Exception as error:
            await outbox.mark_failed(session, message.id, f"{type(error).__name__}: {error}")
            log.error(
                "outbox message refused", extra={"outbox_id": message.id, "error": str(error)}
            )
            return True
        await outbox.mark_sent(session, message.id, result.message_id)
        return True
