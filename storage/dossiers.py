"""Dossiers, their attachments, status history and references."""

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    ColumnElement,
    Integer,
    MetaData,
    Table,
    bindparam,
    delete,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value

from bot.domain.access import Reach, reach, reaches
from storage.models import (
    Account,
    Attachment,
    Dossier,
    ProcessedUpdate,
    ReferenceCounter,
    StatusChange,
)
from storage.onecall import commit_in_one_call, execute_in_one_call
from storage.types import UTCDateTime, utcnow
from storage.updates import record_before_core_write, take_unrecorded

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


def reachable(scope: Reach) -> ColumnElement[bool]:
    """The records `scope` covers (bot/domain/access.py), as a condition on `dossiers`."""
    condition = Dossier.city_id == scope.city_id
    if scope.author is not None:
        condition = condition & (Dossier.created_by == scope.author)
    return condition


async def city_dossiers(session: AsyncSession, account: Account) -> list[Dossier]:
    """The city's records this person reaches (all of them for a verified official, their own
    while unverified, none once refused), situation reports aside, the latest first."""
    scope = reach(account)
    if scope is None:
        return []
    result = await session.scalars(
        select(Dossier)
        .where(reachable(scope), Dossier.parent_id.is_(None))
        .order_by(Dossier.updated_at.desc())
    )
    return list(result)


async def last_status_changes(session: AsyncSession, dossier_ids: list[int]) -> dict[int, datetime]:
    """When each of these dossiers last changed status (those that never did are left out)."""
    if not dossier_ids:
        return {}
    rows = await session.execute(
        select(StatusChange.dossier_id, func.max(StatusChange.at))
        .where(StatusChange.dossier_id.in_(dossier_ids))
        .group_by(StatusChange.dossier_id)
    )
    return {dossier_id: at for dossier_id, at in rows}


async def save_answers(
    session: AsyncSession,
    dossier: Dossier,
    answers: dict,
    cursor: dict[str, Any] | None,
    *,
    commit: bool = False,
) -> None:
    """Store the answers and the position (one UPDATE, with the update id before it when this is
    the update's first write); the loaded row is told the new values, as if it had flushed them.
    The transaction is committed with it if `commit`, else it is the caller's to commit."""
    now = utcnow()
    values = {"dossier_id": dossier.id, "answers": answers, "cursor": cursor, "now": now}
    update_id = take_unrecorded(session)
    statement = _SAVE_ANSWERS
    if update_id is not None:
        statement = RECORD_AND_SAVE[session.get_bind().dialect.name]
        values["update_id"] = update_id
    await (commit_in_one_call if commit else execute_in_one_call)(session, statement, values)
    for name, value in (("answers", answers), ("cursor", cursor), ("updated_at", now)):
        set_committed_value(dossier, name, value)


async def dossier_for(session: AsyncSession, account: Account, dossier_id: int) -> Dossier | None:
    """The record if this person reaches it (bot/domain/access.py); anyone else gets nothing,
    whatever id a button or a typed answer names."""
    dossier = await session.get(Dossier, dossier_id)
    if dossier is None or not reaches(account, dossier.city_id, dossier.created_by):
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
    """Delete a draft and its attachments; returns the files on disk nothing refers to now.
    Only while it is a draft: the row is claimed first (`set_status` from draft to draft), so a
    submission at the same moment either comes first (then `StatusMoved`, nothing deleted) or
    waits and finds it gone."""
    await set_status(session, dossier, "draft", "draft")
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


DELETED = "deleted"  # StatusMoved's status when the row is gone


class StatusMoved(Exception):
    """The record is no longer in the status a move was taken from: someone else moved it
    first (or the screen the move came from was old). Nothing was written; the row now holds
    its current status and reference."""

    def __init__(self, dossier_id: int, status: str, reference: str | None) -> None:
        super().__init__(f"dossier {dossier_id} is now {status}")
        self.dossier_id = dossier_id
        self.status = status
        self.reference = reference


async def set_status(
    session: AsyncSession, dossier: Dossier, from_status: str, to_status: str
) -> datetime:
    """The compare-and-set under every status change: `UPDATE … WHERE id = :id AND status =
    :from`, the transaction's write on the row (the update id goes in just before it). On
    PostgreSQL a second mover waits on the row's lock and then finds the status changed; on
    SQLite writers take turns. Raises `StatusMoved` (nothing written, the row refreshed) when
    the status is no longer `from_status`. The caller commits."""
    now = utcnow()
    await record_before_core_write(session)
    result = await session.execute(
        update(_dossiers)
        .where(_dossiers.c.id == dossier.id, _dossiers.c.status == from_status)
        .values(status=to_status, updated_at=now)
    )
    if result.rowcount != 1:
        found = await session.scalar(select(_dossiers.c.id).where(_dossiers.c.id == dossier.id))
        if found is None:  # a draft deleted a moment ago
            raise StatusMoved(dossier.id, DELETED, dossier.reference)
        await session.refresh(dossier)  # as it is now; whatever the caller set on it is dropped
        raise StatusMoved(dossier.id, dossier.status, dossier.reference)
    set_committed_value(dossier, "status", to_status)
    set_committed_value(dossier, "updated_at", now)
    return now


async def change_status(
    session: AsyncSession,
    dossier: Dossier,
    to_status: str,
    by_user: int,
    reason: str | None = None,
    at: datetime | None = None,
    *,
    from_status: str | None = None,
) -> StatusChange:
    """Move the dossier (or emergency) from `from_status` (by default the status it was read
    in) to `to_status`, with its history entry, only if it still is in that status: see
    `set_status`, which raises `StatusMoved` otherwise. Call it before writing anything else
    of the move, so that a refused move has written nothing."""
    source = from_status if from_status is not None else dossier.status
    moved_at = await set_status(session, dossier, source, to_status)
    change = StatusChange(
        dossier_id=dossier.id,
        from_status=source,
        to_status=to_status,
        by_user=by_user,
        reason=reason,
        at=at or moved_at,
    )
    session.add(change)
    return change


async def give_reference(session: AsyncSession, dossier: Dossier, prefix: str, year: int) -> bool:
    """Give the dossier its reference, once: True if this call gave it; False if it already had
    one (`dossier.reference` is then that one, read again). The row is claimed first (`UPDATE …
    WHERE reference IS NULL`: a concurrent giver waits for it, then finds it given), so the
    counter moves only for the one that gives it."""
    await record_before_core_write(session)
    claimed = await session.execute(
        update(_dossiers)
        .where(_dossiers.c.id == dossier.id, _dossiers.c.reference.is_(None))
        .values(reference=_dossiers.c.reference)
    )
    if claimed.rowcount != 1:
        given = await session.scalar(
            select(_dossiers.c.reference).where(_dossiers.c.id == dossier.id)
        )
        set_committed_value(dossier, "reference", given)
        return False
    reference = await next_reference(session, prefix, year)
    await session.execute(
        update(_dossiers).where(_dossiers.c.id == dossier.id).values(reference=reference)
    )
    set_committed_value(dossier, "reference", reference)
    return True
