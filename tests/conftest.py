"""Shared fixtures: databases (SQLite always, PostgreSQL when TEST_DATABASE_URL is set), the bot
in-process (`app`, most end-to-end tests) or polling over HTTP (`running`).

The bot's modules (aiogram's models: 4-5 s of CPU to import) are imported where they are used:
pytest-xdist's controller loads this file too and runs no test."""

from __future__ import annotations

import gc
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from hypothesis import settings

from testkit.backends import BACKENDS, database_per_worker, postgres_url

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

    from testkit.harness import InProcessBot, RunningBot


ROOT = Path(__file__).parent.parent
database_per_worker()
# Compiled modules are kept (`__pycache__`, git-ignored) even where PYTHONDONTWRITEBYTECODE is set,
# as on the development machine: each worker otherwise compiled the project and rewrote every test
# module's asserts again, ~3 s of CPU each (the controller compiles the project once, below).
sys.dont_write_bytecode = False
# Property tests are not timed: on a loaded machine hypothesis' per-example deadline only flakes.
settings.register_profile("untimed", deadline=None)
settings.load_profile("untimed")


@pytest.fixture(params=BACKENDS)
async def engine(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    from testkit.databases import fresh_engine

    engine = await fresh_engine(request.param, tmp_path)
    yield engine
    await engine.dispose()


@pytest.fixture
async def app(tmp_path: Path) -> AsyncIterator[InProcessBot]:
    """The bot fed update by update, answered in-process by a strict stand-in (no HTTP), on
    SQLite; afterwards no error and no unanswered button."""
    from testkit.harness import check_clean, in_process

    bot = await in_process(tmp_path)
    yield bot
    await bot.close()
    check_clean(bot.api)


@pytest.fixture(params=BACKENDS)
async def app_on_each_database(
    request: pytest.FixtureRequest, tmp_path: Path
) -> AsyncIterator[InProcessBot]:
    """`app` on SQLite, then on PostgreSQL (an emptied schema) when TEST_DATABASE_URL is set:
    asyncpg suspends at every statement, so concurrent updates really interleave there."""
    from testkit.databases import fresh_engine
    from testkit.harness import check_clean, in_process

    url = None
    if request.param == "postgres":
        await (await fresh_engine("postgres", tmp_path)).dispose()
        url = postgres_url()
    bot = await in_process(tmp_path, url)
    yield bot
    await bot.close()
    check_clean(bot.api)


@pytest.fixture
async def running(tmp_path: Path) -> AsyncIterator[RunningBot]:
    """The bot polling a strict stand-in; afterwards no error and no unanswered button."""
    from testkit.harness import SECRETARIAT, RunningBot, check_clean
    from testkit.standin import BotAPIStandIn

    async with BotAPIStandIn() as api:
        api.add_group(SECRETARIAT, "Secrétariat permanent")
        bot = RunningBot(api, tmp_path)
        await bot.start()
        yield bot
        await bot.close()
        check_clean(api)


@pytest.fixture
def sessions(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    from storage.db import session_factory

    return session_factory(engine)


# The longest tests first (matched against each test's node id). The first two, the tests of
# `python -m bot` processes, go to the same worker (pytest-xdist hands each worker two tests at
# the start, `--maxschedchunk 2` in pyproject.toml, then two at a time to whichever is free): they
# share its zygote (testkit/process_kit.py), and mostly wait (on their processes, an escalation's
# deadline) while the other workers keep both cores busy.
SLOW_FIRST = (
    "test_processes.py",
    "test_process.py::test_kill_9",
    "test_bench.py",
    "test_e2e_dossier.py",
    "test_outbox_faults.py",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The longest tests first, so the workers do not end waiting on one of them."""

    def rank(item: pytest.Item) -> int:
        return next(
            (i for i, part in enumerate(SLOW_FIRST) if part in item.nodeid), len(SLOW_FIRST)
        )

    items.sort(key=rank)


def pytest_configure(config: pytest.Config) -> None:
    """Before the workers start (in pytest-xdist's controller, or in a run without workers): the
    project's modules compiled once, so that the workers, the zygote and the bot processes of the
    process tests all read them compiled (about 0.05 s when nothing changed)."""
    if hasattr(config, "workerinput"):
        return
    import compileall

    for package in ("bot", "handlers", "storage", "testkit", "bench"):
        compileall.compile_dir(ROOT / package, quiet=1)
    workers = getattr(config.option, "tx", None) or []
    if workers and set(workers) == {"popen"} and not config.option.collectonly:
        fork_workers(config)


def fork_workers(config: pytest.Config) -> None:
    """pytest-xdist's workers forked from one warm interpreter that imported the libraries and
    the bot once (testkit/worker_zygote.py), instead of each importing them (~4 s of CPU each,
    all at once before the first test). AIMF_WORKER_ZYGOTE=0 starts them the ordinary way."""
    from testkit.worker_zygote import ADDRESS

    if os.environ.get(ADDRESS) == "0":
        return
    directory = Path(tempfile.mkdtemp(prefix="aimf-workers-"))
    address = directory / "zygote"
    zygote = subprocess.Popen(
        [sys.executable, "-m", "testkit.worker_zygote", "--serve", str(address)],
        cwd=ROOT,
        stdin=subprocess.PIPE,
    )
    os.environ[ADDRESS] = str(address)
    client = shlex.join([sys.executable, str(ROOT / "testkit" / "worker_zygote.py")])
    config.option.tx = [f"popen//python={client}" for _ in config.option.tx]

    def stop() -> None:
        assert zygote.stdin is not None
        zygote.stdin.close()  # its end: the zygote stops
        zygote.wait()
        shutil.rmtree(directory, ignore_errors=True)

    config.add_cleanup(stop)


def pytest_runtest_logfinish() -> None:
    """aiogram keeps the last 128 updates in a cache (`Update.event_type`, a `functools.lru_cache`
    keyed by the update), and each update holds its bot: every finished test's whole app (its
    dispatcher, engine and compiled statements, ~10,000 objects) stayed alive for the next hundred
    tests, and each full garbage collection went through them all."""
    update = sys.modules.get("aiogram.types.update")
    if update is not None:
        update.Update.event_type.fget.cache_clear()


def pytest_collection_finish(session: pytest.Session) -> None:
    """The garbage collector took a fifth of an end-to-end test's CPU, mostly in full collections
    that walked the ~300,000 objects the imports made (aiogram's models, SQLAlchemy, Babel): they
    are frozen once collected (never walked again), and collections come less often."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(10_000, 20, 20)
