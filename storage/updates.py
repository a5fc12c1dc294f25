"""Remembering which Telegram updates have been handled.

An update's id is written in the same transaction as the update's first change, so an update is
either handled with its effect or not at all; writing it only then keeps SQLite's single write
lock free while a read-only update is answered.
"""

from datetime import datetime
from typing import Any

from sqlalchemy import delete, event
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from storage.models import ProcessedUpdate

_PENDING = "unrecorded_update_id"


def record_with_first_write(session: AsyncSession, update_id: int) -> None:
    session.info[_PENDING] = update_id


def record_now(session: AsyncSession) -> None:
    update_id = session.info.pop(_PENDING, None)
    if update_id is not None:
        session.add(ProcessedUpdate(update_id=update_id))


def take_unrecorded(session: AsyncSession) -> int | None:
    """The update id still to record with this transaction's first write (then it is the
    caller's to write, in that same write)."""
    return session.info.pop(_PENDING, None)


class AppSession(Session):
    """The bot's own sessions (`storage.db.session_factory`). The listeners below apply to them
    only: any other SQLAlchemy session in the process (Alembic, a tool, a test) is left alone."""


@event.listens_for(AppSession, "before_flush")
def _record_before_first_write(session: Session, _context: Any, _instances: Any) -> None:
    update_id = session.info.pop(_PENDING, None)
    if update_id is not None:
        session.add(ProcessedUpdate(update_id=update_id))


async def forget_updates_before(session: AsyncSession, moment: datetime) -> None:
    """Telegram keeps updates 24 hours at most; older ids can never come back."""
    await session.execute(delete(ProcessedUpdate).where(ProcessedUpdate.at < moment))
