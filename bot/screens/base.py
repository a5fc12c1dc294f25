"""A screen: one message's HTML text and its inline keyboard."""

from dataclasses import dataclass

from aiogram.types import (
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)

Markup = InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove


@dataclass(frozen=True)
class Screen:
    text: str
    markup: Markup | None = None


def one_button_keyboard(button: KeyboardButton) -> ReplyKeyboardMarkup:
    """A reply keyboard with one device button (contact, location) that hides once used."""
    return ReplyKeyboardMarkup(keyboard=[[button]], resize_keyboard=True, one_time_keyboard=True)
