"""Assembly: the dispatcher with its storage, middlewares, routers and start/stop hooks."""

import gc
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar

from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.client.telegram import TelegramAPIServer
from aiogram.fsm.storage.base import BaseEventIsolation
from aiogram.fsm.storage.memory import SimpleEventIsolation
from aiogram.methods.base import Response, TelegramMethod, TelegramType
from aiogram.types import BotCommand, BotCommandScopeChat, BotCommandScopeDefault
from aiogram.utils.i18n import I18n
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.config import Settings
from bot.domain.rules import FundingRules
from bot.screens.commands import CITY_COMMANDS, bot_commands
from bot.screens.delivery import cut_pointer, missed_summary
from bot.screens.errors import refused_text
from bot.services.delivery import Pager, Readers
from bot.telegram import fitting, journal
from bot.telegram.delivery import MissedNotices
from bot.telegram.fsm_storage import DatabaseStorage
from bot.telegram.i18n import LANGUAGES, AccountI18nMiddleware
from bot.telegram.middlewares import DatabaseMiddleware, InflightMiddleware, MetricsMiddleware
from bot.telegram.refusals import AnsweredQueries, RefusalMiddleware
from bot.telegram.topics import SecretariatTopics
from bot.wiring import UpdateServices
from bot.workers.emergencies import EscalationJob, SitrepRequestJob
from bot.workers.follow_up import ChaseJob, ReportJob
from bot.workers.housekeeping import Housekeeping
from bot.workers.limits import RateLimiter
from bot.workers.outbox import OutboxWorker
from bot.workers.reminders import DigestJob, ReminderJob
from bot.workers.scheduler import Scheduler
from handlers import build_router

log = logging.getLogger(__name__)
COMMANDS = CITY_COMMANDS
# The menu in the Secretariat's chat: the review's commands (each checks the presser's role).
GROUP_COMMANDS = (
    "queue", "dossier", "emergencies", "sessions", "export", "agenda", "stats", "cities",
    "registrations", "staff", "cancel",
)  # fmt: skip
SHUTDOWN_GRACE = 25.0


def command_list(i18n: I18n, language: str, names: tuple[str, ...] = COMMANDS) -> list[BotCommand]:
    with i18n.context(), i18n.use_locale(language):
        return bot_commands(names)


def build_bot(settings: Settings) -> Bot:
    session = AiohttpSession(api=TelegramAPIServer.from_base(settings.bot_api_url))
    return Bot(
        settings.bot_token.get_secret_value(),
        session=session,
        default=DefaultBotProperties(parse_mode="HTML"),
    )


class KeepResponseModels(BaseRequestMiddleware):
    """aiogram reads every answer of the Bot API with `Response[T]`, a pydantic model made per
    return type, which pydantic caches only weakly: once the garbage collector has dropped it, the
    next request builds it again (1–5 ms of CPU each time, as much as the rest of a short update;
    in the tests a third of the requests did). Kept here, each is built once per process."""

    kept: ClassVar[dict[Any, type]] = {}

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        returning = method.__returning__
        if returning not in self.kept:
            self.kept[returning] = Response[returning]  # type: ignore[valid-type]
        return await make_request(bot, method)


def settle_memory() -> None:
    """Once the app is built: what exists now (modules, aiogram's models, the app) lives as long
    as the process, so full garbage collections stop going through it (`gc.freeze`), and young
    objects are collected every 10,000 allocations instead of 700: an update makes thousands of
    short-lived objects, and the default made a collection every few updates (~3% of the CPU)."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(10_000, 20, 20)


@dataclass
class App:
    dispatcher: Dispatcher
    outbox: OutboxWorker
    inflight: InflightMiddleware
    scheduler: Scheduler | None = None


def build_app(
    settings: Settings,
    bot: Bot,
    sessions: async_sessionmaker[AsyncSession],
    i18n: I18n,
    events_isolation: BaseEventIsolation | None = None,
    outbox_limits: RateLimiter | None = None,
    scheduler_clock: Callable[[], datetime] | None = None,
) -> App:
    """A fresh dispatcher each call (tests build several); nothing is global but the models that
    read the Bot API's answers (`KeepResponseModels`). `outbox_limits` default to Telegram's
    (tests of whole conversations shrink them); `scheduler_clock` (an aware UTC now) is the
    reminders' and digest's clock, the real one by default."""
    if not any(isinstance(m, KeepResponseModels) for m in bot.session.middleware):
        bot.session.middleware(KeepResponseModels())
    if not any(isinstance(m, AnsweredQueries) for m in bot.session.middleware):
        bot.session.middleware(AnsweredQueries())
    rules = FundingRules(settings.fund_max_share, settings.city_min_share)
    readers = Readers(settings, sessions)
    # A reply sent after its update's effect is written down first (made again if the update
    # comes again), then every request, replies and the outbox's alike, fits Telegram's limits.
    journal.install(bot)
    fitting.install(bot, fitting.reader_pointer(i18n, readers.language, cut_pointer))
    limiter = outbox_limits or RateLimiter(global_count=settings.outbox_global_rate)
    # A card or an alert that cannot be delivered pages the admins.
    outbox = OutboxWorker(bot, sessions, limiter=limiter, pager=Pager(readers, i18n))
    # FSM registered by hand: it must run inside DatabaseMiddleware, which takes the lock.
    storage = DatabaseStorage(sessions)
    dp = Dispatcher(
        storage=storage,
        disable_fsm=True,
        settings=settings,
        rules=rules,
        outbox=outbox,
        topics=SecretariatTopics(settings.secretariat_chat_id),
    )
    inflight = InflightMiddleware()
    isolation = events_isolation or SimpleEventIsolation()
    dp.update.outer_middleware(inflight)
    dp.update.outer_middleware(MetricsMiddleware())
    dp.update.outer_middleware(
        DatabaseMiddleware(sessions, settings.default_language, dp.fsm, storage, isolation)
    )
    dp.update.outer_middleware(dp.fsm)
    AccountI18nMiddleware(i18n).setup(dp)
    refused = RefusalMiddleware(refused_text)
    missed = MissedNotices(
        missed_summary
    )  # someone who had blocked the bot is told what they missed
    for observer in (dp.message, dp.callback_query):
        observer.middleware(missed)
        observer.middleware(journal.ReplayFlag())  # an answer's reply is re-derived, not written
        observer.middleware(refused)  # a use case's refusal told politely (innermost)
    services = UpdateServices()  # each handler names the ones it uses
    for name, observer in dp.observers.items():
        if name not in ("update", "error"):
            observer.outer_middleware(services)  # after the i18n middleware, which sits here too
    dp.include_router(build_router())

    housekeeping = Housekeeping(sessions)
    scheduler = Scheduler(
        sessions,
        [
            ReminderJob(settings, i18n),
            DigestJob(settings, i18n),
            EscalationJob(settings, i18n),
            SitrepRequestJob(settings, i18n),
            ChaseJob(settings, i18n),
            ReportJob(settings, i18n),
        ],
        on_messages=outbox.wake,
        **({"clock": scheduler_clock} if scheduler_clock else {}),
    )
    dp["scheduler"] = scheduler  # woken after a commit that planned a timer (an escalation)

    async def on_startup(bot: Bot) -> None:
        if settings.bot_mode == "webhook":
            # Every process sets the same webhook: the call is idempotent, and no update waiting
            # at Telegram is dropped. Shutdown leaves it set (the other processes serve on).
            assert settings.webhook_secret is not None
            await bot.set_webhook(
                settings.webhook_url,
                secret_token=settings.webhook_secret.get_secret_value(),
                allowed_updates=dp.resolve_used_update_types(),
                max_connections=settings.webhook_max_connections,
                drop_pending_updates=False,
            )
        else:
            await bot.delete_webhook(drop_pending_updates=False)
        default_commands = command_list(i18n, settings.default_language)
        await bot.set_my_commands(default_commands, scope=BotCommandScopeDefault())
        for language in LANGUAGES:
            await bot.set_my_commands(command_list(i18n, language), language_code=language)
        if settings.secretariat_chat_id is not None:
            staff = command_list(i18n, settings.notify_language, GROUP_COMMANDS)
            scope = BotCommandScopeChat(chat_id=settings.secretariat_chat_id)
            await bot.set_my_commands(staff, scope=scope)
        outbox.start()
        housekeeping.start()
        scheduler.start()
        log.info("bot started")

    async def on_shutdown() -> None:
        await inflight.drain(SHUTDOWN_GRACE)
        await housekeeping.stop()
        await scheduler.stop()
        await outbox.stop()
        log.info("bot stopped")

    dp.startup.register(on_startup)
    dp.shutdown.register(on_shutdown)
    return App(dp, outbox, inflight, scheduler)
