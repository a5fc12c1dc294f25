"""Remembering which Telegram updates have been handled.

An update's id is written in the same transaction as the update's first change, so an update is
either handled with its effect or not at all; writing it only then keeps SQLite's single write
lock free while a read-only update is answered.
"""

from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, delete, event, insert, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from storage.models import ProcessedUpdate, UpdateReply
from storage.types import utcnow

_PENDING = "unrecorded_update_id"
_RECORDING = "update_id_in_transaction"  # session.info: this transaction writes the update id
COMMITTED = "update_effect_committed"  # session.info: the update's effect is committed
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
        session.info[_RECORDING] = True


def take_unrecorded(session: AsyncSession) -> int | None:
    """The update id still to record with this transaction's first write (then it is the
    caller's to write, in that same write)."""
    update_id = session.info.pop(_PENDING, None)
    if update_id is not None:
        session.info[_RECORDING] = True
    return update_id


class AppSession(Session):
    """The bot's own sessions (`storage.db.session_factory`). The listeners below apply to them
    only: any other SQLAlchemy session in the process (Alembic, a tool, a test) is left alone."""


@event.listens_for(AppSession, "before_flush")
def _record_before_first_write(session: Session, _context: Any, _instances: Any) -> None:
    update_id = session.info.pop(_PENDING, None)
    if update_id is not None:
        session.add(ProcessedUpdate(update_id=update_id))
        session.info[_RECORDING] = True


@event.listens_for(AppSession, "after_commit")
def _effect_committed(session: Session) -> None:
    if session.info.pop(_RECORDING, None):
        session.info[COMMITTED] = True


@event.listens_for(AppSession, "after_rollback")
def _effect_rolled_back(session: Session) -> None:
    session.info.pop(_RECORDING, None)


def effect_committed(session: AsyncSession) -> bool:
    """Whether this update's effect (with its id) is committed: from then on, what the update
    still sends is written down first (`remember_reply`)."""
    return bool(session.info.get(COMMITTED))


def remember_reply(session: AsyncSession, update_id: int, method: str, params: Any) -> None:
    """A request the update makes after its effect was committed (committed by the caller,
    before the request is made)."""
    session.add(UpdateReply(update_id=update_id, method=method, params=params))


async def replies(session: AsyncSession, update_id: int) -> list[UpdateReply]:
    """What an update handled before sent after its effect, in order: to send again when Telegram
    sends the update again (the process died before it was done)."""
    rows = await session.scalars(
        select(UpdateReply).where(UpdateReply.update_id == update_id).order_by(UpdateReply.id)
    )
    return list(rows)


async def forget_updates_before(session: AsyncSession, moment: datetime) -> None:
    """Telegram keeps updates 24 hours at most; older ids can never come back."""
    await session.execute(delete(ProcessedUpdate).where(ProcessedUpdate.at < moment))
    await session.execute(delete(UpdateReply).where(UpdateReply.at < moment))
