"""The measured scenarios: a bare echo (also one that sends the answer step's reply) and one
answer step of the real dossier bot, on SQLite or PostgreSQL. Each can be run for a number of
updates again and again, so `python -m bench` interleaves them in rounds and a drift of the
machine's speed hits all alike."""

import itertools
from pathlib import Path
from typing import Any

from aiogram import Dispatcher, Router
from aiogram.fsm.storage.base import StorageKey
from aiogram.types import InlineKeyboardMarkup, Message, Update
from sqlalchemy import text, update
from sqlalchemy.engine import make_url

from bench.feeding import TOKEN, USER_ID, Updates, fake_bot, feed
from bot.app import build_app
from bot.config import Settings
from bot.domain.navigation import Cursor
from bot.telegram.i18n import build_i18n
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


class Echo:
    """A bare echo; given `reply` (text and keyboard of a sent message), it answers with that."""

    def __init__(self, reply: dict[str, Any] | None = None) -> None:
        self.name = "echo same reply" if reply else "bare echo"
        self.backend = ""  # no database
        self.bot, _session = fake_bot()
        markup = InlineKeyboardMarkup.model_validate(reply["reply_markup"]) if reply else None
        router = Router(name="echo")

        @router.message()
        async def echo(message: Message) -> None:
            text = reply["text"] if reply else message.text or ""
            await message.answer(text, reply_markup=markup)

        self.dp = Dispatcher()
        self.dp.include_router(router)
        self.source = Updates(self.bot)

    async def run(self, count: int) -> list[float]:
        return await feed(self.dp, self.bot, lambda: self.source.text("Bonjour"), count)

    async def close(self) -> None:
        await self.bot.session.close()


def position(keyboard: list[str]) -> str | None:
    """The question a screen asks, read from its buttons (`q:<dossier>:<at>:<action>:<value>`)."""
    return next((data.split(":")[2] for data in keyboard if data.startswith("q:")), None)


def backend_of(url: str) -> str:
    """How the tables name a database: "SQLite" or "PostgreSQL"."""
    return "PostgreSQL" if make_url(url).get_backend_name() == "postgresql" else "SQLite"


class AnswerStep:
    """The real dispatcher on a fresh SQLite file (or, given `database_url`, an emptied PostgreSQL
    schema), with one registered person and one dossier; each measured update answers the same
    question, put back untimed before the next one."""

    name = "answer step"

    def __init__(self, directory: Path, database_url: str | None = None) -> None:
        self.database = directory / "bench.db"
        url = database_url or f"sqlite+aiosqlite:///{self.database}"
        self.backend = backend_of(url)
        self.settings = Settings(
            _env_file=None,
            bot_token=TOKEN,
            database_url=url,
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
        self._numbers = itertools.count(1)

    async def _feed(self, item: Update) -> None:
        await self.dp.feed_update(self.bot, item)

    async def prepare(self) -> None:
        """Register through the bot, open a dossier and answer up to the measured question.

        On PostgreSQL the schema `public` is dropped and created again first, as the tests do:
        the database given must be one the bench may empty."""
        if self.backend == "PostgreSQL":
            async with self.engine.begin() as connection:
                await connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
                await connection.execute(text("CREATE SCHEMA public"))
        await migrate(self.engine)
        for typed in ["/new", *REGISTRATION]:
            await self._feed(self.source.text(typed))
        for _ in range(20):
            keyboard = self.fake.last_keyboard()
            at = position(keyboard)
            if at == MEASURED_QUESTION:
                self.dossier_id = int(keyboard[0].split(":")[1])
                return
            if at == "mayor":
                await self._feed(self.source.text("Barthélémy Dias"))
                continue
            wanted = next((d for d in keyboard if d.endswith((":keep:", ":c:new"))), None)
            if wanted is None:
                raise RuntimeError(f"unexpected screen at {at!r}: {keyboard}")
            await self._feed(self.source.press(self.fake.last_screen(), wanted))
        raise RuntimeError("the questionnaire never reached the measured question")

    async def run(self, count: int) -> list[float]:
        # A different answer each time, so the answers JSON is really rewritten.
        make = lambda: self.source.text(f"{ANSWER} n°{next(self._numbers)}")  # noqa: E731
        samples = await feed(self.dp, self.bot, make, count, self._rewind)
        self._check()
        return samples

    async def _rewind(self) -> None:
        """Untimed: check the last step, then put the dossier back at the measured question."""
        self._check()
        async with self.sessions() as session:
            await session.execute(
                update(Dossier)
                .where(Dossier.id == self.dossier_id)
                .values(cursor=Cursor(MEASURED_QUESTION).to_json())
            )
            await session.commit()

    def _check(self) -> None:
        """The last answer was accepted: the bot now asks the next question."""
        at = position(self.fake.last_keyboard())
        expected = NEXT_QUESTION if self.answered else MEASURED_QUESTION
        if at != expected:
            raise RuntimeError(f"the answer step ended at {at!r}, not at {expected!r}")
        self.answered = True

    def reply(self) -> dict[str, Any]:
        """The message the last step sent: the next question with its keyboard."""
        return self.fake.last_screen()

    def person(self) -> dict[str, Any]:
        """What the step's read is keyed on: the person and their conversation-state key."""
        key = StorageKey(bot_id=self.bot.id, chat_id=USER_ID, user_id=USER_ID)
        return {"telegram_id": USER_ID, "fsm_key": self.dp.fsm.storage.record_key(key)}

    async def close(self) -> None:
        await self.bot.session.close()
        await self.engine.dispose()
