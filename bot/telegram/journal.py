"""A reply is never lost around a crash, and an effect never happens twice.

A use case commits its effect together with the update's id, then the handler replies ("📤
Dossier submitted…", a staff member's "✔ Done"). A process killed in between leaves the effect
without its reply, and the update Telegram sends again is a duplicate (its id is stored): it is
not handled again. So, once the update's effect is committed, each request the handler makes is
first written down with the update's id (`ReplyJournal`, a request middleware on the bot's
session), and a duplicate update makes again what its first handling wrote down (`replay`): the
reply arrives (at worst twice, never not at all), the effect stays once.

Written down: requests that show something (send, edit, copy, forward, delete). Not: answers to
a button press (expired by then), reads, uploads of a file (a reply with a file is made by a
handler that changes nothing), anything before the effect's commit (the update is then handled
again from the start), and the replies of a handler flagged `replay="where"`: an answer to a
form's question, the hot path, whose reply is the screen of where the person is now; a duplicate
of it shows that screen again (`REPLAYING`, handlers/replay.py), with no write for it before.
"""

import contextlib
import logging
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from typing import Any

import aiogram.methods
from aiogram import BaseMiddleware, Bot
from aiogram.client.default import Default
from aiogram.client.session.middlewares.base import (
    BaseRequestMiddleware,
    NextRequestMiddlewareType,
)
from aiogram.dispatcher.flags import get_flag
from aiogram.exceptions import TelegramAPIError
from aiogram.methods import SendChatAction
from aiogram.methods.base import TelegramMethod, TelegramType
from aiogram.types import InputFile, TelegramObject, Update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.logs import current_update
from bot.telegram.fsm_storage import update_session
from bot.telegram.states import Flow
from storage.db import write_turn
from storage.updates import effect_committed, remember_reply, replies

log = logging.getLogger(__name__)
SHOWN = ("Send", "Edit", "Copy", "Forward", "Delete")
REPLAYING = "replaying_update"  # in an update's data: a duplicate, its screen shown again
WHERE = "where"  # a handler's `replay` flag: its reply is re-derived (where the person is)
_rederived: ContextVar[bool] = ContextVar("reply_rederived", default=False)


class ReplayFlag(BaseMiddleware):
    """Inner middleware (messages, button presses): a handler flagged `replay="where"` writes
    nothing down before replying; a duplicate of its update is answered by the screen of where
    the person is (see the module doc)."""

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        if get_flag(data, "replay") != WHERE:
            return await handler(event, data)
        token = _rederived.set(True)
        try:
            return await handler(event, data)
        finally:
            _rederived.reset(token)


def _journaled(method: TelegramMethod[Any]) -> bool:
    name = type(method).__name__
    return name.startswith(SHOWN) and not isinstance(method, SendChatAction)


def _params(bot: Bot, method: TelegramMethod[Any]) -> dict[str, Any] | None:
    """The method's parameters as JSON values (its defaults resolved), or None for an upload."""
    defaults: dict[str, Any] = {}
    for name in type(method).model_fields:
        value = getattr(method, name)
        if isinstance(value, InputFile):
            return None
        if isinstance(value, Default):
            defaults[name] = bot.default[value.name]
    try:
        given = method.model_fields_set - defaults.keys()
        params = method.model_dump(mode="json", include=given, exclude_none=True)
    except (TypeError, ValueError):
        return None
    params.update({name: value for name, value in defaults.items() if value is not None})
    return params


class ReplyJournal(BaseRequestMiddleware):
    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Any:
        session = update_session.get()
        update_id = current_update.get()
        if (
            session is not None
            and update_id is not None
            and effect_committed(session)
            and _journaled(method)
            and not _rederived.get()
        ):
            await self._remember(session, bot, update_id, method)
        return await make_request(bot, method)

    @staticmethod
    async def _remember(
        session: AsyncSession, bot: Bot, update_id: int, method: TelegramMethod[Any]
    ) -> None:
        params = _params(bot, method)
        if params is None:
            return
        async with write_turn(session):
            remember_reply(session, update_id, type(method).__name__, params)
            await session.commit()


async def replay(session: AsyncSession, bot: Bot, update: Update) -> int:
    """Make again what a duplicate update's first handling sent after its effect; how many.
    Each request on its own: one refused (an edit that changes nothing now) stops no other."""
    done = 0
    made = await replies(session, update.update_id)
    if made and update.callback_query is not None:
        with contextlib.suppress(TelegramAPIError):  # the spinner stops, if it is not too late
            await bot.answer_callback_query(update.callback_query.id)
    for reply in made:
        method = getattr(aiogram.methods, reply.method, None)
        if method is None:
            continue
        try:
            await bot(method.model_validate(reply.params))
            done += 1
        except TelegramAPIError as error:
            log.info("reply not made again", extra={"method": reply.method, "error": str(error)})
    if done:
        log.info("replies of a duplicate update made again", extra={"count": done})
    return done


FORM_STATES = frozenset({Flow.registering.state, Flow.dossier.state})


def rederivable(event: Update, state: str | None) -> bool:
    """A duplicate whose reply is where the person is now: a message or a button press in a
    private chat, from someone answering a form."""
    if state not in FORM_STATES:
        return False
    message = event.message or (event.callback_query.message if event.callback_query else None)
    return message is not None and message.chat.type == "private"


def install(bot: Bot) -> None:
    """Put the journal on the bot's session once (it must come before the fitting: a reply is
    written down as the handler made it)."""
    if not any(isinstance(m, ReplyJournal) for m in bot.session.middleware):
        bot.session.middleware(ReplyJournal())
