"""The stand-in without HTTP: an aiogram session and a user that feed the dispatcher directly.

    api = BotAPIStandIn()                      # no server needed
    bot = Bot(api.token, session=InProcessSession(api))
    user = InProcessUser(api, 4242, feed=lambda update: dp.feed_raw_update(bot, update))
    reply = await user.send("/start")

`InProcessSession.make_request` serialises a method exactly as aiogram's AiohttpSession
does (`BaseSession.prepare_value` on every field, files as uploads) and hands the
parameters to `BotAPIStandIn.answer_api`, the same code the HTTP route runs: unknown
parameters refused, HTML parsed, lengths, keyboards, injected delays, 429/5xx and dropped
connections, calls recorded. The answer goes back through `check_response` as JSON text,
so errors raise the same aiogram exceptions as over HTTP. File downloads read the stand-in's
file store through `answer_file`.

`InProcessUser` has the API of `TelegramUser`; each action registers the update with the
stand-in (`take_update`), awaits the feed (the whole handling of the update) and returns
what the bot did meanwhile. There is no quiet period: when the feed returns, the bot's own
work for the update is done; messages the bot sends later from a background worker (the
outbox) are awaited only up to `expect`.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
from collections.abc import AsyncGenerator, Awaitable, Callable
from typing import TYPE_CHECKING, Any, cast

from aiogram.client.session.base import BaseSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import TelegramNetworkError
from aiogram.methods.base import TelegramMethod, TelegramType
from aiohttp import ClientResponseError, RequestInfo
from multidict import CIMultiDict, CIMultiDictProxy
from yarl import URL

from .client import Reply, TelegramUser
from .server import BotAPIStandIn
from .validation import UploadedFile

if TYPE_CHECKING:
    from aiogram import Bot

BASE_URL = "http://standin.invalid"
_FILE_URL_RE = re.compile(r"^/file/bot([^/]+)/(.+)$")

Feed = Callable[[dict[str, Any]], Awaitable[Any]]


class InProcessSession(BaseSession):
    """An aiogram session whose requests are answered by a `BotAPIStandIn` in this process."""

    def __init__(self, standin: BotAPIStandIn, **kwargs: Any) -> None:
        super().__init__(api=TelegramAPIServer.from_base(BASE_URL), **kwargs)
        self.standin = standin

    async def close(self) -> None:
        pass

    async def form_fields(
        self, bot: Bot, method: TelegramMethod[Any]
    ) -> tuple[dict[str, Any], dict[str, UploadedFile]]:
        """The request's parameters as AiohttpSession.build_form_data would post them:
        strings (objects and arrays as JSON text), empty values left out, files as
        multipart parts named by the `attach://` keys."""
        raw: dict[str, Any] = {}
        uploads: dict[str, UploadedFile] = {}
        files: dict[str, Any] = {}
        for key, value in method.model_dump(warnings=False).items():
            value = self.prepare_value(value, bot=bot, files=files)
            if not value:
                continue
            raw[key] = value
        for key, value in files.items():
            data = b"".join([chunk async for chunk in value.read(bot)])
            upload = UploadedFile(key, value.filename or key, "application/octet-stream", data)
            uploads[key] = upload
            raw[key] = upload
        return raw, uploads

    async def make_request(
        self,
        bot: Bot,
        method: TelegramMethod[TelegramType],
        timeout: int | None = None,  # noqa: ASYNC109 (aiogram's signature)
    ) -> TelegramType:
        async def read() -> tuple[dict[str, Any], dict[str, UploadedFile]]:
            return await self.form_fields(bot, method)

        try:
            async with asyncio.timeout(self.timeout if timeout is None else timeout):
                answer = await self.standin.answer_api(bot.token, method.__api_method__, read)
        except TimeoutError as e:
            raise TelegramNetworkError(method=method, message="Request timeout error") from e
        if answer.status == 0:  # what aiohttp reports when the server closes the connection
            raise TelegramNetworkError(
                method=method, message="ServerDisconnectedError: Server disconnected"
            )
        response = self.check_response(
            bot=bot,
            method=method,
            status_code=answer.status,
            content=json.dumps(answer.body, ensure_ascii=False),
        )
        return cast(TelegramType, response.result)

    async def stream_content(
        self,
        url: str,
        headers: dict[str, Any] | None = None,
        timeout: int = 30,  # noqa: ASYNC109
        chunk_size: int = 65536,
        raise_for_status: bool = True,
    ) -> AsyncGenerator[bytes, None]:
        match = _FILE_URL_RE.match(URL(url).path)
        status, content = (404, b"") if match is None else self.standin.answer_file(*match.groups())
        if status != 200 and raise_for_status:
            info = RequestInfo(URL(url), "GET", CIMultiDictProxy(CIMultiDict()), URL(url))
            raise ClientResponseError(info, (), status=status, message="Not Found")
        for start in range(0, len(content), chunk_size):
            yield content[start : start + chunk_size]


class InProcessUser(TelegramUser):
    """A `TelegramUser` whose actions are fed to the dispatcher directly (see module doc)."""

    def __init__(self, api: BotAPIStandIn, user_id: int, *, feed: Feed, **kwargs: Any) -> None:
        kwargs.setdefault("timeout", 5.0)
        super().__init__(api, user_id, **kwargs)
        self.feed = feed

    async def _act(
        self,
        update: dict,
        expect: int,
        *,
        answered: str | None = None,
        quiet: float | None = None,
        timeout: float | None = None,  # noqa: ASYNC109
    ) -> Reply:
        del answered, quiet  # nothing to wait for: the feed returns when the update is handled
        timeout = self.timeout if timeout is None else timeout
        start = len(self.api.calls)
        await self.feed(self.api.take_update(update))
        deadline = time.monotonic() + timeout
        while True:
            reply = self._collect(start)
            if len(reply) >= expect:
                return reply
            if time.monotonic() > deadline:
                self._fail(
                    f"expected {expect} new or edited message(s) in chat {self.chat_id} within "
                    f"{timeout}s, got {len(reply)}",
                    start,
                )
            await self.api.wait_change(deadline - time.monotonic())
