"""Answering in the chat (and forum topic) an update came from."""

from dataclasses import dataclass
from typing import Protocol

from aiogram import Bot
from aiogram.types import (
    ForceReply,
    InlineKeyboardMarkup,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)

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
