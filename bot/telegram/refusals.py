"""The one place where a refusal raised by a use case (`bot.domain.refusals.Refused`, e.g. a move
someone else took first) becomes the polite answer, in the presser's language: a button's popup
(answerCallbackQuery) when its query is not answered yet, else a message in the chat; a message
in the chat for a typed message. Nothing was written by the refused use case; what the handler
did before (a conversation state cleared, say) stands, as when it answered itself."""

from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from aiogram import BaseMiddleware, Bot
from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.methods import AnswerCallbackQuery
from aiogram.methods.base import Response, TelegramMethod, TelegramType
from aiogram.types import CallbackQuery, TelegramObject
from aiogram.utils.i18n import I18n

from bot.domain.refusals import Refused
from bot.telegram.i18n import OWN_LANGUAGE
from bot.telegram.middlewares import Handler

# The callback queries answered while the current update is handled (None: outside one).
_answered: ContextVar[set[str] | None] = ContextVar("answered_queries", default=None)


class AnsweredQueries(BaseRequestMiddleware):
    """Notes which button presses were already answered: a query is answered once."""

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        answered = _answered.get()
        if answered is not None and isinstance(method, AnswerCallbackQuery):
            answered.add(method.callback_query_id)
        return await make_request(bot, method)


class RefusalMiddleware(BaseMiddleware):
    """Around the handlers of messages and button presses (inside the i18n middleware: the
    words are in the presser's language). `words`: a refusal's text (bot/screens/errors.py)."""

    def __init__(self, words: Callable[[Refused], str]) -> None:
        self.words = words

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        token = _answered.set(set())
        try:
            return await handler(event, data)
        except Refused as refused:
            done = _answered.get() or set()
            i18n: I18n | None = data.get("i18n")
            if isinstance(event, CallbackQuery) and event.id not in done and i18n is not None:
                # A popup only the presser sees: in their language, even in a shared chat.
                with i18n.use_locale(data.get(OWN_LANGUAGE) or i18n.current_locale):
                    text = self.words(refused)
            else:
                text = self.words(refused)
            await self._tell(event, data, text, done)
            return None
        finally:
            _answered.reset(token)

    @staticmethod
    async def _tell(event: TelegramObject, data: dict[str, Any], text: str, done: set[str]) -> None:
        if isinstance(event, CallbackQuery) and event.id not in done:
            await event.answer(text, show_alert=True)
            return
        chat = data.get("event_chat")
        user = data.get("event_from_user")
        chat_id = chat.id if chat is not None else user.id if user is not None else None
        if chat_id is None:
            return
        bot: Bot = data["bot"]
        # Where the handler's own answers go: the chat, and its forum topic if any.
        await bot.send_message(chat_id, text, message_thread_id=data.get("event_thread_id"))
