"""The two measured scenarios: a bare echo, and one answer step of the real dossier bot."""

import itertools
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aiogram import Dispatcher, Router
from aiogram.fsm.storage.base import StorageKey
from aiogram.types import InlineKeyboardMarkup, Message, Update
from sqlalchemy import update

from bench.feeding import TOKEN, USER_ID, Result, Updates, fake_bot, measure
from bench.references import run_sqlite_only, run_storage_only
from bot.app import build_app
from bot.config import Settings
from bot.i18n import build_i18n
from bot.navigation import Cursor
from storage.db import create_engine, migrate, session_factory
from storage.models import Dossier

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


# --- bare echo -------------------------------------------------------------------------------


async def run_echo(count: int, warmup: int, reply: dict[str, Any] | None = None) -> Result:
    """A bare echo; given `reply` (text and keyboard of a sent message), it answers with that."""
    bot, _session = fake_bot()
    router = Router(name="echo")
    markup = InlineKeyboardMarkup.model_validate(reply["reply_markup"]) if reply else None

    @router.message()
    async def echo(message: Message) -> None:
        await message.answer(reply["text"] if reply else message.text or "", reply_markup=markup)

    dp = Dispatcher()
    dp.include_router(router)
    source = Updates(bot)
    make = lambda: source.text("Bonjour")  # noqa: E731
    try:
        await measure("warm-up", dp, bot, make, warmup)
        return await measure("echo same reply" if reply else "bare echo", dp, bot, make, count)
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


@dataclass(frozen=True)
class AnswerRun:
    step: Result
    storage: Result  # the step's statements alone, through SQLAlchemy Core, on the same database
    sqlite: Result  # the same, through Python's sqlite3 module
    reply: dict[str, Any]  # the message the step sent: the next question with its keyboard


async def run_answer(count: int, warmup: int) -> AnswerRun:
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
            reply = bench.fake.last_screen()
            key = StorageKey(bot_id=bench.bot.id, chat_id=USER_ID, user_id=USER_ID)
            person = {"telegram_id": USER_ID, "fsm_key": bench.dp.fsm.storage.record_key(key)}
            storage = await run_storage_only(bench.engine, person, bench.dossier_id, count, warmup)
            database = str(Path(directory) / "bench.db")
            sqlite = await run_sqlite_only(database, person, bench.dossier_id, count, warmup)
            return AnswerRun(result, storage, sqlite, reply)
        finally:
            await bench.close()
