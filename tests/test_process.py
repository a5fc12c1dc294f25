"""`python -m bot` as a real process: configuration errors, kill -9, SIGTERM, no token in logs."""

import asyncio
import os
import signal
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from storage.db import create_engine, session_factory
from storage.models import Dossier
from tests.driver import Applicant, position
from tests.harness import SECRETARIAT
from tests.standin import BotAPIStandIn, TelegramUser


def bot_env(api: BotAPIStandIn, tmp_path: Path) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k != "PORT" and not k.startswith(("BOT_", "DATABASE_", "WEBHOOK_", "REDIS_", "METRICS_"))
    }
    env.update(
        BOT_TOKEN=api.token,
        BOT_API_URL=api.url,
        DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}",
        FILES_DIR=str(tmp_path / "files"),
        SECRETARIAT_CHAT_ID=str(SECRETARIAT),
        LOG_LEVEL="DEBUG",
    )
    return env


class BotProcess:
    def __init__(self, api: BotAPIStandIn, tmp_path: Path) -> None:
        self.api, self.tmp_path = api, tmp_path
        self.process: asyncio.subprocess.Process | None = None
        self.log_path = tmp_path / "bot.log"

    async def start(self) -> None:
        polls = self.api.polls_started
        with self.log_path.open("ab") as log:  # a file, not a pipe: a full pipe blocks the bot
            self.process = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bot", cwd=self.tmp_path,
                env=bot_env(self.api, self.tmp_path), stdout=log, stderr=log,
            )  # fmt: skip
        deadline = asyncio.get_running_loop().time() + 60  # imports are slow on a busy machine
        while asyncio.get_running_loop().time() < deadline:
            if self.api.polls_started > polls:  # polling: updates are fetched from now on
                return
            if self.process.returncode is not None:
                break
            await asyncio.sleep(0.05)
        raise AssertionError(f"bot did not start: {self.logs}")

    @property
    def logs(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    async def end(self, sig: int) -> int:
        assert self.process is not None
        self.process.send_signal(sig)
        return await self.process.wait()


@pytest.fixture
async def process(api: BotAPIStandIn, tmp_path: Path):
    """The bot's process; killed at the end whatever the test did (a failed test must not leave a
    bot polling in the background)."""
    bot = BotProcess(api, tmp_path)
    yield bot
    if bot.process is not None and bot.process.returncode is None:
        bot.process.kill()
        await bot.process.wait()


@pytest.fixture
async def api():
    async with BotAPIStandIn() as stand_in:
        stand_in.add_group(SECRETARIAT, "Secrétariat")
        yield stand_in


async def test_a_missing_or_malformed_token_is_a_one_line_error(tmp_path: Path) -> None:
    async def run_without_a_good_token(token: str | None) -> tuple[int | None, bytes]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("BOT_")}
        if token:
            env["BOT_TOKEN"] = token
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", cwd=tmp_path, env=env,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        _out, err = await process.communicate()
        return process.returncode, err

    # Both at once: each process spends its time importing, one per core.
    for returncode, err in await asyncio.gather(
        run_without_a_good_token(None), run_without_a_good_token("not-a-token")
    ):
        assert returncode == 2
        lines = err.decode().strip().splitlines()
        assert len(lines) == 1 and "BOT_TOKEN" in lines[0] and "Traceback" not in lines[0]


async def test_kill_9_between_answers_loses_nothing_and_logs_hide_the_token(
    api: BotAPIStandIn, tmp_path: Path, process: BotProcess
) -> None:
    await process.start()
    applicant = Applicant(applicant_user(api), "fr")
    await applicant.register()
    for _ in range(4):
        await applicant.answer_current()
    answered_at = position(applicant.last)
    await process.end(signal.SIGKILL)
    await process.start()
    await applicant.answer_current()  # the screen shown before the kill, answered after it
    at_after = position(applicant.last)
    assert at_after not in (None, answered_at)
    engine = create_engine(bot_env(api, tmp_path)["DATABASE_URL"])
    async with session_factory(engine)() as session:
        dossier = await session.scalar(select(Dossier))
    await engine.dispose()
    assert dossier.answers["city"] == "Dakar" and answered_at in dossier.answers
    assert dossier.cursor["q"] == at_after
    assert await process.end(signal.SIGTERM) == 0
    assert "bot started" in process.logs
    assert api.token.split(":")[1] not in process.logs


async def test_sigterm_lets_the_update_in_progress_finish(
    api: BotAPIStandIn, process: BotProcess
) -> None:
    await process.start()
    user = applicant_user(api)
    api.slow_next("sendMessage", 1.5)
    update_id = api.push_update({"message": user._message(text="/help")})
    await api.wait_delivered(update_id)
    await asyncio.sleep(0.2)
    assert await process.end(signal.SIGTERM) == 0
    assert [c for c in api.calls_of("sendMessage") if c.ok and "/new" in c.params["text"]]


def applicant_user(api: BotAPIStandIn) -> TelegramUser:
    """A separate process: no view inside it, so each action waits for a quiet period."""
    return TelegramUser(api, 700, language_code="fr", quiet=0.15)
