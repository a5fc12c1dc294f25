"""A notice: one message the bot sends on its own to someone (a person, a staff chat), a plain
value the use cases hand to the outbox (`storage.outbox.post`). No Telegram, no SQL here: the
outbox turns it into rows, the worker into requests."""

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

Markup = dict[str, Any] | None  # an inline keyboard as Telegram's JSON


class CardMode(StrEnum):
    """How a card notice meets the card already in its chat (the latest one of its subject)."""

    KEEP = "keep"  # edited in place; sent as a new card when the chat has none
    EDIT_ONLY = "edit_only"  # edited in place; nothing when the chat has none
    REPLACE = "replace"  # a new card; the one before loses its buttons
    NEW = "new"  # a new card; the one before stays as it is


def card_of(kind: str, subject_id: int) -> str:
    """The key of a subject's cards: `dossier:12` (a dossier's, an emergency's),
    `registration:7` (a person's)."""
    return f"{kind}:{subject_id}"


@dataclass(frozen=True)
class Notice:
    """To `chat_id`: a text (HTML, already in the reader's language) with its keyboard, or a
    document (`path` on disk or a Telegram `file_id`, the text as its caption), or a location.

    `card`: this message is the chat's card of that subject (`card_of`), which later card
    notices of the same subject edit in place (`mode`). `topic`: goes to the subject's forum
    topic (a dossier's, in the Secretariat's chat). `answers_card`: sent as an answer to the
    chat's card of the subject (an alert's thread). `urgent`: the urgency lane (an alert goes
    before everything else of its chat)."""

    chat_id: int
    text: str = ""
    markup: Markup = None
    card: str | None = None
    mode: CardMode = CardMode.KEEP
    topic: bool = False
    answers_card: str | None = None
    urgent: bool = False
    path: str | None = None
    file_id: str | None = None
    file_name: str | None = None
    location: tuple[float, float] | None = None
