"""The real bot against a strict Bot API stand-in, with a database of its own.

Two ways to reach it, sharing settings, seeding and the user API:
- `InProcessBot` (most tests): requests answered in-process by the stand-in through the same
  checks as over HTTP, each user action fed to the dispatcher and awaited (no polling);
- `RunningBot`: the bot long-polling the stand-in over real HTTP, like a deployment.
"""

import asyncio
import socket
from datetime import UTC, datetime
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.methods.base import TelegramMethod
from aiogram.types import Update
from aiogram.utils.i18n import I18n
from aiohttp import ClientSession, web
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.app import App, build_app
from bot.config import Settings
from bot.notify.readers import Audience
from bot.services.health import Health
from bot.services.people import link_city
from bot.telegram.i18n import build_i18n
from bot.web import webhook_app
from bot.workers.limits import RateLimiter
from storage import outbox
from storage.accounts import new_account
from storage.db import create_engine, session_factory
from storage.dossiers import create_dossier
from storage.models import Dossier
from storage.types import utcnow
from testkit.databases import prepared
from testkit.standin import BotAPIStandIn, TelegramUser
from testkit.standin.inprocess import BASE_URL, InProcessSession, InProcessUser

SECRETARIAT = -1001234567890
# Telegram's pacing (1 message a second per chat, 20 a minute per group) has tests of its own
# (test_outbox_faults.py); whole conversations are tested with it shrunk a hundredfold.
QUICK_LIMITS_ARGS = {"per_chat": 0.01, "group_window": 0.6}
SECRETARIAT_GROUP = {"id": SECRETARIAT, "type": "supergroup", "title": "Secrétariat permanent"}
# The emergencies' other chats: the Humanitarian Aid commission's and the Presidency's.
COMMISSION, PRESIDENCY = -1009876543210, -1005555555555
COMMISSION_GROUP = {"id": COMMISSION, "type": "supergroup", "title": "Commission"}
PRESIDENCY_GROUP = {"id": PRESIDENCY, "type": "supergroup", "title": "Présidence"}
# The app's scheduler (reminders, digest) runs on `bot.now`, which stands at a moment when nothing
# is due, so no test depends on the real date; tests of the scheduler call its `run_once(now)`.
QUIET = datetime(2026, 6, 1, 7, 0, tzinfo=UTC)


@cache
def catalogs(language: str) -> I18n:
    """The catalogs in a default language, read once per test process (5 ms each time: the
    `.po` files hashed, the `.mo` files parsed) and shared by every app it builds."""
    return build_i18n(language)


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


class BotUnderTest:
    """What both ways share: settings, database, seeding, reading answers back."""

    def __init__(
        self, api: BotAPIStandIn, tmp_path: Path, database_url: str | None = None, **settings: Any
    ) -> None:
        self.api = api
        # The dossier's PDF with each submission's card costs a fraction of a second: only the
        # tests of that feature turn it on (production's default is on).
        settings.setdefault("card_pdf", False)
        self.settings = Settings(
            _env_file=None,
            bot_token=api.token,
            bot_api_url=api.url or BASE_URL,
            database_url=database_url or f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}",
            secretariat_chat_id=SECRETARIAT,
            files_dir=tmp_path / "files",
            **settings,
        )
        self.engine = create_engine(self.settings.database_url)
        self.sessions: async_sessionmaker[AsyncSession] = session_factory(self.engine)
        self.app: App | None = None
        self.now = QUIET

    def clock(self) -> datetime:
        """The app scheduler's clock."""
        return self.now

    async def add_staff(self, user_id: int, role: str, language: str, name: str) -> None:
        """Someone the Secretariat gave a role to (as /staff would), who has started a private
        chat with the bot (its invite link opens one)."""
        self.api.add_private(user_id, name)
        async with self.sessions() as session:
            account = new_account(session, user_id, name)
            account.role, account.language, account.full_name = role, language, name
            await session.commit()

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

    async def answers_of(self, dossier_id: int) -> dict:
        async with self.sessions() as session:
            return (await session.get(Dossier, dossier_id)).answers

    async def dossier(self, dossier_id: int) -> Dossier:
        async with self.sessions() as session:
            return await session.get(Dossier, dossier_id)

    async def start(self) -> None:
        raise NotImplementedError

    async def stop(self) -> None:
        raise NotImplementedError

    async def restart(self) -> None:
        await self.stop()
        await self.start()

    async def close(self) -> None:
        await self.stop()
        await self.engine.dispose()


def no_staff_chats() -> Audience:
    """An audience without staff chats: a use case called directly tells only people."""
    settings = Settings(_env_file=None, bot_token=BotAPIStandIn().token)
    return Audience.of(settings, catalogs(settings.default_language))


def audience_of(app: "InProcessBot") -> Audience:
    """Who the app's use cases tell, as its handlers build it (for a use case called directly)."""
    return Audience.of(app.settings, catalogs(app.settings.default_language))


class InProcessBot(BotUnderTest):
    """The bot's dispatcher fed update by update; its requests answered by the stand-in
    in-process. A restart builds a new app (new dispatcher, workers) on the same database."""

    bot: Bot | None = None

    async def start(self) -> None:
        await prepared(self.engine)
        self.bot = Bot(
            self.api.token,
            session=InProcessSession(self.api),
            default=DefaultBotProperties(parse_mode="HTML"),
        )
        self.app = build_app(
            self.settings,
            self.bot,
            self.sessions,
            catalogs(self.settings.default_language),
            outbox_limits=RateLimiter(**QUICK_LIMITS_ARGS),
            scheduler_clock=self.clock,
        )
        await self.app.dispatcher.emit_startup(**self._workflow())

    def _workflow(self) -> dict[str, Any]:
        """What start_polling hands to startup hooks and handlers."""
        assert self.app is not None and self.bot is not None
        return {"bot": self.bot, "dispatcher": self.app.dispatcher, "bots": [self.bot]}

    async def feed(self, update: dict[str, Any]) -> None:
        """Handle one update to the end, as a polling loop would (a returned method is called);
        unlike polling, an exception in the bot fails the test."""
        assert self.app is not None, "the bot is not started"
        workflow = self._workflow()
        bot = workflow.pop("bot")
        result = await self.app.dispatcher.feed_raw_update(bot, update, **workflow)
        if isinstance(result, TelegramMethod):
            await bot(result)

    async def drain_outbox(self, timeout: float = 20.0) -> None:  # noqa: ASYNC109
        """Deliver every message the outbox holds that is due now, here or by the background
        worker (which may hold a message when this is called: on a busy machine, a batch of
        them for seconds)."""
        assert self.app is not None
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            while await self.app.outbox.deliver_due():
                pass
            async with self.sessions() as session:
                due = [m for m in await outbox.pending(session) if m.due_at <= utcnow()]
            if not due:
                return
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError(f"outbox not drained: {[m.id for m in due]}")
            await asyncio.sleep(0.01)

    async def stop(self) -> None:
        if self.app is not None:
            await self.app.dispatcher.emit_shutdown(**self._workflow())
            self.app = None

    def user(
        self,
        user_id: int,
        language_code: str = "fr",
        first_name: str = "Awa",
        group: dict[str, Any] | None = None,
    ) -> InProcessUser:
        return InProcessUser(
            self.api,
            user_id,
            feed=self.feed,
            language_code=language_code,
            first_name=first_name,
            group=group,
        )


class OverHttp(BotUnderTest):
    """A bot the stand-in reaches over HTTP: its users wait until the bot has handled what they
    sent (`is_handled`), not for a quiet period."""

    def is_handled(self, update_id: int) -> bool:
        raise NotImplementedError

    async def _build(self) -> Bot:
        """The database at head and the app, its Bot talking HTTP to the stand-in."""
        await prepared(self.engine)
        session = QuickCloseSession(api=TelegramAPIServer.from_base(self.api.url))
        bot = Bot(self.api.token, session=session, default=DefaultBotProperties(parse_mode="HTML"))
        self.app = build_app(
            self.settings,
            bot,
            self.sessions,
            catalogs(self.settings.default_language),
            outbox_limits=RateLimiter(**QUICK_LIMITS_ARGS),
            scheduler_clock=self.clock,
        )
        return bot

    def user(
        self,
        user_id: int,
        language_code: str = "fr",
        first_name: str = "Awa",
        group: dict[str, Any] | None = None,
    ) -> TelegramUser:
        return TelegramUser(
            self.api,
            user_id,
            language_code=language_code,
            first_name=first_name,
            handled=self.is_handled,
            group=group,
        )


class RunningBot(OverHttp):
    """Start, stop and restart the bot the way a deployment would: long polling over HTTP."""

    _task: asyncio.Task[None] | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.handled: set[int] = set()  # update ids the bot finished handling, across restarts

    async def start(self) -> None:
        bot = await self._build()
        self._track_handled(self.app.dispatcher)
        polls = self.api.polls_started
        self._task = asyncio.create_task(
            self.app.dispatcher.start_polling(bot, handle_signals=False, polling_timeout=1)
        )
        for _ in range(250):
            if self.api.polls_started > polls:
                return
            if self._task.done():
                self._task.result()
            await asyncio.sleep(0.02)
        raise AssertionError("the bot did not start polling")

    def _track_handled(self, dispatcher: Dispatcher) -> None:
        """Note each update once the polling loop's feed_update returned (the update's work,
        commit included, is done), so user actions need no quiet period."""
        feed_update = dispatcher.feed_update

        async def tracked(bot: Bot, update: Update, **kwargs: Any) -> Any:
            try:
                return await feed_update(bot, update, **kwargs)
            finally:
                self.handled.add(update.update_id)
                self.api.notify()

        dispatcher.feed_update = tracked  # type: ignore[method-assign]

    async def stop(self) -> None:
        if self.app is not None and self._task is not None:
            await self.app.dispatcher.stop_polling()
            await self._task
            self._task = None

    def is_handled(self, update_id: int) -> bool:
        return update_id in self.handled


WEBHOOK_SECRET = "test-webhook-secret_0123456789abcdefXYZ"


class WebhookBot(OverHttp):
    """The bot in webhook mode, in this process: its aiohttp server on a local port, the stand-in
    posting each update to it over HTTP with the secret header. An update is handled (committed)
    once the stand-in got its 2xx answer, so users wait for exactly that."""

    _runner: web.AppRunner | None = None

    def __init__(self, api: BotAPIStandIn, tmp_path: Path, **kwargs: Any) -> None:
        self._socket = socket.socket()
        self._socket.bind(("127.0.0.1", 0))
        self.port = self._socket.getsockname()[1]
        self.base = f"http://127.0.0.1:{self.port}"
        super().__init__(
            api,
            tmp_path,
            bot_mode="webhook",
            webhook_url=f"{self.base}/webhook",
            webhook_secret=WEBHOOK_SECRET,
            **kwargs,
        )

    async def start(self) -> None:
        bot = await self._build()
        site_app = webhook_app(
            Health(self.engine, self.sessions), self.app.dispatcher, bot, "/webhook",
            WEBHOOK_SECRET,
        )  # fmt: skip
        self._runner = web.AppRunner(site_app, access_log=None, shutdown_timeout=1)
        await self._runner.setup()  # the dispatcher's startup: setWebhook
        await web.SockSite(self._runner, self._socket).start()

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
            self.app = None

    async def close(self) -> None:
        await super().close()
        self._socket.close()

    def is_handled(self, update_id: int) -> bool:
        return self.api.update_status(update_id) == "confirmed"


async def alerting_bot(tmp_path: Path, **settings: Any) -> "InProcessBot":
    """A started bot with the three chats an emergency alerts (the Secretariat's, the
    commission's, the Presidency's) and an escalation due at once (a round, unless told)."""
    api = BotAPIStandIn()
    for chat, title in ((SECRETARIAT, "SP"), (COMMISSION, "Commission"), (PRESIDENCY, "P")):
        api.add_group(chat, title)
    chats = {"commission_chat_id": COMMISSION, "presidency_chat_id": PRESIDENCY}
    quick = {"escalation_minutes": Decimal("0.01"), "escalation_rounds": 1}
    bot = InProcessBot(api, tmp_path, None, **{**chats, **quick, **settings})
    await bot.start()
    return bot


async def admins_bot(tmp_path: Path, *admin_ids: int) -> "InProcessBot":
    """A started bot whose Secretariat's chat is a group, with these ADMIN_IDS."""
    api = BotAPIStandIn()
    api.add_group(SECRETARIAT, "Secrétariat permanent")
    bot = InProcessBot(api, tmp_path, admin_ids=admin_ids)
    await bot.start()
    return bot


def check_clean(api: BotAPIStandIn) -> None:
    """What every end-to-end test ends with: no error and no unanswered button."""
    assert not api.unanswered_callback_queries()
    assert not api.errors, [(c.method, c.description) for c in api.errors]


async def in_process(tmp_path: Path, database_url: str | None = None) -> InProcessBot:
    """The bot fed in-process, with the Secretariat's group known to the stand-in."""
    api = BotAPIStandIn()
    api.add_group(SECRETARIAT, "Secrétariat permanent")
    bot = InProcessBot(api, tmp_path, database_url)
    await bot.start()
    return bot
