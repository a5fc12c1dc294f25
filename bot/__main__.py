"""`python -m bot`: configuration → storage → languages → dispatcher → long polling, or the
webhook server (BOT_MODE=webhook)."""

import asyncio
import contextlib
import logging
import sys

from pydantic import ValidationError

from bot.config import Settings, describe_error
from bot.logs import setup_logging

log = logging.getLogger("bot")


async def run(settings: Settings) -> None:
    # Imported here: a bad configuration is told in a second, before aiogram's seconds of imports.
    from bot.app import build_app, build_bot, settle_memory
    from bot.services.delivery import Readers
    from bot.services.health import Health
    from bot.telegram.i18n import build_i18n
    from bot.web import health_app, serve_webhook, start_site, webhook_app
    from storage.db import create_engine, migrate, open_connections, session_factory

    engine = create_engine(
        settings.database_url,
        pool_size=settings.database_pool_size,
        max_overflow=settings.database_max_overflow,
    )
    redis = None
    try:
        await migrate(engine)  # under an advisory lock on PostgreSQL: several may start at once
        await open_connections(engine, settings.database_pool_size)
        settings.files_dir.mkdir(parents=True, exist_ok=True)
        isolation = None
        if settings.redis_url is not None:
            from aiogram.fsm.storage.redis import RedisEventIsolation
            from redis.asyncio import Redis

            redis = Redis.from_url(settings.redis_url.get_secret_value())
            # Two updates of one person never run at once, whichever process gets them. A lock
            # left by a killed process expires after `REDIS_LOCK_SECONDS`.
            isolation = RedisEventIsolation(
                redis, lock_kwargs={"timeout": settings.redis_lock_seconds}
            )
        elif settings.bot_mode == "webhook":
            log.warning("webhook mode without REDIS_URL: run one process only (the lock is local)")
        bot = build_bot(settings)
        sessions = session_factory(engine)
        app = build_app(settings, bot, sessions, build_i18n(settings.default_language), isolation)
        settle_memory()
        readers = Readers(settings, sessions)
        staff_chats = {which: chat for chat, (which, _) in readers.staff_chats().items()}
        health = Health(engine, sessions, redis.ping if redis is not None else None, staff_chats)
        if settings.bot_mode == "webhook":
            assert settings.webhook_secret is not None
            web_app = webhook_app(
                health,
                app.dispatcher,
                bot,
                settings.webhook_path,
                settings.webhook_secret.get_secret_value(),
            )
            await serve_webhook(web_app, settings.webhook_host, settings.listen_port)
            return
        runner = None
        if settings.metrics_port is not None:
            runner = await start_site(
                health_app(health), settings.webhook_host, settings.metrics_port
            )
        try:
            await app.dispatcher.start_polling(bot, handle_signals=True, close_bot_session=True)
        finally:
            if runner is not None:
                await runner.cleanup()
    finally:
        if redis is not None:
            await redis.aclose()
        await engine.dispose()


def main() -> None:
    try:
        settings = Settings()
    except ValidationError as error:
        print(f"configuration error: {describe_error(error)}", file=sys.stderr)
        raise SystemExit(2) from None
    setup_logging(settings.log_level, settings.secrets)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(run(settings))


if __name__ == "__main__":
    main()
