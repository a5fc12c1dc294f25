"""SQLite statements run on the event loop's own thread, under SQLAlchemy's aiosqlite dialect.

Why: one statement of this bot takes SQLite a few microseconds, while aiosqlite hands every call
(cursor, execute, fetch, close, commit) to a worker thread and back, which costs far more than
the work itself, several times per statement. These classes offer the few methods SQLAlchemy's
aiosqlite adapter calls and run them in place.

Running in place means a statement must never wait in SQLite's busy handler for another
connection of this same process: the event loop would stop, and with it the coroutine that holds
the lock. So writers of one process queue on an asyncio lock (the write gate) before their first
write and leave it when their transaction ends; only other processes are waited for by SQLite.
"""

import asyncio
import sqlite3
import weakref
from collections.abc import Callable, Iterable
from typing import Any

# PRAGMAs here set up a connection (journal mode, foreign keys, timeouts) and take no write lock
# once the file is in WAL mode, which the first connection to it sets.
READ_ONLY_PREFIXES = ("SELECT", "PRAGMA")


def _reads_only(sql: str) -> bool:
    return sql.lstrip()[:6].upper().startswith(READ_ONLY_PREFIXES)


class WriteGate:
    """One write transaction at a time within this process, waited for without blocking."""

    def __init__(self, timeout: float) -> None:
        self.timeout = timeout
        # asyncio locks belong to one event loop; tests and tools may run several in turn.
        self._locks: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = (
            weakref.WeakKeyDictionary()
        )

    async def enter(self) -> asyncio.Lock:
        loop = asyncio.get_running_loop()
        lock = self._locks.get(loop)
        if lock is None:
            lock = self._locks[loop] = asyncio.Lock()
        if not lock.locked():
            await lock.acquire()  # free: taken at once, with no timer to set up
            return lock
        try:
            # Not asyncio.wait_for: it runs the acquire as another task, and a cancellation that
            # lands as the lock is granted could lose it, leaving the gate closed for good.
            async with asyncio.timeout(self.timeout):
                await lock.acquire()
        except TimeoutError:
            raise sqlite3.OperationalError("database is locked") from None
        return lock


class _RunNow:
    """Stands for aiosqlite's queue to its thread: SQLAlchemy puts `(future, function)` there to
    set the isolation level."""

    def put_nowait(self, item: tuple[asyncio.Future[Any], Callable[[], Any]]) -> None:
        future, function = item
        try:
            future.set_result(function())
        except Exception as error:  # handed to the waiting caller
            future.set_exception(error)


class InlineConnection:
    """The part of `aiosqlite.Connection` SQLAlchemy uses, without the thread."""

    def __init__(self, connection: sqlite3.Connection, gate: WriteGate) -> None:
        self._conn = connection
        self._connection: sqlite3.Connection | None = connection  # None once closed
        self._tx = _RunNow()
        self._gate = gate
        self._held: asyncio.Lock | None = None

    @property
    def isolation_level(self) -> str | None:
        return self._conn.isolation_level

    def cursor(self) -> "InlineCursor":
        return InlineCursor(self)

    async def before(self, sql: str) -> None:
        if self._held is None and not _reads_only(sql):
            self._held = await self._gate.enter()

    def after(self) -> None:
        """Leave the gate once no transaction is open (also after a failed statement)."""
        if self._held is not None and not self._conn.in_transaction:
            self._leave()

    def _leave(self) -> None:
        held, self._held = self._held, None
        if held is not None and held.locked():
            held.release()

    async def commit(self) -> None:
        try:
            self._conn.commit()
        finally:
            self.after()

    async def rollback(self) -> None:
        try:
            self._conn.rollback()
        finally:
            self.after()

    async def create_function(self, *args: Any, **kwargs: Any) -> None:
        self._conn.create_function(*args, **kwargs)

    async def close(self) -> None:
        self.stop()

    def stop(self) -> None:
        """Close at once (SQLAlchemy's "terminate"); an open transaction is rolled back."""
        try:
            self._conn.close()
        finally:
            self._connection = None
            self._leave()


class InlineCursor:
    """The part of `aiosqlite.Cursor` SQLAlchemy uses, without the thread."""

    def __init__(self, owner: InlineConnection) -> None:
        self._owner = owner
        self._cursor = owner._conn.cursor()

    async def __aenter__(self) -> "InlineCursor":
        return self

    async def execute(self, sql: str, parameters: Iterable[Any] = ()) -> "InlineCursor":
        return await self._through_gate(self._cursor.execute, sql, parameters)

    async def executemany(self, sql: str, rows: Iterable[Iterable[Any]]) -> "InlineCursor":
        return await self._through_gate(self._cursor.executemany, sql, rows)

    async def _through_gate(
        self, run: Callable[[str, Any], Any], sql: str, values: Any
    ) -> "InlineCursor":
        await self._owner.before(sql)
        try:
            run(sql, values)
        finally:
            self._owner.after()
        return self

    async def fetchone(self) -> Any:
        return self._cursor.fetchone()

    async def fetchmany(self, size: int | None = None) -> list[Any]:
        return self._cursor.fetchmany(self._cursor.arraysize if size is None else size)

    async def fetchall(self) -> list[Any]:
        return self._cursor.fetchall()

    async def close(self) -> None:
        self._cursor.close()

    async def setinputsizes(self, *_sizes: Any) -> None:
        """SQLite has no use for input sizes."""

    @property
    def description(self) -> Any:
        return self._cursor.description

    @property
    def rowcount(self) -> int:
        return self._cursor.rowcount

    @property
    def lastrowid(self) -> int | None:
        return self._cursor.lastrowid

    @property
    def arraysize(self) -> int:
        return self._cursor.arraysize

    @arraysize.setter
    def arraysize(self, value: int) -> None:
        self._cursor.arraysize = value


def inline_creator(database: str, gate: WriteGate, busy_seconds: float) -> Callable[[], Any]:
    """SQLAlchemy's `async_creator`: a new connection to `database` run in place."""

    async def connect() -> InlineConnection:
        # Closed by SQLAlchemy's pool, which may do so from the garbage collector's thread.
        raw = sqlite3.connect(database, timeout=busy_seconds, check_same_thread=False)
        return InlineConnection(raw, gate)

    return connect
