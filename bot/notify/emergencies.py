"""What an emergency's events tell whom, chat by chat, each in its reader's language: the alert
cards in the Secretariat's and the commission's chats (urgent, edited in place as the emergency
moves on), the Presidency's card, the city's news, the escalations and the requests for a
situation report."""

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from aiogram.types import InlineKeyboardMarkup

from bot.domain.emergency import Emergency
from bot.domain.forms import AnswerRole
from bot.domain.records import Person, Record
from bot.notify.notice import CardMode, Notice, card_of
from bot.notify.readers import Audience, Chat, Voice, dump
from bot.screens.emergency import (
    acknowledged_text,
    alert_markup,
    alert_text,
    answer_markup,
    answer_to_staff,
    city_closed,
    city_decided,
    city_proposed,
    escalation_heading,
    merged_note,
    presidency_asks,
    presidency_markup,
    presidency_text,
    question_to_city,
    received_text,
    sitrep_markup,
    sitrep_request_text,
    sitrep_text,
)

Keyboard = Callable[[], InlineKeyboardMarkup | None] | None


def _key(emergency: Emergency) -> str:
    return card_of("dossier", emergency.record.id)


def cards(emergency: Emergency, audience: Audience) -> list[Notice]:
    """The alert card in each alert chat, in its language (new, or the one sent edited)."""
    told = []
    for chat in audience.alert_chats():
        text, markup = audience.voice(
            chat.language, lambda: (alert_text(emergency), dump(alert_markup(emergency)))
        )
        told.append(Notice(chat.chat_id, text, markup, card=_key(emergency), urgent=True))
    return told


def _photos(chat: Chat, files: list[Any]) -> list[Notice]:
    return [
        Notice(chat.chat_id, file_id=photo.telegram_file_id, file_name=photo.name, urgent=True)
        for photo in files
        if photo.slot == "photos" and photo.telegram_file_id
    ]


def to_chats(emergency: Emergency, audience: Audience, build: Callable[[], str]) -> list[Notice]:
    """The same news in both alert chats, each in its language, on the alert's thread."""
    return [
        Notice(
            chat.chat_id,
            audience.voice(chat.language, build),
            answers_card=_key(emergency),
            urgent=True,
        )
        for chat in audience.alert_chats()
    ]


def to_city(
    people: list[Person], voice: Voice, build: Callable[[], str], markup: Keyboard = None
) -> list[Notice]:
    """The same news for each official of the city, each in their own language."""
    told = []
    for person in people:
        text, shown = voice(person.language, lambda: (build(), dump(markup()) if markup else None))
        told.append(Notice(person.telegram_id, text, shown))
    return told


def presidency(emergency: Emergency, audience: Audience, new: bool = False) -> list[Notice]:
    """The Presidency's card of the case (`new` with the proposal, then edited)."""
    chat = audience.presidency
    if chat is None:
        return []
    text, markup = audience.voice(
        chat.language, lambda: (presidency_text(emergency), dump(presidency_markup(emergency)))
    )
    mode = CardMode.KEEP if new else CardMode.EDIT_ONLY
    return [Notice(chat.chat_id, text, markup, card=_key(emergency), mode=mode, urgent=True)]


def _to_presidency(
    emergency: Emergency, audience: Audience, build: Callable[[], str]
) -> list[Notice]:
    chat = audience.presidency
    if chat is None:
        return []
    text = audience.voice(chat.language, build)
    return [Notice(chat.chat_id, text, answers_card=_key(emergency), urgent=True)]


def reported(emergency: Emergency, sender: int, audience: Audience) -> list[Notice]:
    """A new alert: the cards, then the shared location and the photos in each chat; the city's
    other officials told it was received."""
    told = cards(emergency, audience)
    location = emergency.record.read().value(AnswerRole.LOCATION)
    for chat in audience.alert_chats():
        if isinstance(location, dict) and "lat" in location and "lon" in location:
            at = (location["lat"], location["lon"])
            told.append(Notice(chat.chat_id, location=at, urgent=True))
        told += _photos(chat, emergency.record.files)
    others = [p for p in emergency.officials if p.telegram_id != sender]
    reference = emergency.record.reference or ""
    return told + to_city(others, audience.voice, lambda: received_text(reference))


def sitrep(
    emergency: Emergency,
    report: Record,
    known: dict,
    author: str,
    audience: Audience,
    merged: bool = False,
) -> list[Notice]:
    """A situation report (`merged`: a report from an unverified account added to the open
    emergency as one): the cards (their count of reports), the report on the alert's thread,
    its photos."""

    def shown() -> str:
        text = sitrep_text(emergency, report, known, author)
        return merged_note(author) + "\n" + text if merged else text

    told = cards(emergency, audience) + to_chats(emergency, audience, shown)
    for chat in audience.alert_chats():
        told += _photos(chat, report.files)
    return told


def asked(
    emergency: Emergency, text: str, author: str, by_presidency: bool, audience: Audience
) -> list[Notice]:
    """A question to the city: to every official, each in their language (with "answer"); the
    Presidency's is shown in both alert chats too."""
    reference = emergency.record.reference or ""
    told = to_city(
        emergency.officials,
        audience.voice,
        lambda: question_to_city(reference, text),
        lambda: answer_markup(emergency.record.id),
    )
    if by_presidency:
        told += to_chats(emergency, audience, lambda: presidency_asks(reference, author, text))
    return told


def answered(
    emergency: Emergency, text: str, author: str, unverified: bool, audience: Audience
) -> list[Notice]:
    """The city's answer: to both alert chats on the alert's thread, and to the Presidency once
    it has the case."""
    reference = emergency.record.reference or ""

    def shown() -> str:
        return answer_to_staff(reference, emergency.city, author, text, unverified)

    told = to_chats(emergency, audience, shown)
    if emergency.proposal is not None:
        told += _to_presidency(emergency, audience, shown)
    return told


def acknowledged(emergency: Emergency, by: str, audience: Audience) -> list[Notice]:
    reference = emergency.record.reference or ""
    told = to_city(emergency.officials, audience.voice, lambda: acknowledged_text(reference, by))
    return cards(emergency, audience) + told


# What the city is told of each move of the staff and the Presidency (the preview shows it).
TOLD: dict[str, Callable[[Emergency], str]] = {
    "propose": city_proposed,
    "approve": city_decided,
    "other": city_decided,
    "reject": city_decided,
    "close": city_closed,
}


def moved(emergency: Emergency, key: str, audience: Audience) -> list[Notice]:
    """A proposal (the Presidency's card, new), a decision or a closing: the cards in the three
    chats edited in place, and the city told in its language."""
    told = to_city(emergency.officials, audience.voice, lambda: TOLD[key](emergency))
    new = key == "propose"
    return cards(emergency, audience) + presidency(emergency, audience, new=new) + told


def foreseen(emergency: Emergency, key: str, voice: Voice) -> list[tuple[str, int, str]]:
    """What `moved` will tell the city, once per language: (language, readers, text)."""
    readers: dict[str, int] = {}
    for person in emergency.officials:
        language = voice.language(person.language)
        readers[language] = readers.get(language, 0) + 1
    return [
        (language, count, voice(language, lambda: TOLD[key](emergency)))
        for language, count in readers.items()
    ]


def escalated(
    emergency: Emergency,
    round_: int,
    rounds: int,
    waited: timedelta,
    users: list[tuple[int, str | None]],
    audience: Audience,
) -> list[Notice]:
    """An alert nobody acknowledged: repeated in both chats (a new card with its buttons,
    replacing the old one), and sent to the Presidency's chat and to each escalation user."""

    def text() -> str:
        return escalation_heading(waited, round_, rounds) + "\n\n" + alert_text(emergency)

    def with_buttons() -> tuple[str, dict | None]:
        return text(), dump(alert_markup(emergency))

    told = [
        Notice(
            chat.chat_id,
            *audience.voice(chat.language, with_buttons),
            card=_key(emergency),
            mode=CardMode.REPLACE,
            urgent=True,
        )
        for chat in audience.alert_chats()
    ]
    if audience.presidency is not None:
        chat = audience.presidency
        told.append(Notice(chat.chat_id, audience.voice(chat.language, text), urgent=True))
    for user_id, language in users:
        told.append(Notice(user_id, *audience.voice(language, with_buttons), urgent=True))
    return told


def sitrep_requested(emergency: Emergency, audience: Audience) -> list[Notice]:
    """The city's officials asked for a situation report, each in their language."""
    return to_city(
        emergency.officials,
        audience.voice,
        lambda: sitrep_request_text(emergency),
        lambda: sitrep_markup(emergency.record.id),
    )
