"""Engine and session factory; migrations applied at start."""

import asyncio
import weakref
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
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

from storage.updates import WROTE, AppSession

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
# slowest answers took seconds. The bot's main writes (an answer and its commit, an update's last
# commit) take turns here instead, in arrival order, and hold SQLite's lock only for their own
# statements. A transaction that already wrote (it holds the lock) never waits here: no deadlock.
_TURNS: "weakref.WeakKeyDictionary[Any, asyncio.Lock]" = weakref.WeakKeyDictionary()


@asynccontextmanager
async def write_turn(session: AsyncSession) -> AsyncIterator[None]:
    """Around a short write-and-commit on SQLite: writers of this process go one at a time."""
    bind = session.bind
    if bind is None or bind.dialect.name != "sqlite" or session.info.get(WROTE):
        yield
        return
    engine = bind.sync_engine if isinstance(bind, AsyncEngine) else bind
    turn = _TURNS.setdefault(engine, asyncio.Lock())
    async with turn:
        yield


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False, sync_session_class=AppSession)


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
