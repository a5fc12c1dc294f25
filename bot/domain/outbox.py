"""What the admins' /outbox screen shows: the state of the messages the bot sends on its own."""

from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class FailedMessage:
    id: int
    chat_id: int
    kind: str
    error: str
    failed_at: datetime


@dataclass(frozen=True)
class Unreachable:
    """A chat Telegram refused with 403 (blocked by the person, or the bot was removed)."""

    chat_id: int
    since: datetime
    error: str


@dataclass(frozen=True)
class OutboxSummary:
    waiting: int  # not yet delivered (due, postponed, or behind another message of its chat)
    sending: int  # leased by a worker now
    sent: int
    failed: int
    oldest_undelivered: timedelta | None  # the age of the oldest message not yet delivered
    failures: tuple[FailedMessage, ...]  # the most recent ones
    unreachable: tuple[Unreachable, ...]


@dataclass(frozen=True)
class MissedNotice:
    """A notice about a dossier that never reached one of its officials (shown to staff)."""

    person: str  # the official's name
    at: datetime  # when it was given up
    preview: str  # its first line, plain text
    blocked: bool  # they had blocked the bot (403), or Telegram refused it
