"""Nothing the bot sends exceeds Telegram's limits: a request middleware on the bot's session
(`bot.session.middleware`), which every request goes through, direct replies and the outbox
worker's alike. The rules are bot/domain/fitting.py's; here they are applied to each method:

- a message text too long is split (`split`): the cut message first, with the keyboard, then
  what was cut off as replies to it, so the whole text arrives (the outbox splits its own
  messages when they are written, so that each part is a row of its own: storage/outbox.py);
- an edited text or a caption too long is cut (`cut`), with a pointer, in the reader's
  language, to where the whole text is (the dossier's or the emergency's screen, its PDF);
- a callback's answer, a topic's name and a button's label are shortened with "…";
- a button whose callback data is over 64 bytes is left out (a bug, logged: it would be
  refused, and the whole message with it).
"""

import html
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import Bot
from aiogram.client.default import Default
from aiogram.client.session.middlewares.base import (
    BaseRequestMiddleware,
    NextRequestMiddlewareType,
)
from aiogram.methods import (
    AnswerCallbackQuery,
    CreateForumTopic,
    EditForumTopic,
    EditMessageText,
    SendMediaGroup,
    SendMessage,
)
from aiogram.methods.base import TelegramMethod, TelegramType
from aiogram.types import (
    InlineKeyboardMarkup,
    Message,
    ReplyKeyboardMarkup,
    ReplyParameters,
)
from aiogram.utils.i18n import I18n

from bot.domain import fitting

log = logging.getLogger(__name__)
# The pointer line of a cut text, in the reader's language: (chat, text) → HTML.
Pointer = Callable[[int | str | None, str], Awaitable[str]]


class FitToTelegram(BaseRequestMiddleware):
    def __init__(self, pointer: Pointer) -> None:
        self.pointer = pointer

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Any:
        changes: dict[str, Any] = {}
        markup = getattr(method, "reply_markup", None)
        if isinstance(markup, InlineKeyboardMarkup | ReplyKeyboardMarkup):
            fitted = fit_markup(markup)
            if fitted is not markup:
                changes["reply_markup"] = fitted
        if isinstance(method, SendMessage):
            parts = self._parts(bot, method, method.text)
            if len(parts) > 1:
                return await self._send_parts(make_request, bot, method, parts, changes)
        elif isinstance(method, EditMessageText):
            text = await self._cut(bot, method, method.text, fitting.TEXT_LIMIT)
            if text is not None:
                changes["text"] = text
        elif isinstance(method, AnswerCallbackQuery) and method.text:
            short = fitting.shorten(method.text, fitting.CALLBACK_ANSWER_LIMIT)
            if short != method.text:
                changes["text"] = short
        elif isinstance(method, CreateForumTopic | EditForumTopic) and method.name:
            short = fitting.shorten(method.name, fitting.TOPIC_NAME_LIMIT)
            if short != method.name:
                changes["name"] = short
        elif isinstance(method, SendMediaGroup):
            media = [await self._fit_caption(bot, method, item) for item in method.media]
            if any(new is not old for new, old in zip(media, method.media, strict=True)):
                changes["media"] = media
        elif isinstance(getattr(method, "caption", None), str):
            caption = await self._cut(bot, method, method.caption, fitting.CAPTION_LIMIT)  # type: ignore[attr-defined]
            if caption is not None:
                changes["caption"] = caption
        if changes:
            method = method.model_copy(update=changes)
        return await make_request(bot, method)

    def _parts(self, bot: Bot, method: SendMessage, text: str) -> list[str]:
        if method.entities:
            return [text]  # explicit entities: the bot never sends them; left as they are
        if _is_html(bot, method.parse_mode):
            return fitting.split(text)
        return [html.unescape(part) for part in fitting.split(html.escape(text, quote=False))]

    async def _send_parts(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: SendMessage,
        parts: list[str],
        changes: dict[str, Any],
    ) -> Any:
        """The first part (with the keyboard, and what it answers), then the others as silent
        answers to it. The first part is the message: its id is what later edits use."""
        log.info("message split to fit Telegram", extra={"parts": len(parts)})
        first = await make_request(bot, method.model_copy(update={**changes, "text": parts[0]}))
        target = first.message_id if isinstance(first, Message) else None
        for part in parts[1:]:
            answer = ReplyParameters(message_id=target, allow_sending_without_reply=True)
            more = SendMessage(
                chat_id=method.chat_id,
                text=part,
                parse_mode=method.parse_mode,
                message_thread_id=method.message_thread_id,
                reply_parameters=answer if target is not None else None,
                disable_notification=True,
            )
            await make_request(bot, more)  # type: ignore[arg-type]
        return first

    async def _cut(
        self, bot: Bot, method: TelegramMethod[Any], text: str | None, limit: int
    ) -> str | None:
        """The text cut to `limit` with its pointer, or None when it fits as it is."""
        if (
            not text
            or getattr(method, "entities", None)
            or getattr(method, "caption_entities", None)
        ):
            return None
        as_html = _is_html(bot, getattr(method, "parse_mode", None))
        source = text if as_html else html.escape(text, quote=False)
        if fitting.fits(source, limit):
            return None
        pointer = await self.pointer(getattr(method, "chat_id", None), source)
        log.info("text cut to fit Telegram", extra={"method": type(method).__name__})
        fitted = fitting.cut(source, limit, pointer)
        return fitted if as_html else html.unescape(fitted)

    async def _fit_caption(self, bot: Bot, method: SendMediaGroup, item: Any) -> Any:
        caption = getattr(item, "caption", None)
        if not isinstance(caption, str):
            return item
        if getattr(item, "caption_entities", None):
            return item
        as_html = _is_html(bot, getattr(item, "parse_mode", None))
        source = caption if as_html else html.escape(caption, quote=False)
        if fitting.fits(source, fitting.CAPTION_LIMIT):
            return item
        pointer = await self.pointer(method.chat_id, source)
        fitted = fitting.cut(source, fitting.CAPTION_LIMIT, pointer)
        return item.model_copy(update={"caption": fitted if as_html else html.unescape(fitted)})


def _is_html(bot: Bot, parse_mode: Any) -> bool:
    if isinstance(parse_mode, Default):
        parse_mode = bot.default[parse_mode.name]
    return isinstance(parse_mode, str) and parse_mode.lower() == "html"


def fit_markup(
    markup: InlineKeyboardMarkup | ReplyKeyboardMarkup,
) -> InlineKeyboardMarkup | ReplyKeyboardMarkup:
    """The same keyboard, or a copy whose long labels are shortened and whose buttons with
    callback data over 64 bytes are left out."""
    inline = isinstance(markup, InlineKeyboardMarkup)
    rows = markup.inline_keyboard if inline else markup.keyboard  # type: ignore[union-attr]
    changed = False
    fitted_rows = []
    for row in rows:
        fitted_row = []
        for button in row:
            if isinstance(button, str):  # a reply keyboard's plain label
                label = fitting.shorten(button, fitting.BUTTON_TEXT_LIMIT)
                changed |= label != button
                fitted_row.append(label)
                continue
            data = getattr(button, "callback_data", None)
            if data is not None and len(data.encode()) > fitting.CALLBACK_DATA_BYTES:
                log.error("button left out: callback data over 64 bytes", extra={"data": data})
                changed = True
                continue
            label = fitting.shorten(button.text, fitting.BUTTON_TEXT_LIMIT)
            if label != button.text:
                changed = True
                button = button.model_copy(update={"text": label})
            fitted_row.append(button)
        if fitted_row:
            fitted_rows.append(fitted_row)
    if not changed:
        return markup
    field = "inline_keyboard" if inline else "keyboard"
    return markup.model_copy(update={field: fitted_rows})


def reader_pointer(
    i18n: I18n, language_of: Callable[[Any], Awaitable[str]], words: Callable[[str], str]
) -> Pointer:
    """The pointer in the reader's language: the update's, for a reply; the chat's reader's
    (`language_of`: a staff chat's setting, a person's account) for what the outbox sends.
    `words`: the pointer's text (bot/screens/delivery.py `cut_pointer`)."""

    async def pointer(chat_id: int | str | None, text: str) -> str:
        current = I18n.get_current(no_error=True)
        language = current.current_locale if current is not None else await language_of(chat_id)
        with i18n.context(), i18n.use_locale(language):
            return words(text)

    return pointer


def install(bot: Bot, pointer: Pointer) -> None:
    """Put the middleware on the bot's session once (several apps may share one bot)."""
    if not any(isinstance(m, FitToTelegram) for m in bot.session.middleware):
        bot.session.middleware(FitToTelegram(pointer))
