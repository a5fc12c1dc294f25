"""`python -m bot`: configuration → storage → languages → dispatcher → long polling."""

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
    from bot.app import build_app, build_bot
    from bot.telegram.i18n import build_i18n
    from storage.db import create_engine, migrate, session_factory

    engine = create_engine(settings.database_url)
    try:
        await migrate(engine)
        settings.files_dir.mkdir(parents=True, exist_ok=True)
        bot = build_bot(settings)
        app = build_app(
            settings, bot, session_factory(engine), build_i18n(settings.default_language)
        )
        await app.dispatcher.start_polling(bot, handle_signals=True, close_bot_session=True)
    finally:
        await engine.dispose()


def main() -> None:
    try:
        settings = Settings()
    except ValidationError as error:
        print(f"configuration error: {describe_error(error)}", file=sys.stderr)
        raise SystemExit(2) from None
    setup_logging(settings.log_level, [settings.bot_token.get_secret_value()])
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(run(settings))


if __name__ == "__main__":
    main()
