"""The databases a storage test runs on: SQLite always, PostgreSQL when TEST_DATABASE_URL is set.

Light on purpose: tests/conftest.py imports it at once, and pytest-xdist's controller loads that
file too and runs no test."""

from __future__ import annotations

import asyncio
import os

import pytest


def postgres_url() -> str | None:
    """Read when used: under pytest-xdist `database_per_worker` renames the database first."""
    return os.environ.get("TEST_DATABASE_URL")


BACKENDS = [
    "sqlite",
    pytest.param(
        "postgres", marks=pytest.mark.skipif(not postgres_url(), reason="TEST_DATABASE_URL not set")
    ),
]


def database_per_worker() -> None:
    """Tests empty the PostgreSQL schema they use: under pytest-xdist each worker process gets a
    database of its own (`<name>_gw0`, …), created once, so workers never drop each other's."""
    url, worker = os.environ.get("TEST_DATABASE_URL"), os.environ.get("PYTEST_XDIST_WORKER")
    if not url or not worker:
        return
    import asyncpg
    from sqlalchemy.engine import make_url

    base = make_url(url)
    name = f"{base.database}_{worker}"

    async def create() -> None:
        connection = await asyncpg.connect(
            user=base.username,
            password=base.password,
            host=base.host,
            port=base.port,
            database=base.database,
        )
        try:
            if not await connection.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name):
                await connection.execute(f'CREATE DATABASE "{name}"')
        finally:
            await connection.close()

    asyncio.run(create())
    os.environ["TEST_DATABASE_URL"] = base.set(database=name).render_as_string(False)
