"""Cross-cutting work around every update: database session, duplicate updates, in-flight work."""

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.dispatcher.event.bases import UNHANDLED
from aiogram.fsm.middleware import FSMContextMiddleware
from aiogram.fsm.storage.base import BaseEventIsolation
from aiogram.types import TelegramObject, Update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import metrics
from bot.logs import current_update
from bot.telegram.fsm_storage import DatabaseStorage, remember_record, update_session
from bot.telegram.i18n import language_from_telegram
from bot.telegram.journal import REPLAYING, rederivable, replay
from storage.accounts import new_account
from storage.db import write_turn
from storage.outbox import wake_after_commit
from storage.preload import preload
from storage.updates import record_now, record_with_first_write

log = logging.getLogger(__name__)
Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]
DUPLICATE = "duplicate_update"  # set in the update's data when it was handled before


class DatabaseMiddleware(BaseMiddleware):
    """One session per update; the update id is recorded in the same transaction as its effect,
    so an update Telegram delivers twice (after a restart, say) is acted on once.

    The person's lock is taken here, before the session's first read: an update waiting behind
    another one of the same person must not read what that one is about to change. aiogram's FSM
    middleware runs inside, on this session.

    The update's transaction is this `async with`: it commits after the handler has run (calls
    to Telegram included), or rolls back if the handler raised. A use case that commits on its
    own (an answer) leaves nothing behind, and then there is no second commit.
    """

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        default_language: str,
        fsm: FSMContextMiddleware,
        storage: DatabaseStorage,
        isolation: BaseEventIsolation,
    ) -> None:
        self.sessions = sessions
        self.default_language = default_language
        self.fsm = fsm
        self.storage = storage
        self.isolation = isolation

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        assert isinstance(event, Update)
        context = self.fsm.resolve_event_context(data["bot"], data)
        if context is None:
            return await self._handle(handler, event, data, None)
        async with self.isolation.lock(context.key):
            return await self._handle(handler, event, data, self.storage.record_key(context.key))

    async def _handle(
        self, handler: Handler, event: Update, data: dict[str, Any], fsm_key: str | None
    ) -> Any:
        user = data.get("event_from_user")
        person = user if user is not None and not user.is_bot else None
        async with self.sessions() as session:
            if "outbox" in data:  # what a use case wrote to the outbox goes once it is committed
                wake_after_commit(session, data["outbox"].wake)
            loaded = await preload(session, person.id if person else 0, event.update_id, fsm_key)
            if fsm_key is not None:
                remember_record(session, fsm_key, loaded.fsm_record)
            replaying = False
            if loaded.handled_before:
                log.info("duplicate update ignored", extra={"update_id": event.update_id})
                data[DUPLICATE] = True
                # Its effect stands; what it sent after may not have arrived (the process died):
                # made again, or for an answer to a form, where the person is shown again.
                state = loaded.fsm_record.state if loaded.fsm_record is not None else None
                sent = await replay(session, data["bot"], event)
                if sent or not rederivable(event, state):
                    return UNHANDLED
                data[REPLAYING] = replaying = True
            else:
                record_with_first_write(session, event.update_id)
            if person is not None:
                account = loaded.account or new_account(session, person.id, person.first_name)
                if account.language is None:
                    # Notifications reach people in their language even before any /language.
                    account.language = language_from_telegram(person, self.default_language)
                data["account"] = account
                data["user_language"] = account.language
            data["session"] = session
            token = update_session.set(session)
            try:
                result = await handler(event, data)
            finally:
                update_session.reset(token)
            if replaying:
                await session.rollback()  # a screen shown again: nothing written
                return result
            record_now(session)
            if session.new or session.dirty or session.deleted:
                async with write_turn(session):
                    await session.commit()
            elif session.in_transaction():
                await session.commit()  # else the handler's own commit left nothing to write
            return result


class InflightMiddleware(BaseMiddleware):
    """Knows which updates are being handled, so shutdown can let them finish."""

    def __init__(self) -> None:
        self.tasks: set[asyncio.Task[Any]] = set()

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        task = asyncio.current_task()
        if task is None:
            return await handler(event, data)
        self.tasks.add(task)
        try:
            return await handler(event, data)
        finally:
            self.tasks.discard(task)

    async def drain(self, seconds: float) -> None:
        others = {t for t in self.tasks if t is not asyncio.current_task()}
        if others:
            log.info("waiting for updates in progress", extra={"count": len(others)})
            await asyncio.wait(others, timeout=seconds)


class MetricsMiddleware(BaseMiddleware):
    """Counts each update by kind and outcome, times it, and names it in every log line."""

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        assert isinstance(event, Update)
        kind = event.event_type
        token = current_update.set(event.update_id)
        started = time.perf_counter()
        outcome = "error"
        try:
            result = await handler(event, data)
            if data.get(DUPLICATE):
                outcome = "duplicate"
            else:
                outcome = "unhandled" if result is UNHANDLED else "handled"
            return result
        finally:
            took = time.perf_counter() - started
            metrics.HANDLING.labels(kind).observe(took)
            metrics.UPDATES.labels(kind, outcome).inc()
            # What an update was and how it went, never what it said (bot/logs.py).
            log.debug("update %s", outcome, extra={"kind": kind, "ms": round(took * 1000)})
            current_update.reset(token)
