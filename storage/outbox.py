"""The outbox: messages the bot sends on its own, written with the change that causes them.

A row is pending until Telegram accepts it (`sent_at`) or it is given up (`failed_at`, with
`last_error`). Within a chat, rows go out one at a time in (priority desc, id) order; a worker
leases the head of each chat (`locked_until`) before sending it, so several workers (processes)
can share the table: on PostgreSQL the claim is `SELECT … FOR UPDATE SKIP LOCKED`, on SQLite the
single writer and the lease are enough.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import case, delete, event, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session, aliased

from bot.domain.fitting import split
from bot.notify.notice import CardMode, Notice
from storage.leases import is_gone
from storage.models import Account, OutboxMessage, UnreachableChat
from storage.types import utcnow

# What a row asks of Telegram.
TEXT = "text"  # sendMessage(text, reply_markup)
DOCUMENT = "document"  # sendDocument(payload path or file_id, caption = text)
LOCATION = "location"  # sendLocation(payload latitude, longitude)
EDIT_TEXT = "edit_text"  # editMessageText of the row `edits` (text, reply_markup)
EDIT_CAPTION = "edit_caption"  # editMessageCaption of a document row
EDIT_MARKUP = "edit_markup"  # editMessageReplyMarkup: only the keyboard changes
KINDS = (TEXT, DOCUMENT, LOCATION, EDIT_TEXT, EDIT_CAPTION, EDIT_MARKUP)
EDITS = (EDIT_TEXT, EDIT_CAPTION, EDIT_MARKUP)
NEW = (TEXT, DOCUMENT, LOCATION)  # a message of its own (not an edit)

# Longer than a request may take (the worker's request timeout): a lease runs out only when its
# worker died, and then what it had in flight is sent again (Telegram has no idempotency key).
LEASE = timedelta(seconds=120)
URGENT = 100  # the emergency alerts' priority (anything > 0 overtakes ordinary messages)
# An urgent message's lease is short (its request's timeout is too): if its worker died on
# another machine, another worker sends it within this, not two minutes later, after the
# escalation it should have made needless. (On the same machine, a restart takes it back at once:
# `take_back`.)
URGENT_LEASE = timedelta(seconds=30)

Markup = dict[str, Any] | None


def _pending() -> Any:
    return OutboxMessage.sent_at.is_(None) & OutboxMessage.failed_at.is_(None)


def _add(
    session: AsyncSession,
    chat_id: int,
    kind: str,
    text: str,
    reply_markup: Markup,
    payload: dict[str, Any],
    priority: int,
    thread_id: int | None,
    reply_to: int | None = None,
) -> OutboxMessage:
    if thread_id is not None:
        payload["message_thread_id"] = thread_id
    if reply_to is not None:  # sent as an answer to that row's message, once it is delivered
        payload["reply_to"] = reply_to
    if kind == TEXT:
        # Too long for one message: this row is its cut text (the one later edits change), and
        # what was cut off becomes rows of its own once it is sent (`continuations`).
        text, *more = split(text)
        if more:
            payload["more"] = more
    message = OutboxMessage(
        chat_id=chat_id,
        kind=kind,
        text=text,
        reply_markup=reply_markup,
        payload=payload or None,
        priority=priority,
    )
    session.add(message)
    session.info[_WRITTEN] = True
    return message


_WRITTEN = "outbox_written"  # the transaction wrote outbox rows: wake the worker at its commit
_WAKE = "outbox_wake"  # session.info: the worker's `wake`, for the listeners below


def wake_after_commit(session: AsyncSession, wake: Callable[[], None]) -> None:
    """Call `wake` (the outbox worker's) once after each commit of this session that wrote
    outbox rows: nobody wakes it by hand, and nothing is woken for a rolled back message.

    Every update's session asks this; the listeners are the class's, set once (listening on each
    session cost ~3% of an answer's CPU, half of it SQLAlchemy dropping them when it was freed)."""
    session.sync_session.info[_WAKE] = wake


@event.listens_for(Session, "after_commit")
def _committed(session: Session) -> None:
    wake = session.info.get(_WAKE)
    if wake is not None and session.info.pop(_WRITTEN, False):
        wake()


@event.listens_for(Session, "after_soft_rollback")
def _rolled_back(session: Session, _previous: Any = None) -> None:
    if _WAKE in session.info:
        session.info.pop(_WRITTEN, None)


async def post(
    session: AsyncSession,
    notices: Iterable[Notice],
    *,
    dossier_id: int | None = None,
    topic_id: int | None = None,
) -> list[OutboxMessage]:
    """The one way into the outbox: each notice as a row in the caller's transaction (what is too
    long for one message is split here, see `_add`). A card notice edits its chat's latest card
    of the subject in place (or replaces it, `CardMode`). `dossier_id`: what the notices are
    about (a notice a person never got is listed on it); `topic_id`: its forum topic, for the
    notices marked `topic`. The rows written, edits included."""
    written: list[OutboxMessage] = []
    cards: dict[tuple[str, int], OutboxMessage] = {}  # the cards written by this call

    async def card_in(key: str, chat_id: int) -> OutboxMessage | None:
        if (key, chat_id) in cards:
            return cards[key, chat_id]
        return await latest_card(session, key, chat_id)

    for notice in notices:
        priority = URGENT if notice.urgent else 0
        looked_up = notice.card is not None and notice.mode != CardMode.NEW
        card = await card_in(notice.card, notice.chat_id) if looked_up else None
        if card is not None and notice.mode in (CardMode.KEEP, CardMode.EDIT_ONLY):
            edit = await enqueue_edit(session, card, notice.text or None, notice.markup)
            written.append(edit)
            continue
        if card is None and notice.mode == CardMode.EDIT_ONLY:
            continue
        if card is not None and notice.mode == CardMode.REPLACE and card.failed_at is None:
            written.append(await enqueue_edit(session, card, None, None))
        thread = topic_id if notice.topic else None
        reply_to = None
        if notice.answers_card is not None:
            answered = await card_in(notice.answers_card, notice.chat_id)
            if answered is not None and answered.id is None:
                await session.flush()
            reply_to = answered.id if answered is not None else None
        if notice.location is not None:
            message = enqueue_location(
                session, notice.chat_id, *notice.location, priority=priority, thread_id=thread
            )
        elif notice.path is not None or notice.file_id is not None:
            message = enqueue_document(
                session,
                notice.chat_id,
                path=notice.path,
                file_id=notice.file_id,
                file_name=notice.file_name,
                caption=notice.text,
                reply_markup=notice.markup,
                priority=priority,
                thread_id=thread,
            )
        else:
            message = enqueue(
                session,
                notice.chat_id,
                notice.text,
                notice.markup,
                priority=priority,
                thread_id=thread,
                reply_to=reply_to,
            )
        message.dossier_id = dossier_id
        message.card = notice.card
        if notice.card is not None:
            cards[notice.card, notice.chat_id] = message
        written.append(message)
    return written


async def latest_card(session: AsyncSession, card: str, chat_id: int) -> OutboxMessage | None:
    """The chat's latest card of this subject (`bot.notify.notice.card_of`), if any."""
    o = OutboxMessage
    return await session.scalar(
        select(o).where(o.card == card, o.chat_id == chat_id).order_by(o.id.desc()).limit(1)
    )


async def has_card(session: AsyncSession, card: str) -> bool:
    """Whether the subject has a card in any chat."""
    o = OutboxMessage
    return await session.scalar(select(o.id).where(o.card == card).limit(1)) is not None


def enqueue(
    session: AsyncSession,
    chat_id: int,
    text: str,
    reply_markup: Markup = None,
    *,
    priority: int = 0,
    thread_id: int | None = None,
    reply_to: int | None = None,
) -> OutboxMessage:
    """Add to the caller's transaction: the message exists exactly when the change does.
    `reply_to` (another row's id, same chat): sent as an answer to that message."""
    return _add(session, chat_id, TEXT, text, reply_markup, {}, priority, thread_id, reply_to)


def enqueue_document(
    session: AsyncSession,
    chat_id: int,
    *,
    path: str | None = None,
    file_id: str | None = None,
    file_name: str | None = None,
    caption: str = "",
    reply_markup: Markup = None,
    priority: int = 0,
    thread_id: int | None = None,
) -> OutboxMessage:
    """A document: a file on disk (`path`, e.g. a stored attachment's) or one Telegram already
    has (`file_id`); the caption is HTML, at most 1024 characters."""
    if (path is None) == (file_id is None):
        raise ValueError("a document is a path or a file_id")
    payload: dict[str, Any] = {"path": path} if path is not None else {"file_id": file_id}
    if file_name:
        payload["file_name"] = file_name
    return _add(session, chat_id, DOCUMENT, caption, reply_markup, payload, priority, thread_id)


def enqueue_location(
    session: AsyncSession,
    chat_id: int,
    latitude: float,
    longitude: float,
    *,
    reply_markup: Markup = None,
    priority: int = 0,
    thread_id: int | None = None,
) -> OutboxMessage:
    payload = {"latitude": latitude, "longitude": longitude}
    return _add(session, chat_id, LOCATION, "", reply_markup, payload, priority, thread_id)


async def enqueue_edit(
    session: AsyncSession,
    original: int | OutboxMessage,
    text: str | None = None,
    reply_markup: Markup = None,
    *,
    priority: int | None = None,
) -> OutboxMessage:
    """An edit of the message another outbox row sends (`original`, a row or its id): new text
    (or caption, for a document) and keyboard, or, with `text=None`, only a new keyboard.

    It waits until the original is sent, then edits it; if the original fails, so does the edit.
    Its priority is the original's unless given, and never above the original's while that one
    is unsent (an edit cannot go before the message it edits)."""
    if isinstance(original, OutboxMessage):
        if original.id is None:
            await session.flush()
        row = original
    else:
        found = await session.get(OutboxMessage, original)
        if found is None:
            raise ValueError(f"no outbox message {original}")
        row = found
    if row.kind in EDITS or (row.kind == LOCATION and text is not None):
        raise ValueError(f"outbox message {row.id} ({row.kind}) cannot be edited that way")
    kind = EDIT_MARKUP if text is None else EDIT_CAPTION if row.kind == DOCUMENT else EDIT_TEXT
    chosen = row.priority if priority is None else priority
    if row.sent_at is None:
        chosen = min(chosen, row.priority)
    message = OutboxMessage(
        chat_id=row.chat_id,
        kind=kind,
        text=text or "",
        reply_markup=reply_markup,
        priority=chosen,
        edits=row.id,
        payload=None,
    )
    session.add(message)
    return message


async def claim_due(
    session: AsyncSession,
    limit: int = 20,
    *,
    now: datetime | None = None,
    lease: timedelta = LEASE,
    exclude: frozenset[int] | set[int] = frozenset(),
    chat_interval: timedelta | None = None,
    exclude_urgent: frozenset[int] | set[int] | None = None,
    holder: str | None = None,
    urgent_lease: timedelta = URGENT_LEASE,
) -> list[OutboxMessage]:
    """Lease the next message of each chat that may have one now, in (priority desc, id) order,
    and commit the lease. A chat's next message is its pending one first in (priority desc, id);
    it is due only when no other message of that chat is in flight (leased), when it is not
    postponed (`due_at`, after a 429 or an error), when the message it edits is settled, when
    its chat is not in `exclude` (chats the worker's rate limiter holds back) and, with
    `chat_interval`, when nothing was sent to its chat that recently (by any worker). With
    `exclude_urgent`, an urgent message (priority > 0) is held back only by those chats (a
    429's wait, a full group window), not by `exclude` or `chat_interval`: it goes at once.
    The lease names its `holder` (storage/leases.py) and is `urgent_lease` long for an urgent
    message.
    """
    now = now or utcnow()
    o = OutboxMessage
    free = o.locked_until.is_(None) | (o.locked_until <= now)
    other = aliased(OutboxMessage)
    blocked_by = (
        select(other.id)
        .where(other.chat_id == o.chat_id, other.id != o.id)
        .where(other.sent_at.is_(None), other.failed_at.is_(None))
        .where(
            (other.locked_until > now)
            | (other.priority > o.priority)
            | ((other.priority == o.priority) & (other.id < o.id))
        )
    )
    original = aliased(OutboxMessage)
    unsettled_original = select(original.id).where(
        original.id == o.edits, original.sent_at.is_(None), original.failed_at.is_(None)
    )
    due = (
        select(o.id)
        .where(o.sent_at.is_(None), o.failed_at.is_(None), o.due_at <= now, free)
        .where(~blocked_by.exists(), ~unsettled_original.exists())
    )
    urgent = o.priority > 0
    if chat_interval is not None:
        recent = aliased(OutboxMessage)
        spaced = ~(
            select(recent.id)
            .where(recent.chat_id == o.chat_id, recent.sent_at > now - chat_interval)
            .exists()
        )
        due = due.where(spaced | urgent if exclude_urgent is not None else spaced)
    if exclude_urgent is not None:  # an urgent message skips the chat's spacing
        if exclude:
            due = due.where(urgent | o.chat_id.not_in(sorted(exclude)))
        if exclude_urgent:
            due = due.where(~urgent | o.chat_id.not_in(sorted(exclude_urgent)))
    elif exclude:
        due = due.where(o.chat_id.not_in(sorted(exclude)))
    due = due.order_by(o.priority.desc(), o.id).limit(limit).with_for_update(skip_locked=True, of=o)
    ids = list(await session.scalars(due))
    if not ids:
        await session.commit()
        return []
    claimed = set(
        await session.scalars(
            # Still pending too: on SQLite the SELECT above takes no lock, and a row another
            # worker sent meanwhile is free again (its lease cleared) but must not go twice.
            update(o)
            .where(o.id.in_(ids), free, _pending())
            .values(
                locked_until=case((o.priority > 0, now + urgent_lease), else_=now + lease),
                leased_by=holder,
            )
            .returning(o.id)
        )
    )
    await session.commit()
    if not claimed:
        return []
    rows = list(await session.scalars(select(o).where(o.id.in_(claimed))))
    originals = {r.edits for r in rows if r.edits is not None}
    if originals:  # loaded now, so the worker can read their telegram_message_id
        await session.scalars(select(o).where(o.id.in_(originals)))
    rows.sort(key=lambda r: (-r.priority, r.id))
    return rows


def continuations(session: AsyncSession, row: OutboxMessage) -> list[OutboxMessage]:
    """What was cut off a long message (its `more`), written when that message is sent: each an
    answer to it, in its chat and topic, at its priority."""
    p = row.payload or {}
    parts = [
        enqueue(
            session,
            row.chat_id,
            part,
            priority=row.priority,
            thread_id=p.get("message_thread_id"),
            reply_to=row.id,
        )
        for part in p.get("more") or ()
    ]
    for part in parts:
        part.dossier_id = row.dossier_id
    return parts


async def stands_for(session: AsyncSession, original_id: int, telegram_message_id: int) -> None:
    """An edit of a message never delivered went as a new message: that one is the original's
    message from now on, so the next edits change it."""
    await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == original_id)
        .values(telegram_message_id=telegram_message_id)
    )


async def take_back(session: AsyncSession, now: datetime) -> int:
    """Free the messages leased by a process that is gone (killed on this machine: see
    storage/leases.py), so they go now rather than when the lease runs out. How many."""
    o = OutboxMessage
    holders = await session.scalars(
        select(o.leased_by).where(_pending(), o.locked_until > now, o.leased_by.is_not(None))
        .distinct()
    )  # fmt: skip
    gone = [holder for holder in holders if is_gone(holder)]
    if not gone:
        return 0
    result = await session.execute(
        update(o).where(_pending(), o.leased_by.in_(gone)).values(locked_until=None, leased_by=None)
    )
    return result.rowcount or 0


async def mark_sent(
    session: AsyncSession,
    message_id: int,
    telegram_message_id: int | None,
    now: datetime | None = None,
) -> None:
    await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id)
        .values(
            sent_at=now or utcnow(),
            locked_until=None,
            telegram_message_id=telegram_message_id,
            attempts=OutboxMessage.attempts + 1,
        )
    )


async def postpone(
    session: AsyncSession,
    message_id: int,
    due_at: datetime,
    error: str,
    chat_id: int | None = None,
    *,
    failure: bool = False,
) -> None:
    """Try again at `due_at`; `failure`: a server or network error (counted in `failures`),
    not a 429. With `chat_id` (the group became a supergroup), every pending message of the
    old chat moves to the new one."""
    if chat_id is not None:
        old = select(OutboxMessage.chat_id).where(OutboxMessage.id == message_id)
        await session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.chat_id == old.scalar_subquery(), _pending())
            .values(chat_id=chat_id)
        )
    await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id)
        .values(
            due_at=due_at,
            locked_until=None,
            last_error=error[:1000],
            attempts=OutboxMessage.attempts + 1,
            failures=OutboxMessage.failures + (1 if failure else 0),
        )
    )


async def mark_failed(
    session: AsyncSession, message_id: int, error: str, now: datetime | None = None
) -> None:
    await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id)
        .values(
            failed_at=now or utcnow(),
            locked_until=None,
            last_error=error[:1000],
            attempts=OutboxMessage.attempts + 1,
        )
    )


async def mark_unreachable(
    session: AsyncSession, message_id: int, chat_id: int, error: str, now: datetime | None = None
) -> None:
    """Telegram refused the chat (403): the message fails, the chat is recorded as unreachable
    and its other pending messages fail with it (they would only be refused too)."""
    now = now or utcnow()
    await mark_failed(session, message_id, error, now)
    await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.chat_id == chat_id, _pending())
        .values(failed_at=now, locked_until=None, last_error=("recipient unreachable: " + error))
    )
    row = await session.get(UnreachableChat, chat_id)
    if row is None:
        session.add(UnreachableChat(chat_id=chat_id, since=now, error=error[:1000]))
    else:
        row.error = error[:1000]
    if chat_id > 0:  # a person blocked the bot: told what they missed when they write again
        await session.execute(
            update(Account)
            .where(Account.telegram_id == chat_id, Account.blocked_since.is_(None))
            .values(blocked_since=now)
        )


async def missed(session: AsyncSession, chat_id: int, since: datetime) -> list[OutboxMessage]:
    """What did not reach this person while they had blocked the bot (failed since `since`)."""
    o = OutboxMessage
    rows = await session.scalars(
        select(o)
        .where(o.chat_id == chat_id, o.failed_at >= since, o.sent_at.is_(None))
        .where(o.kind.in_(NEW))
        .order_by(o.id)
    )
    return list(rows)


async def undelivered(session: AsyncSession, dossier_id: int) -> list[OutboxMessage]:
    """The notices about this dossier that never reached a person (blocked the bot, or
    refused): listed on the dossier for staff."""
    o = OutboxMessage
    rows = await session.scalars(
        select(o)
        .where(o.dossier_id == dossier_id, o.chat_id > 0, o.failed_at.is_not(None))
        .where(o.sent_at.is_(None), o.kind.in_(NEW))
        .order_by(o.id)
    )
    return list(rows)


async def hold_unreachable(
    session: AsyncSession,
    message_id: int,
    chat_id: int,
    error: str,
    due_at: datetime,
    now: datetime | None = None,
) -> bool:
    """A staff chat refused the bot (403: it was removed from the group): unlike a person's, its
    messages are kept, the first one tried again at `due_at` (the chat's other ones wait behind
    it), and the chat is recorded unreachable. True when it was not recorded so before."""
    now = now or utcnow()
    await postpone(session, message_id, due_at, error)
    row = await session.get(UnreachableChat, chat_id)
    if row is not None:
        row.error = error[:1000]
        return False
    session.add(UnreachableChat(chat_id=chat_id, since=now, error=error[:1000]))
    return True


async def waiting(session: AsyncSession, chat_id: int) -> int:
    """How many messages of this chat are not delivered yet."""
    o = OutboxMessage
    return int(
        await session.scalar(select(func.count()).where(o.chat_id == chat_id, _pending())) or 0
    )


async def reachable_again(session: AsyncSession, chat_id: int) -> bool:
    """A message got through (or the person wrote to the bot): the chat is reachable. True when
    it was recorded unreachable until now."""
    result = await session.execute(
        delete(UnreachableChat).where(UnreachableChat.chat_id == chat_id)
    )
    return (result.rowcount or 0) > 0


async def unreachable(session: AsyncSession, chat_ids: list[int]) -> dict[int, UnreachableChat]:
    """Which of these chats refused the bot (403), since when and why: for staff screens."""
    if not chat_ids:
        return {}
    rows = await session.scalars(
        select(UnreachableChat).where(UnreachableChat.chat_id.in_(chat_ids))
    )
    return {row.chat_id: row for row in rows}


async def unreachable_chats(session: AsyncSession, limit: int = 20) -> list[UnreachableChat]:
    rows = await session.scalars(
        select(UnreachableChat).order_by(UnreachableChat.since.desc()).limit(limit)
    )
    return list(rows)


async def release(session: AsyncSession, message_ids: list[int]) -> None:
    if message_ids:
        await session.execute(
            update(OutboxMessage).where(OutboxMessage.id.in_(message_ids)).values(locked_until=None)
        )


async def pending(session: AsyncSession) -> list[OutboxMessage]:
    rows = await session.scalars(select(OutboxMessage).where(_pending()).order_by(OutboxMessage.id))
    return list(rows)


async def next_change(session: AsyncSession, now: datetime) -> datetime | None:
    """The next time a pending message becomes due or a lease runs out (after `now`)."""
    o = OutboxMessage
    due = await session.scalar(select(func.min(o.due_at)).where(_pending(), o.due_at > now))
    lease = await session.scalar(
        select(func.min(o.locked_until)).where(_pending(), o.locked_until > now)
    )
    times = [t for t in (due, lease) if t is not None]
    return min(times) if times else None


@dataclass(frozen=True)
class Counts:
    pending: int  # due or waiting (postponed, or behind another message of its chat)
    in_flight: int  # leased by a worker now
    sent: int
    failed: int
    oldest_undelivered: datetime | None  # created_at of the oldest pending message


async def counts(session: AsyncSession, now: datetime | None = None) -> Counts:
    now = now or utcnow()
    o = OutboxMessage
    leased = _pending() & (o.locked_until > now)
    row = (
        await session.execute(
            select(
                func.count().filter(_pending() & ~leased),
                func.count().filter(leased),
                func.count().filter(o.sent_at.is_not(None)),
                func.count().filter(o.failed_at.is_not(None)),
                func.min(o.created_at).filter(_pending()),
            )
        )
    ).one()
    return Counts(row[0], row[1], row[2], row[3], row[4])


async def failed(session: AsyncSession, limit: int = 10) -> list[OutboxMessage]:
    """The most recently failed messages."""
    rows = await session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.failed_at.is_not(None))
        .order_by(OutboxMessage.failed_at.desc(), OutboxMessage.id.desc())
        .limit(limit)
    )
    return list(rows)


async def retry(session: AsyncSession, message_id: int, now: datetime | None = None) -> bool:
    """Put a failed message back in its chat's queue (its chat no longer counted unreachable).
    False, and nothing changed, when there is no such message or it has not failed."""
    row = await session.get(OutboxMessage, message_id)
    if row is None or row.failed_at is None or row.sent_at is not None:
        return False
    row.failed_at = None
    row.locked_until = None
    row.attempts = 0
    row.due_at = now or utcnow()
    await reachable_again(session, row.chat_id)
    session.info[_WRITTEN] = True
    return True


def is_group(chat_id: int) -> bool:
    """Groups, supergroups and channels have negative ids; people have positive ones."""
    return chat_id < 0
