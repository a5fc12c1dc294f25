"""The webhook endpoint: aiogram's SimpleRequestHandler, answering Telegram only once the update's
transaction has committed.

aiogram's handler with `handle_in_background=False` awaits `Dispatcher.feed_webhook_update`, which
runs the whole update (DatabaseMiddleware commits inside it) before the HTTP answer. Two things are
changed here:
- a method a handler returns is called by us, not written into the HTTP answer (Telegram never
  says whether such a method worked);
- past `answer_within` seconds (Telegram waits about 60), aiogram answers 200 while the update is
  still running; here the answer is 503 instead, the update goes on, and Telegram's redelivery is
  dropped by the `update_id` check once the first one committed (or handled if it did not).
A missing or wrong `X-Telegram-Bot-Api-Secret-Token` is a 401 before anything is read or logged.
"""

import asyncio
import logging
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.methods import TelegramMethod
from aiogram.webhook.aiohttp_server import SimpleRequestHandler
from aiohttp import web

log = logging.getLogger(__name__)
ANSWER_WITHIN = 50.0  # seconds; Telegram gives up on a webhook request after about 60
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


class CommittedRequestHandler(SimpleRequestHandler):
    def __init__(
        self,
        dispatcher: Dispatcher,
        bot: Bot,
        secret_token: str,
        answer_within: float = ANSWER_WITHIN,
        **data: Any,
    ) -> None:
        super().__init__(
            dispatcher, bot, handle_in_background=False, secret_token=secret_token, **data
        )
        self.answer_within = answer_within
        self.late: set[asyncio.Task[Any]] = set()  # updates still running after their answer

    async def handle(self, request: web.Request) -> web.Response:
        bot = await self.resolve_bot(request)
        if not self.verify_secret(request.headers.get(SECRET_HEADER, ""), bot):
            log.warning("webhook request refused: missing or wrong secret token")
            return web.Response(status=401, text="Unauthorized")
        try:
            update = await request.json(loads=bot.session.json_loads)
        except ValueError:
            return web.Response(status=400, text="Bad Request")
        if not isinstance(update, dict) or not isinstance(update.get("update_id"), int):
            return web.Response(status=400, text="Bad Request")
        ids = {"update_id": update["update_id"]}
        task = asyncio.ensure_future(self._feed(bot, update))
        done, _ = await asyncio.wait({task}, timeout=self.answer_within)
        if not done:
            self.late.add(task)
            task.add_done_callback(self.late.discard)
            log.warning("update still running: Telegram will send it again", extra=ids)
            return web.Response(status=503, text="Still working")
        if task.exception() is not None:
            log.error("update failed", exc_info=task.exception(), extra=ids)
            return web.Response(status=500, text="Internal Server Error")
        return web.json_response({})

    async def _feed(self, bot: Bot, update: dict[str, Any]) -> None:
        result = await self.dispatcher.feed_raw_update(bot, update, **self.data)
        if isinstance(result, TelegramMethod):
            await bot(result)

    __call__ = handle
