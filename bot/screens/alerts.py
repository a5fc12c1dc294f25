"""The messages an emergency sends, chat by chat, each in its reader's language: the alert cards
in the Secretariat's and the commission's chats, the Presidency's card, the city's news, the
escalations. Used by the handlers and by the scheduler's jobs alike."""

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import I18n

from bot.config import Settings
from bot.domain.emergency import Emergency, Outgoing
from bot.domain.records import Person
from bot.screens.emergency import (
    alert_markup,
    alert_text,
    escalation_heading,
    presidency_markup,
    presidency_text,
)

Markup = Callable[[], InlineKeyboardMarkup | None] | None


def _dump(markup: InlineKeyboardMarkup | None) -> dict[str, Any] | None:
    return markup.model_dump(exclude_none=True) if markup is not None else None


class Alerts:
    def __init__(self, settings: Settings, i18n: I18n) -> None:
        self.settings = settings
        self.i18n = i18n

    def language(self, stored: str | None) -> str:
        return stored if stored in self.i18n.available_locales else self.settings.default_language

    def render(self, language: str | None, build: Callable[[], Any]) -> Any:
        with self.i18n.context(), self.i18n.use_locale(self.language(language)):
            return build()

    def chats(self) -> list[tuple[int, str]]:
        """The chats an alert goes to, each with its language."""
        settings = self.settings
        chats = [
            (settings.secretariat_chat_id, settings.notify_language),
            (settings.commission_chat_id, settings.commission_notify_language),
        ]
        return [(chat, language) for chat, language in chats if chat is not None]

    def cards(self, emergency: Emergency) -> list[Outgoing]:
        """The alert card in each chat, in its language (new, or an edit of the one sent)."""
        return [
            Outgoing(
                chat,
                *self.render(
                    language, lambda: (alert_text(emergency), _dump(alert_markup(emergency)))
                ),
                card=True,
            )
            for chat, language in self.chats()
        ]

    def alert(self, emergency: Emergency) -> list[Outgoing]:
        """A new alert: the cards, then the shared location and the photos in each chat."""
        messages = self.cards(emergency)
        answers = emergency.record.answers
        location = answers.get("location")
        for chat, _language in self.chats():
            if isinstance(location, dict) and "lat" in location and "lon" in location:
                messages.append(Outgoing(chat, location=(location["lat"], location["lon"])))
            messages += self.photos(chat, emergency.record.files)
        return messages

    def photos(self, chat: int, files: list[Any]) -> list[Outgoing]:
        return [
            Outgoing(chat, file_id=photo.telegram_file_id, file_name=photo.name)
            for photo in files
            if photo.slot == "photos" and photo.telegram_file_id
        ]

    def to_chats(self, render: Callable[[], str], *, thread: bool = True) -> list[Outgoing]:
        """The same news in both alert chats, each in its language, on the alert's thread."""
        return [
            Outgoing(chat, self.render(language, render), thread=thread)
            for chat, language in self.chats()
        ]

    def to_city(
        self, people: list[Person], render: Callable[[], str], markup: Markup = None
    ) -> list[Outgoing]:
        """The same news for each official of the city, each in their own language."""
        told = []
        for person in people:
            text, shown = self.render(
                person.language, lambda: (render(), _dump(markup()) if markup else None)
            )
            told.append(Outgoing(person.telegram_id, text, shown, urgent=False))
        return told

    def presidency(self, emergency: Emergency, new: bool = False) -> list[Outgoing]:
        """The Presidency's card of the case (`new` with the proposal, then edited)."""
        chat = self.settings.presidency_chat_id
        if chat is None:
            return []
        text, markup = self.render(
            self.settings.presidency_notify_language,
            lambda: (presidency_text(emergency), _dump(presidency_markup(emergency))),
        )
        return [Outgoing(chat, text, markup, card=True, only_edit=not new)]

    def to_presidency(self, render: Callable[[], str]) -> list[Outgoing]:
        chat = self.settings.presidency_chat_id
        if chat is None:
            return []
        text = self.render(self.settings.presidency_notify_language, render)
        return [Outgoing(chat, text, thread=True)]

    def escalation(
        self,
        emergency: Emergency,
        round_: int,
        waited: timedelta,
        users: list[tuple[int, str | None]],
    ) -> list[Outgoing]:
        """An alert nobody acknowledged: repeated in both chats (a new card with its buttons,
        replacing the old one), and sent to the Presidency's chat and to each escalation user."""
        rounds = self.settings.escalation_rounds

        def text() -> str:
            return escalation_heading(waited, round_, rounds) + "\n\n" + alert_text(emergency)

        messages = [
            Outgoing(
                chat,
                *self.render(language, lambda: (text(), _dump(alert_markup(emergency)))),
                card=True,
                replace=True,
            )
            for chat, language in self.chats()
        ]
        presidency = self.settings.presidency_chat_id
        if presidency is not None:
            language = self.settings.presidency_notify_language
            messages.append(Outgoing(presidency, self.render(language, text)))
        for user_id, language in users:
            shown = self.render(language, lambda: (text(), _dump(alert_markup(emergency))))
            messages.append(Outgoing(user_id, *shown))
        return messages
