"""Remembering which Telegram updates have been handled.

An update's id is written in the same transaction as the update's first change, so an update is
either handled with its effect or not at all; writing it only then keeps SQLite's single write
lock free while a read-only update is answered.
"""

from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, delete, event, insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from storage.models import ProcessedUpdate
from storage.types import utcnow

_PENDING = "unrecorded_update_id"
# Built once, as Core: for writes that bypass the unit of work (`storage.dossiers.save_answers`).
_RECORD = insert(ProcessedUpdate.__table__).values(
    update_id=bindparam("update_id"), at=bindparam("at")
)


def record_with_first_write(session: AsyncSession, update_id: int) -> None:
    session.info[_PENDING] = update_id


def record_now(session: AsyncSession) -> None:
    update_id = session.info.pop(_PENDING, None)
    if update_id is not None:
        session.add(ProcessedUpdate(update_id=update_id))


async def record_before_core_write(session: AsyncSession) -> None:
    """For a write issued as a Core statement, which no flush (and so no `before_flush`) sees:
    the update id goes in first, in the same transaction."""
    update_id = session.info.pop(_PENDING, None)
    if update_id is not None:
        await session.execute(_RECORD, {"update_id": update_id, "at": utcnow()})


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
