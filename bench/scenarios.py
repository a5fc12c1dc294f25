"""The two measured scenarios: a bare echo, and one answer step of the real dossier bot.

Updates are built (and mounted on the bot, as polling does) before the clock starts; only
`Dispatcher.feed_update` is timed, one update at a time, in both scenarios.
"""

import itertools
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aiogram import Bot, Dispatcher, Router
from aiogram.client.default import DefaultBotProperties
from aiogram.types import Message, Update
from sqlalchemy import update

from bench.fake_session import FakeSession
from bot.app import build_app
from bot.config import Settings
from bot.i18n import build_i18n
from bot.navigation import Cursor
from storage.db import create_engine, migrate, session_factory
from storage.models import Dossier

TOKEN = "123456:TEST-token-abcdefghijklmnopqrstuvwxyz0123"
USER_ID = 424242
SECRETARIAT = -1001234567890
REGISTRATION = [
    "Dakar",
    "Sénégal",
    "Awa Ndiaye",
    "Directrice des services techniques",
    "+221 77 123 45 67",
    "awa.ndiaye@villededakar.sn",
]
MEASURED_QUESTION = "title"  # section 2, question 1: a TEXT question
ANSWER = "Éclairage solaire de la Médina"
NEXT_QUESTION = "sector"


@dataclass(frozen=True)
class Result:
    scenario: str
    updates: int
    total_s: float
    samples_us: tuple[float, ...]

    @property
    def per_second(self) -> float:
        return self.updates / self.total_s

    @property
    def us_per_update(self) -> float:
        return self.total_s * 1e6 / self.updates

    @property
    def p50_us(self) -> float:
        return statistics.median(self.samples_us)

    @property
    def p95_us(self) -> float:
        return statistics.quantiles(self.samples_us, n=20)[-1]

    def as_dict(self) -> dict[str, Any]:
        return {
            "scenario": self.scenario,
            "updates": self.updates,
            "total_s": self.total_s,
            "updates_per_s": self.per_second,
            "us_per_update": self.us_per_update,
            "p50_us": self.p50_us,
            "p95_us": self.p95_us,
        }


def fake_bot() -> tuple[Bot, FakeSession]:
    session = FakeSession()
    bot = Bot(TOKEN, session=session, default=DefaultBotProperties(parse_mode="HTML"))
    return bot, session


class Updates:
    """Telegram updates from one person, with increasing update and message ids."""

    def __init__(self, bot: Bot, user_id: int = USER_ID) -> None:
        self.bot = bot
        self.user = {"id": user_id, "is_bot": False, "first_name": "Awa", "language_code": "fr"}
        self.chat = {"id": user_id, "type": "private", "first_name": "Awa"}
        self._update_ids = itertools.count(1_000_000)
        self._message_ids = itertools.count(1)
        self._query_ids = itertools.count(1)

    def _mount(self, data: dict[str, Any]) -> Update:
        # Mounted on the bot like updates from getUpdates, so feed_update does not re-validate.
        return Update.model_validate(
            {"update_id": next(self._update_ids), **data}, context={"bot": self.bot}
        )

    def text(self, text: str) -> Update:
        message: dict[str, Any] = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": self.chat,
            "from": self.user,
            "text": text,
        }
        if text.startswith("/"):
            command = text.split()[0]
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
        return self._mount({"message": message})

    def press(self, shown: dict[str, Any], data: str) -> Update:
        query = {
            "id": str(next(self._query_ids)),
            "from": self.user,
            "chat_instance": "bench",
            "message": shown,
            "data": data,
        }
        return self._mount({"callback_query": query})


async def measure(
    name: str,
    dp: Dispatcher,
    bot: Bot,
    make: Callable[[], Update],
    count: int,
    between: Callable[[], Awaitable[None]] | None = None,
) -> Result:
    """Feed `count` updates one by one; `between` runs untimed before each."""
    updates = [make() for _ in range(count)]
    samples = []
    clock = time.perf_counter
    for item in updates:
        if between is not None:
            await between()
        start = clock()
        await dp.feed_update(bot, item)
        samples.append(clock() - start)
    total = sum(samples)
    return Result(name, count, total, tuple(s * 1e6 for s in samples))


# --- bare echo -------------------------------------------------------------------------------


async def run_echo(count: int, warmup: int) -> Result:
    bot, _session = fake_bot()
    router = Router(name="echo")

    @router.message()
    async def echo(message: Message) -> None:
        await message.answer(message.text or "")

    dp = Dispatcher()
    dp.include_router(router)
    source = Updates(bot)
    make = lambda: source.text("Bonjour")  # noqa: E731
    try:
        await measure("warm-up", dp, bot, make, warmup)
        return await measure("bare echo", dp, bot, make, count)
    finally:
        await bot.session.close()


# --- dossier answer step ---------------------------------------------------------------------


def position(keyboard: list[str]) -> str | None:
    """The question a screen asks, read from its buttons (`q:<dossier>:<at>:<action>:<value>`)."""
    return next((data.split(":")[2] for data in keyboard if data.startswith("q:")), None)


class DossierBench:
    """The real dispatcher on a fresh SQLite file, with one registered person and one dossier."""

    def __init__(self, directory: Path) -> None:
        self.settings = Settings(
            _env_file=None,
            bot_token=TOKEN,
            database_url=f"sqlite+aiosqlite:///{directory / 'bench.db'}",
            files_dir=directory / "files",
            secretariat_chat_id=SECRETARIAT,
        )
        self.engine = create_engine(self.settings.database_url)
        self.sessions = session_factory(self.engine)
        self.bot, self.fake = fake_bot()
        i18n = build_i18n(self.settings.default_language)
        self.dp = build_app(self.settings, self.bot, self.sessions, i18n).dispatcher
        self.source = Updates(self.bot)
        self.dossier_id = 0
        self.answered = False

    async def feed(self, item: Update) -> None:
        await self.dp.feed_update(self.bot, item)

    async def prepare(self) -> None:
        """Register through the bot, open a dossier and answer up to the measured question."""
        await migrate(self.engine)
        for text in ["/new", *REGISTRATION]:
            await self.feed(self.source.text(text))
        for _ in range(20):
            keyboard = self.fake.last_keyboard()
            at = position(keyboard)
            if at == MEASURED_QUESTION:
                self.dossier_id = int(keyboard[0].split(":")[1])
                return
            if at == "mayor":
                await self.feed(self.source.text("Barthélémy Dias"))
                continue
            wanted = next((d for d in keyboard if d.endswith((":keep:", ":c:new"))), None)
            if wanted is None:
                raise RuntimeError(f"unexpected screen at {at!r}: {keyboard}")
            await self.feed(self.source.press(self.fake.last_screen(), wanted))
        raise RuntimeError("the questionnaire never reached the measured question")

    async def rewind(self) -> None:
        """Untimed: put the dossier back at the measured question, then check the last step."""
        self.check()
        async with self.sessions() as session:
            await session.execute(
                update(Dossier)
                .where(Dossier.id == self.dossier_id)
                .values(cursor=Cursor(MEASURED_QUESTION).to_json())
            )
            await session.commit()

    def check(self) -> None:
        """The last answer was accepted: the bot now asks the next question."""
        at = position(self.fake.last_keyboard())
        expected = NEXT_QUESTION if self.answered else MEASURED_QUESTION
        if at != expected:
            raise RuntimeError(f"the answer step ended at {at!r}, not at {expected!r}")
        self.answered = True

    async def close(self) -> None:
        await self.bot.session.close()
        await self.engine.dispose()


async def run_answer(count: int, warmup: int) -> Result:
    with tempfile.TemporaryDirectory(prefix="bench-") as directory:
        bench = DossierBench(Path(directory))
        try:
            await bench.prepare()
            numbers = itertools.count(1)
            # A different answer each time, so the answers JSON is really rewritten.
            make = lambda: bench.source.text(f"{ANSWER} n°{next(numbers)}")  # noqa: E731
            await measure("warm-up", bench.dp, bench.bot, make, warmup, bench.rewind)
            result = await measure("answer step", bench.dp, bench.bot, make, count, bench.rewind)
            bench.check()
            return result
        finally:
            await bench.close()
