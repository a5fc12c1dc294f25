"""Strict local Bot API stand-in served over real HTTP, and a user-level test client.

    async with BotAPIStandIn() as api:
        bot = Bot(api.token, session=AiohttpSession(api=TelegramAPIServer.from_base(api.url)))
        user = TelegramUser(api, 4242)
        ...  # run a Dispatcher with dp.start_polling(bot, handle_signals=False)
        reply = await user.send("/start")

Modules: server (HTTP, recording, updates, fault injection), methods (supported
methods and their state), validation (parameters vs botapi.json), rules (keyboards,
commands), formatting / html_parser (HTML parse mode and lengths), files,
client (TelegramUser).
"""

from .client import Reply, TelegramUser
from .server import DEFAULT_TOKEN, BotAPIStandIn, Call

__all__ = ["DEFAULT_TOKEN", "BotAPIStandIn", "Call", "Reply", "TelegramUser"]
