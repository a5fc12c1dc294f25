"""Dossiers, their attachments, status history and references."""

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    Integer,
    MetaData,
    Table,
    bindparam,
    delete,
    insert,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value

from storage.models import (
    Account,
    Attachment,
    Dossier,
    ProcessedUpdate,
    ReferenceCounter,
    StatusChange,
)
from storage.types import UTCDateTime, utcnow
from storage.updates import take_unrecorded

_dossiers = Dossier.__table__
# An answer's write, built once and issued as Core: the unit of work (change tracking, flush
# planning) cost more per answer than the statement itself.
_SAVE_ANSWERS = (
    update(_dossiers)
    .where(_dossiers.c.id == bindparam("dossier_id"))
    .values(answers=bindparam("answers"), cursor=bindparam("cursor"), updated_at=bindparam("now"))
)
# The same with the update's id recorded, as ONE statement (an answer is usually an update's first
# write): on SQLite one statement is one series of round trips to the connection's thread, while
# the write turn is held (migration 0018's view `answer_writes`, whose INSTEAD OF INSERT trigger
# does both); on PostgreSQL one round trip (a data-modifying WITH).
_ANSWER_WRITES = Table(
    "answer_writes",
    MetaData(),
    Column("update_id", BigInteger),
    Column("at", UTCDateTime),
    Column("dossier_id", Integer),
    Column("answers", JSON),
    Column("cursor", JSON),
)
RECORD_AND_SAVE = {
    "sqlite": insert(_ANSWER_WRITES).values(
        update_id=bindparam("update_id"),
        at=bindparam("now"),
        dossier_id=bindparam("dossier_id"),
        answers=bindparam("answers"),
        cursor=bindparam("cursor"),
    ),
    "postgresql": _SAVE_ANSWERS.add_cte(
        insert(ProcessedUpdate.__table__)
        .values(update_id=bindparam("update_id"), at=bindparam("now"))
        .cte("recorded")
    ),
}


async def create_dossier(session: AsyncSession, account: Account, answers: dict) -> Dossier:
    assert account.city_id is not None
    dossier = Dossier(city_id=account.city_id, created_by=account.telegram_id, answers=answers)
    session.add(dossier)
    await session.flush()
    return dossier


async def city_dossiers(session: AsyncSession, city_id: int) -> list[Dossier]:
    result = await session.scalars(
        select(Dossier)
        .where(Dossier.city_id == city_id, Dossier.parent_id.is_(None))
        .order_by(Dossier.updated_at.desc())
    )
    return list(result)


async def save_answers(
    session: AsyncSession, dossier: Dossier, answers: dict, cursor: dict[str, Any] | None
) -> None:
    """Store the answers and the position (one UPDATE, with the update id before it when this is
    the update's first write); the loaded row is told the new values, as if it had flushed them.
    The transaction is the caller's to commit."""
    now = utcnow()
    values = {"dossier_id": dossier.id, "answers": answers, "cursor": cursor, "now": now}
    update_id = take_unrecorded(session)
    if update_id is None:
        await session.execute(_SAVE_ANSWERS, values)
    else:
        statement = RECORD_AND_SAVE[session.get_bind().dialect.name]
        await session.execute(statement, {**values, "update_id": update_id})
    for name, value in (("answers", answers), ("cursor", cursor), ("updated_at", now)):
        set_committed_value(dossier, name, value)


async def dossier_for(session: AsyncSession, account: Account, dossier_id: int) -> Dossier | None:
    """The dossier if this person's city owns it; anyone else gets nothing."""
    dossier = await session.get(Dossier, dossier_id)
    if dossier is None or account.city_id is None or dossier.city_id != account.city_id:
        return None
    return dossier


async def attachments(session: AsyncSession, dossier_id: int) -> list[Attachment]:
    result = await session.scalars(
        select(Attachment).where(Attachment.dossier_id == dossier_id).order_by(Attachment.id)
    )
    return list(result)


async def remove_attachment(
    session: AsyncSession, dossier_id: int, attachment_id: int
) -> list[str]:
    """Delete the attachment; returns its file path if no other attachment shares the file."""
    attachment = await session.get(Attachment, attachment_id)
    if attachment is None or attachment.dossier_id != dossier_id:
        return []
    await session.delete(attachment)
    await session.flush()
    return await _orphans(session, [attachment.path])


async def _orphans(session: AsyncSession, paths: list[str]) -> list[str]:
    used = set(await session.scalars(select(Attachment.path).where(Attachment.path.in_(paths))))
    return [path for path in paths if path not in used]


async def delete_draft(session: AsyncSession, dossier: Dossier) -> list[str]:
    """Delete a draft and its attachments; returns the files on disk nothing refers to now."""
    paths = list(
        await session.scalars(select(Attachment.path).where(Attachment.dossier_id == dossier.id))
    )
    await session.execute(delete(Attachment).where(Attachment.dossier_id == dossier.id))
    await session.execute(
        update(Account)
        .where(Account.active_dossier_id == dossier.id)
        .values(active_dossier_id=None)
    )
    await session.delete(dossier)
    await session.flush()
    return await _orphans(session, paths)


async def next_reference(session: AsyncSession, prefix: str, year: int) -> str:
    """`FC-2027-0042`: the year and a sequence that never repeats, even under concurrency."""
    for _ in range(3):
        number = await session.scalar(
            update(ReferenceCounter)
            .where(ReferenceCounter.prefix == prefix, ReferenceCounter.year == year)
            .values(last=ReferenceCounter.last + 1)
            .returning(ReferenceCounter.last)
        )
        if number is not None:
            return f"{prefix}-{year}-{number:04d}"
        try:
            async with session.begin_nested():
                session.add(ReferenceCounter(prefix=prefix, year=year, last=1))
            return f"{prefix}-{year}-0001"
        except IntegrityError:
            continue
    raise RuntimeError("could not allocate a dossier reference")


async def change_status(
    session: AsyncSession,
    dossier: Dossier,
    to_status: str,
    by_user: int,
    reason: str | None = None,
    at: datetime | None = None,
) -> StatusChange:
    change = StatusChange(
        dossier_id=dossier.id,
        from_status=dossier.status,
        to_status=to_status,
        by_user=by_user,
        reason=reason,
        at=at or utcnow(),
    )
    dossier.status = to_status
    session.add(change)
    return change
