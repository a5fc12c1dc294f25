"""Answering in the chat (and forum topic) an update came from."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol, TypeVar

from aiogram import Bot
from aiogram.types import (
    ForceReply,
    InlineKeyboardMarkup,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)
from aiogram.utils.i18n import I18n

T = TypeVar("T")
Markup = InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove | ForceReply


class Shown(Protocol):
    """A message to show (bot/screens/base.py `Screen`): its text and its buttons."""

    @property
    def text(self) -> str: ...

    @property
    def markup(self) -> Markup | None: ...


@dataclass(frozen=True, slots=True)
class Reply:
    bot: Bot
    chat_id: int
    thread_id: int | None = None  # the forum topic the update came from: answers go back there
    shared: bool = False  # a group: everyone there reads what is posted, in its language
    i18n: I18n | None = None
    own_language: str = ""  # the presser's language, wherever they act

    def own(self, build: Callable[[], T]) -> T:
        """Words only the presser reads (a button's popup): in their language, even in a shared
        chat whose posts are in the chat's."""
        if self.i18n is None:
            return build()
        with self.i18n.use_locale(self.own_language or self.i18n.current_locale):
            return build()

    async def send(self, *screens: Shown) -> None:
        for screen in screens:
            await self.bot.send_message(
                self.chat_id,
                screen.text,
                reply_markup=screen.markup,
                message_thread_id=self.thread_id,
            )

    async def say(self, text: str) -> None:
        """A plain message that also takes away a device keyboard still shown."""
        await self.bot.send_message(
            self.chat_id,
            text,
            reply_markup=ReplyKeyboardRemove(),
            message_thread_id=self.thread_id,
        )
