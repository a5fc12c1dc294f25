"""Migrated databases for the tests, fast: Alembic's run from an empty SQLite file costs about
0.13 s of CPU, and hundreds of tests each start from one. The schema is migrated once per test
process into a template file, and each test's database starts as a copy of it (a millisecond),
at head. On PostgreSQL a schema already at head is emptied with one TRUNCATE (0.03 s against
0.14 s to drop and migrate it). Tests of the migrations themselves run Alembic from empty."""

import atexit
import shutil
import tempfile
from pathlib import Path
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.db import create_engine, migrate, migrations_current
from testkit.backends import postgres_url

_template: Path | None = None


async def _sqlite_template() -> Path:
    global _template
    if _template is None:
        directory = Path(tempfile.mkdtemp(prefix="aimf-schema-"))
        atexit.register(shutil.rmtree, directory, True)
        path = directory / "schema.db"
        engine = create_engine(f"sqlite+aiosqlite:///{path}")
        await migrate(engine)
        await engine.dispose()  # the last connection closed: the WAL is folded into the file
        _template = path
    return _template


async def prepared(engine: AsyncEngine) -> None:
    """The engine's database at the latest schema; a new SQLite file starts as the template, at
    head already (Alembic finding nothing to do costs 10-15 ms of CPU: loading every revision)."""
    if engine.dialect.name == "sqlite":
        path = Path(engine.url.database or "")
        if path.name and not path.exists():
            shutil.copyfile(await _sqlite_template(), path)
            return
    await migrate(engine)


async def emptied_postgres(engine: AsyncEngine) -> None:
    """The PostgreSQL database at the latest schema with no rows (a worker's own database)."""
    if await migrations_current(engine):
        async with engine.begin() as connection:
            tables = await connection.scalars(
                text(
                    "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
                    " AND tablename <> 'alembic_version'"
                )
            )
            names = ", ".join(f'"{name}"' for name in tables)
            await connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        return
    async with engine.begin() as connection:
        await connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        await connection.execute(text("CREATE SCHEMA public"))
    await migrate(engine)


async def fresh_engine(backend: str, tmp_path: Path) -> AsyncEngine:
    """An empty database of the given kind ("sqlite" or "postgres"), at the latest schema."""
    if backend == "sqlite":
        engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'test.db'}")
        await prepared(engine)
        return engine
    url = postgres_url()
    assert url
    engine = create_engine(url)
    await emptied_postgres(engine)
    return engine


def without_busy_handler(engine: AsyncEngine) -> None:
    """SQLite connections the engine opens from now on fail at once on a lock another connection
    holds (busy_timeout 0), instead of sleeping in SQLite's busy handler."""

    @event.listens_for(engine.sync_engine, "connect")
    def _no_waiting(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA busy_timeout=0")
        cursor.close()
