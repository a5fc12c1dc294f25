"""SQLite run on the event loop's thread: writers of one process wait for each other without
stopping the loop, readers never wait, and every way a transaction ends lets the next writer in."""

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, create_async_engine

from storage.db import create_engine, migrate, session_factory
from storage.models import ProcessedUpdate
from storage.sqlite_inline import WriteGate, inline_creator


@pytest.fixture
async def sqlite(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'inline.db'}")
    await migrate(engine)
    yield engine
    await engine.dispose()


async def count(engine: AsyncEngine) -> int:
    async with session_factory(engine)() as session:
        return await session.scalar(select(func.count()).select_from(ProcessedUpdate)) or 0


async def write_and_hold(session: AsyncSession, update_id: int) -> None:
    session.add(ProcessedUpdate(update_id=update_id))
    await session.flush()  # the write lock is taken here and kept until the transaction ends


async def test_a_second_writer_waits_without_stopping_the_event_loop(sqlite: AsyncEngine) -> None:
    sessions = session_factory(sqlite)
    ticks = 0
    second_done = asyncio.Event()

    async def ticker() -> None:
        nonlocal ticks
        while not second_done.is_set():
            ticks += 1
            await asyncio.sleep(0.005)

    async def second_writer() -> None:
        async with sessions() as session:
            await write_and_hold(session, 2)
            await session.commit()
        second_done.set()

    async with sessions() as first:
        await write_and_hold(first, 1)
        ticking = asyncio.create_task(ticker())
        waiting = asyncio.create_task(second_writer())
        await asyncio.sleep(0.1)
        assert not waiting.done(), "the second writer must wait for the first one's commit"
        assert ticks >= 5, "the event loop must keep running while a writer waits"
        await first.commit()
    await asyncio.wait_for(waiting, 5)
    await ticking
    assert await count(sqlite) == 2


async def test_a_reader_does_not_wait_for_a_writer_and_sees_only_committed_rows(
    sqlite: AsyncEngine,
) -> None:
    sessions = session_factory(sqlite)
    async with sessions() as writer:
        await write_and_hold(writer, 1)
        assert await asyncio.wait_for(count(sqlite), 1) == 0
        await writer.commit()
    assert await count(sqlite) == 1


@pytest.mark.parametrize("ending", ["rollback", "close", "failed statement"])
async def test_every_end_of_a_transaction_lets_the_next_writer_in(
    sqlite: AsyncEngine, ending: str
) -> None:
    sessions = session_factory(sqlite)
    async with sessions() as session:
        session.add(ProcessedUpdate(update_id=1))
        await session.commit()
    first = sessions()
    await write_and_hold(first, 2)
    if ending == "rollback":
        await first.rollback()
    elif ending == "close":
        await first.close()
    else:
        first.add(ProcessedUpdate(update_id=1))
        with pytest.raises(IntegrityError):
            await first.flush()
        await first.rollback()
    await first.close()
    async with sessions() as second:
        await write_and_hold(second, 3)
        await asyncio.wait_for(second.commit(), 1)
    assert await count(sqlite) == 2


async def test_a_writer_kept_waiting_too_long_gets_database_is_locked(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'locked.db'}"
    engine = create_async_engine(
        url, async_creator=inline_creator(str(tmp_path / "locked.db"), WriteGate(0.2), 0.1)
    )
    try:
        await migrate(engine)
        sessions = session_factory(engine)
        async with sessions() as first, sessions() as second:
            await write_and_hold(first, 1)
            with pytest.raises(OperationalError, match="database is locked"):
                await write_and_hold(second, 2)
            await first.commit()
    finally:
        await engine.dispose()


async def test_disposing_the_engine_mid_transaction_frees_the_gate(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'disposed.db'}"
    gate = WriteGate(1.0)
    engine = create_async_engine(
        url, async_creator=inline_creator(str(tmp_path / "disposed.db"), gate, 0.1)
    )
    await migrate(engine)
    session = session_factory(engine)()
    await write_and_hold(session, 1)
    await session.close()
    await engine.dispose()
    lock = await asyncio.wait_for(gate.enter(), 1)
    lock.release()


async def test_a_writer_cancelled_while_waiting_leaves_the_gate_usable(sqlite: AsyncEngine) -> None:
    sessions = session_factory(sqlite)

    async def second_writer() -> None:
        async with sessions() as session:
            await write_and_hold(session, 2)
            await session.commit()

    async with sessions() as first:
        await write_and_hold(first, 1)
        waiting = asyncio.create_task(second_writer())
        await asyncio.sleep(0.05)
        waiting.cancel()
        with pytest.raises(asyncio.CancelledError):
            await waiting
        await first.commit()
    async with sessions() as third:
        await write_and_hold(third, 3)
        await asyncio.wait_for(third.commit(), 1)
    assert await count(sqlite) == 2
