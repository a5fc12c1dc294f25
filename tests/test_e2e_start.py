"""First contact, language and registration, over HTTP against the stand-in."""

from pathlib import Path

import pytest

from tests.harness import RunningBot
from tests.standin import BotAPIStandIn


@pytest.fixture
async def running(tmp_path: Path):
    async with BotAPIStandIn() as api:
        bot = RunningBot(api, tmp_path)
        await bot.start()
        yield bot
        await bot.close()
        assert not api.unanswered_callback_queries()
        assert not api.errors, [(c.method, c.description) for c in api.errors]


async def test_start_greets_in_the_telegram_language(running: RunningBot) -> None:
    for code, word in (("fr", "Bonjour"), ("en", "Hello"), ("ar", "مرحب"), ("de", "Bonjour")):
        user = running.user(100 + len(word), language_code=code)
        reply = await user.send("/start")
        assert word in reply[0]["text"], reply[0]["text"]


async def test_commands_are_registered_in_three_languages(running: RunningBot) -> None:
    api = running.api
    for language in ("fr", "en", "ar"):
        names = [c["command"] for c in api.commands(language_code=language)]
        assert names == ["new", "dossiers", "status", "profile", "language", "cancel", "help"]
    assert api.commands()
