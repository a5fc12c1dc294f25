"""Engine and session factory; migrations applied at start."""

import asyncio
import weakref
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import event, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from storage.updates import AppSession

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


# How long a writer waits for another connection's write lock before "database is locked".
# Statements run in aiosqlite's worker thread (one per connection), so SQLite's busy handler waits
# there and the event loop keeps running meanwhile, including the coroutine whose transaction holds
# the lock: waiting long is harmless. 30 s covers a transaction held open across a slow call to
# Telegram (an update commits once, when it is handled) and a second process on the same file.
BUSY_TIMEOUT_SECONDS = 30.0


def create_engine(url: str, **kwargs: Any) -> AsyncEngine:
    """An engine; for SQLite (SQLAlchemy's own aiosqlite dialect) the file's folder is created and
    WAL lets readers and a writer mix. A database error's message names its statement, never its
    parameters (people's answers, phones, e-mails): it may be logged."""
    kwargs.setdefault("hide_parameters", True)
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_async_engine(url, pool_pre_ping=True, **kwargs)
    database = parsed.database or ":memory:"
    if database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    # A connection comes back to the pool with its transaction ended: SQLAlchemy's Connection
    # rolls back one still open when it closes. The pool's own ROLLBACK on return would only add
    # a round trip to the connection's thread after every commit (one in 12 per answer).
    kwargs.setdefault("pool_reset_on_return", None)
    engine = create_async_engine(url, **kwargs)

    @event.listens_for(engine.sync_engine, "connect")
    def _pragmas(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_SECONDS * 1000)}")
        cursor.close()

    return engine


# SQLite has one writer at a time; a writer that finds the lock taken sleeps in SQLite's busy
# handler (steps of up to 100 ms) and may lose the race again and again: with 30 people at once the
# slowest answers took seconds, and 30 first contacts at once (each creating an account) came out
# one every ~100 ms. So the writers of this process take turns instead, in arrival order: a
# transaction takes the turn just before its first write (a flush, or an INSERT/UPDATE/DELETE) and
# keeps it until it ends, as SQLite keeps its lock; the next writer waits on the event loop, not in
# SQLite. A transaction that already wrote holds the turn, so it never waits for it: no deadlock.
# Writers of another process on the same file still meet in SQLite's busy handler.
_TURNS: "weakref.WeakKeyDictionary[Any, asyncio.Lock]" = weakref.WeakKeyDictionary()
TURN = "sqlite_write_turn"  # session.info: the lock whose turn this session's transaction holds


async def take_turn(session: AsyncSession) -> None:
    """On SQLite, wait for this process's write turn unless this transaction holds it already;
    it is given back when the transaction ends (commit, rollback or close)."""
    if TURN in session.info:
        return
    bind = session.bind
    if bind is None or bind.dialect.name != "sqlite":
        return
    engine = bind.sync_engine if isinstance(bind, AsyncEngine) else bind
    turn = _TURNS.setdefault(engine, asyncio.Lock())
    await turn.acquire()
    session.info[TURN] = turn


def give_back_turn(session: Any) -> None:
    turn = session.info.pop(TURN, None)
    if turn is not None:
        turn.release()


@event.listens_for(AppSession, "after_transaction_end")
def _transaction_ended(session: Any, transaction: Any) -> None:
    if transaction.parent is None:  # the transaction itself, not a savepoint within it
        give_back_turn(session)


@asynccontextmanager
async def write_turn(session: AsyncSession) -> AsyncIterator[None]:
    """Around a write and its commit: the turn is taken first (see `take_turn`)."""
    await take_turn(session)
    yield


class TurnTakingSession(AsyncSession):
    """The bot's sessions: on SQLite each statement or flush that may write takes the write turn
    first: an INSERT, UPDATE or DELETE, a flush or commit of pending changes, and a read that
    autoflushes them (not one answered from the identity map, nor one under `no_autoflush`).
    Sessions of other databases are unchanged."""

    def _may_write(self, statement: Any = None, *, flushing: bool = False) -> bool:
        if TURN in self.info or self.bind is None or self.bind.dialect.name != "sqlite":
            return False
        if getattr(statement, "is_dml", False):
            return True
        pending = self.sync_session
        if not (flushing or pending.autoflush):
            return False
        return bool(pending.new or pending.deleted or pending.dirty)

    async def execute(self, statement: Any, *args: Any, **kwargs: Any) -> Any:
        if self._may_write(statement):
            await take_turn(self)
        return await super().execute(statement, *args, **kwargs)

    async def scalar(self, statement: Any, *args: Any, **kwargs: Any) -> Any:
        if self._may_write(statement):
            await take_turn(self)
        return await super().scalar(statement, *args, **kwargs)

    async def get(self, entity: Any, ident: Any, *args: Any, **kwargs: Any) -> Any:
        loaded = self.identity_key(entity, ident) in self.identity_map
        if not loaded and self._may_write():
            await take_turn(self)
        return await super().get(entity, ident, *args, **kwargs)

    async def refresh(self, *args: Any, **kwargs: Any) -> None:
        if self._may_write():
            await take_turn(self)
        await super().refresh(*args, **kwargs)

    async def flush(self, objects: Any = None) -> None:
        if self._may_write(flushing=True):
            await take_turn(self)
        await super().flush(objects)

    async def commit(self) -> None:
        if self._may_write(flushing=True):
            await take_turn(self)
        await super().commit()

    async def close(self) -> None:
        try:
            await super().close()
        finally:
            give_back_turn(self.sync_session)  # in case the transaction never began


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(
        engine, class_=TurnTakingSession, expire_on_commit=False, sync_session_class=AppSession
    )


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


# Several processes starting at once on PostgreSQL: one migrates, the others wait for it and then
# find nothing to do. A transaction-level advisory lock, released by the migration's commit.
MIGRATION_LOCK = 0x41494D46  # "AIMF"


async def migrate(engine: AsyncEngine, revision: str = "head") -> None:
    """Bring the schema to `revision` (Alembic, on the engine's own connection); on PostgreSQL
    under an advisory lock, so concurrent starts are safe (SQLite's write lock does the same)."""

    def _upgrade(connection: Any) -> None:
        config = alembic_config()
        config.attributes["connection"] = connection
        command.upgrade(config, revision)

    async with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            await connection.execute(
                text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK}
            )
        await connection.run_sync(_upgrade)


async def open_connections(engine: AsyncEngine, count: int) -> None:
    """Open `count` connections of the pool now, at start: a burst of people writing at once
    (30 first contacts) then finds them open instead of each opening one (on PostgreSQL a new
    server process, ~15 ms; on SQLite a thread and the file's pragmas)."""
    async with AsyncExitStack() as held:
        for _ in range(count):
            await held.enter_async_context(engine.connect())


async def ping(engine: AsyncEngine) -> None:
    """Raises unless the database answers."""
    async with engine.connect() as connection:
        await connection.execute(text("SELECT 1"))


async def migrations_current(engine: AsyncEngine) -> bool:
    """Whether the schema is at the code's latest revision."""

    def _current(connection: Any) -> bool:
        heads = set(ScriptDirectory.from_config(alembic_config()).get_heads())
        return set(MigrationContext.configure(connection).get_current_heads()) == heads

    async with engine.connect() as connection:
        return await connection.run_sync(_current)


async def downgrade(engine: AsyncEngine, revision: str = "base") -> None:
    def _downgrade(connection: Any) -> None:
        config = alembic_config()
        config.attributes["connection"] = connection
        command.downgrade(config, revision)

    async with engine.begin() as connection:
        await connection.run_sync(_downgrade)
