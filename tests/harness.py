"""The real bot, polling a strict Bot API stand-in over HTTP, with a database of its own."""

import asyncio
from pathlib import Path
from typing import Any

from aiogram import Bot
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiohttp import ClientSession

from bot.app import App, build_app
from bot.config import Settings
from bot.services.people import link_city
from bot.telegram.i18n import build_i18n
from storage.accounts import new_account
from storage.db import create_engine, migrate, session_factory
from storage.dossiers import create_dossier
from tests.standin import BotAPIStandIn, TelegramUser

SECRETARIAT = -1001234567890


class QuickCloseSession(AiohttpSession):
    """Plain HTTP needs no TLS shutdown pause (AiohttpSession.close sleeps 250 ms). The HTTP
    client is the one `create_session` returns, kept here: no reaching into aiogram's attributes."""

    client: ClientSession | None = None

    async def create_session(self) -> ClientSession:
        self.client = await super().create_session()
        return self.client

    async def close(self) -> None:
        if self.client is not None and not self.client.closed:
            await self.client.close()


class RunningBot:
    """Start, stop and restart the bot the way a deployment would, against one database."""

    def __init__(
        self, api: BotAPIStandIn, tmp_path: Path, database_url: str | None = None, **settings: Any
    ) -> None:
        self.api = api
        self.settings = Settings(
            _env_file=None,
            bot_token=api.token,
            bot_api_url=api.url,
            database_url=database_url or f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}",
            secretariat_chat_id=SECRETARIAT,
            files_dir=tmp_path / "files",
            **settings,
        )
        self.engine = create_engine(self.settings.database_url)
        self.sessions = session_factory(self.engine)
        self.app: App | None = None
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        await migrate(self.engine)
        session = QuickCloseSession(api=TelegramAPIServer.from_base(self.api.url))
        bot = Bot(self.api.token, session=session, default=DefaultBotProperties(parse_mode="HTML"))
        self.app = build_app(
            self.settings, bot, self.sessions, build_i18n(self.settings.default_language)
        )
        self._task = asyncio.create_task(
            self.app.dispatcher.start_polling(bot, handle_signals=False, polling_timeout=1)
        )
        for _ in range(250):
            if self.api.calls_of("getUpdates"):
                return
            if self._task.done():
                self._task.result()
            await asyncio.sleep(0.02)
        raise AssertionError("the bot did not start polling")

    async def stop(self) -> None:
        if self.app is not None and self._task is not None:
            await self.app.dispatcher.stop_polling()
            await self._task
            self._task = None

    async def restart(self) -> None:
        await self.stop()
        await self.start()

    async def close(self) -> None:
        await self.stop()
        await self.engine.dispose()

    async def seed(self, user_id: int, answers: dict, at: str, language: str = "fr") -> int:
        """A registered official of Dakar with a draft positioned at question `at`."""
        async with self.sessions() as session:
            account = new_account(session, user_id, "Awa")
            account.language = language
            account.city_name, account.country = "Dakar", "SN"
            account.full_name, account.function = "Awa Ndiaye", "Directrice technique"
            account.phone, account.email = "+221771234567", "awa@dakar.sn"
            await link_city(session, account)
            dossier = await create_dossier(session, account, answers)
            dossier.cursor = {"q": at}
            await session.commit()
            return dossier.id

    def user(
        self, user_id: int, language_code: str = "fr", first_name: str = "Awa"
    ) -> TelegramUser:
        return TelegramUser(
            self.api, user_id, language_code=language_code, first_name=first_name, quiet=0.15
        )
