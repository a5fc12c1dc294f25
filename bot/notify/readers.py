"""Who reads the notices besides the people of a city, and the one helper that writes a notice in
its reader's language."""

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TypeVar

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import I18n

from bot.config import Settings
from bot.notify.notice import Markup, Notice
from bot.screens.base import Screen

T = TypeVar("T")


@dataclass(frozen=True)
class Voice:
    """Writes in a reader's language: theirs when the bot speaks it, else the default one. Every
    notice is written through it, whoever caused it and whatever language they speak."""

    i18n: I18n
    default: str

    def language(self, stored: str | None) -> str:
        return stored if stored in self.i18n.available_locales else self.default

    @contextmanager
    def speaking(self, language: str | None) -> Iterator[None]:
        with self.i18n.context(), self.i18n.use_locale(self.language(language)):
            yield

    def __call__(self, language: str | None, build: Callable[[], T]) -> T:
        with self.speaking(language):
            return build()


@dataclass(frozen=True)
class Chat:
    """A staff chat (a group, usually) and the language its messages are written in."""

    chat_id: int
    language: str


@dataclass(frozen=True)
class Audience:
    """The staff chats events are told to (SECRETARIAT_CHAT_ID, COMMISSION_CHAT_ID,
    PRESIDENCY_CHAT_ID, each with its language), and the voice."""

    voice: Voice
    secretariat: Chat | None = None
    commission: Chat | None = None
    presidency: Chat | None = None
    card_pdf: bool = False  # the dossier's PDF follows its first card

    @classmethod
    def of(cls, settings: Settings, i18n: I18n) -> "Audience":
        def chat(chat_id: int | None, language: str) -> Chat | None:
            return Chat(chat_id, language) if chat_id is not None else None

        return cls(
            Voice(i18n, settings.default_language),
            chat(settings.secretariat_chat_id, settings.notify_language),
            chat(settings.commission_chat_id, settings.commission_notify_language),
            chat(settings.presidency_chat_id, settings.presidency_notify_language),
            settings.card_pdf,
        )

    def alert_chats(self) -> list[Chat]:
        """The chats an emergency's alert goes to: the Secretariat's and the commission's."""
        return [c for c in (self.secretariat, self.commission) if c is not None]


def dump(markup: InlineKeyboardMarkup | None) -> Markup:
    return markup.model_dump(exclude_none=True) if markup is not None else None


def each_reader(
    readers: Sequence[tuple[int, str | None]], voice: Voice, build: Callable[[], Screen]
) -> list[Notice]:
    """One screen, written for each reader (a chat and its language) in their language."""
    told = []
    for chat_id, language in readers:
        screen = voice(language, build)
        markup = screen.markup if isinstance(screen.markup, InlineKeyboardMarkup) else None
        told.append(Notice(chat_id, screen.text, dump(markup)))
    return told
