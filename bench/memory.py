"""`python -m bench --memory`: the bot's resident memory, each figure in a process of its own.

- **echo**: a bare aiogram dispatcher (bench/echo_bot.py's), built: what any aiogram 3 bot holds
  before doing anything (aiogram builds its ~900 pydantic models at import);
- **bot, started**: the dossier bot's app built as `python -m bot` builds it;
- **1,000 drafts**: then 1,000 registered people each open their draft (/dossiers, then "open":
  the bot now takes their typed answers), through the real dispatcher, in-process;
- **ten years**: the bot on `bench/years.py`'s ten-year database, after `/queue`, `/export all`
  (3,530 dossiers), the digest and a staff move.

Each runs in a new `python -m bench.memory <what> <database>` process and prints its figures as
JSON; resident memory is VmRSS from /proc, in MB, after a full garbage collection.
"""

import asyncio
import gc
import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

GOAL_MB = 150.0
PEOPLE = 1000


def resident_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


def settled_mb() -> float:
    gc.collect()
    return resident_mb()


def echo() -> dict[str, float]:
    from bench.echo_bot import dispatcher

    dispatcher()
    return {"echo_mb": settled_mb()}


async def drafts(url: str, folder: Path, people: int) -> dict[str, float]:
    """The bot built, then `PEOPLE` people (seeded by the caller) each open their draft."""
    from bench.feeding import TOKEN, Updates, fake_bot
    from bench.http import FIRST_PERSON
    from bot.app import build_app, settle_memory
    from bot.config import Settings
    from bot.telegram.i18n import build_i18n
    from storage.db import create_engine, session_factory

    settings = Settings(
        _env_file=None,
        bot_token=TOKEN,
        database_url=url,
        files_dir=folder / "files",
        secretariat_chat_id=-1001234567890,
    )
    engine = create_engine(url)
    bot, fake = fake_bot()
    dp = build_app(settings, bot, session_factory(engine), build_i18n("fr")).dispatcher
    settle_memory()
    figures = {"started_mb": settled_mb()}
    for n in range(people):
        source = Updates(bot, FIRST_PERSON + n, first_update_id=1_000_000 + 10 * n)
        await dp.feed_update(bot, source.text("/dossiers"))
        opening = next(d for d in fake.last_keyboard() if d.startswith("m:") and "open" in d)
        await dp.feed_update(bot, source.press(fake.last_screen(), opening))
    figures["drafts_mb"] = settled_mb()
    await bot.session.close()
    await engine.dispose()
    return figures


async def years(url: str, folder: Path) -> dict[str, float]:
    from bench.years import Database
    from bot.app import settle_memory

    database = Database("ten years", url, folder)
    settle_memory()
    await database.start()
    for action in ("queue", "export_all", "digest", "move"):
        await getattr(database, action)()
    figures = {"years_mb": settled_mb()}
    await database.close()
    return figures


def run(what: str, url: str, folder: Path, people: int = PEOPLE) -> dict[str, float]:
    """One figure, in a new process (`python -m bench.memory`)."""
    command = [sys.executable, "-m", "bench.memory", what, url, str(folder), str(people)]
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


async def main(people: int = PEOPLE, with_years: bool = True) -> dict[str, Any]:
    from bench import years as years_bench
    from bench.http import seed

    figures: dict[str, Any] = {"goal_mb": GOAL_MB, "people": people}
    with tempfile.TemporaryDirectory(prefix="bench-memory-") as directory:
        folder = Path(directory)
        drafts_url = f"sqlite+aiosqlite:///{folder / 'drafts.db'}"
        await seed(drafts_url, "SQLite", people)
        figures.update(run("echo", "", folder))
        figures.update(run("drafts", drafts_url, folder, people))
        if with_years:
            years_url = f"sqlite+aiosqlite:///{folder / 'years.db'}"
            await years_bench.prepare(years_url, True, folder)
            figures.update(run("years", years_url, folder))
    figures["goal_met"] = figures["drafts_mb"] <= GOAL_MB
    return figures


def print_row(figures: dict[str, Any]) -> None:
    verdict = "met" if figures["goal_met"] else "NOT met"
    print(
        f"Resident memory (MB): bare aiogram echo {figures['echo_mb']:.0f}; the bot started"
        f" {figures['started_mb']:.0f}, after {figures['people']:,} people each opened a draft"
        f" {figures['drafts_mb']:.0f} (goal ≤ {figures['goal_mb']:.0f}: {verdict})"
        + (
            f", on the ten-year database after /queue, /export all, the digest and a move"
            f" {figures['years_mb']:.0f}"
            if "years_mb" in figures
            else ""
        )
    )


if __name__ == "__main__":
    what, url, where, count = sys.argv[1], sys.argv[2], Path(sys.argv[3]), int(sys.argv[4])
    if what == "echo":
        result: dict[str, float] = echo()
    elif what == "drafts":
        result = asyncio.run(drafts(url, where, count))
    else:
        result = asyncio.run(years(url, where))
    print(json.dumps(result))
