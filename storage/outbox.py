"""The outbox: messages the bot sends on its own, written with the change that causes them."""

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from storage.models import OutboxMessage
from storage.types import utcnow

LEASE = timedelta(seconds=60)


def enqueue(
    session: AsyncSession, chat_id: int, text: str, reply_markup: dict[str, Any] | None = None
) -> OutboxMessage:
    """Add to the caller's transaction: the message exists exactly when the change does."""
    message = OutboxMessage(chat_id=chat_id, text=text, reply_markup=reply_markup)
    session.add(message)
    return message


async def claim_due(session: AsyncSession, limit: int = 20) -> list[OutboxMessage]:
    """Lease due messages to this worker; a lease that runs out frees them for another worker.

    Only the oldest pending message of each chat is due, so a chat told to wait (429) gets its
    messages later but still in order.
    """
    now = utcnow()
    free = (OutboxMessage.locked_until.is_(None)) | (OutboxMessage.locked_until < now)
    earlier = aliased(OutboxMessage)
    waiting_before = (
        select(earlier.id)
        .where(earlier.chat_id == OutboxMessage.chat_id, earlier.id < OutboxMessage.id)
        .where(earlier.sent_at.is_(None), earlier.failed_at.is_(None))
    )
    due = (
        select(OutboxMessage.id)
        .where(OutboxMessage.sent_at.is_(None), OutboxMessage.failed_at.is_(None))
        .where(OutboxMessage.due_at <= now, free, ~waiting_before.exists())
        .order_by(OutboxMessage.id)
        .limit(limit)
    )
    ids = list(await session.scalars(due))
    if not ids:
        return []
    claimed = await session.scalars(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(ids), free)
        .values(locked_until=now + LEASE)
        .returning(OutboxMessage.id)
    )
    claimed_ids = set(claimed)
    await session.commit()
    rows = await session.scalars(
        select(OutboxMessage).where(OutboxMessage.id.in_(claimed_ids)).order_by(OutboxMessage.id)
    )
    return list(rows)


async def mark_sent(session: AsyncSession, message_id: int, telegram_message_id: int) -> None:
    await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id)
        .values(
            sent_at=utcnow(),
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
) -> None:
    values: dict[str, Any] = {"chat_id": chat_id} if chat_id is not None else {}
    await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id)
        .values(
            due_at=due_at,
            locked_until=None,
            last_error=error[:1000],
            attempts=OutboxMessage.attempts + 1,
            **values,
        )
    )


async def mark_failed(session: AsyncSession, message_id: int, error: str) -> None:
    await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id)
        .values(
            failed_at=utcnow(),
            locked_until=None,
            last_error=error[:1000],
            attempts=OutboxMessage.attempts + 1,
        )
    )


async def release(session: AsyncSession, message_ids: list[int]) -> None:
    if message_ids:
        await session.execute(
            update(OutboxMessage).where(OutboxMessage.id.in_(message_ids)).values(locked_until=None)
        )


async def pending(session: AsyncSession) -> list[OutboxMessage]:
    rows = await session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.sent_at.is_(None), OutboxMessage.failed_at.is_(None))
        .order_by(OutboxMessage.id)
    )
    return list(rows)
