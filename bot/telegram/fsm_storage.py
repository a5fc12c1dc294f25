"""aiogram FSM storage in the database, so a restart or a redeploy keeps every conversation.

While an update is handled, state changes join that update's session (and so its transaction):
on SQLite a second connection would wait for the lock the update's own session holds. The update's
own record (or that it has none) is known from the update's first read (`storage.preload`): reading
and changing it then needs no query, and a new record is written with the update's other changes,
when they are flushed together.
"""

from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from contextvars import ContextVar
from typing import Any

from aiogram.fsm.state import State
from aiogram.fsm.storage.base import BaseStorage, DefaultKeyBuilder, StateType, StorageKey
from sqlalchemy import inspect
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.models import FsmRecord

update_session: ContextVar[AsyncSession | None] = ContextVar("update_session", default=None)
_KNOWN = "fsm_records"  # session.info: {record key: its FsmRecord, or None when there is none}


def remember_record(session: AsyncSession, key: str, record: FsmRecord | None) -> None:
    """What the session already knows of the record under `key`: read, or known to be absent."""
    session.info.setdefault(_KNOWN, {})[key] = record


class DatabaseStorage(BaseStorage):
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions
        self._keys = DefaultKeyBuilder(with_bot_id=True, with_destiny=True)

    def record_key(self, key: StorageKey) -> str:
        return self._keys.build(key)

    @asynccontextmanager
    async def _session(self, write: bool) -> AsyncIterator[AsyncSession]:
        shared = update_session.get()
        if shared is not None:
            yield shared
            return
        async with self._sessions() as session:
            yield session
            if write:
                await session.commit()

    async def _record(self, session: AsyncSession, key: str) -> FsmRecord | None:
        known = session.info.get(_KNOWN, {})
        if key in known:
            record = known[key]
            if record is None or (record in session and not inspect(record).expired):
                return record
        record = await session.get(FsmRecord, key)
        remember_record(session, key, record)
        return record

    async def _write(self, key: StorageKey, **values: Any) -> None:
        async with self._session(write=True) as session:
            record_key = self.record_key(key)
            record = await self._record(session, record_key)
            if record is None:
                fields: dict[str, Any] = {"state": None, "data": {}, **values}
                record = FsmRecord(key=record_key, **fields)
                session.add(record)
                remember_record(session, record_key, record)
            else:
                for name, value in values.items():
                    if getattr(record, name) != value:  # unchanged: no write, no write turn
                        setattr(record, name, value)

    async def _read(self, key: StorageKey) -> FsmRecord | None:
        async with self._session(write=False) as session:
            return await self._record(session, self.record_key(key))

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        await self._write(key, state=state.state if isinstance(state, State) else state)

    async def get_state(self, key: StorageKey) -> str | None:
        record = await self._read(key)
        return record.state if record else None

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        await self._write(key, data=dict(data))

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        record = await self._read(key)
        return dict(record.data) if record else {}

    async def close(self) -> None:
        """The engine is owned and disposed by the application."""
