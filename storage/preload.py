"""What nearly every update needs, read in one statement: the person, their active dossier, their
conversation state and whether the update was handled before. Later `session.get` calls for these
rows are answered from the session's identity map, without a round trip."""

from dataclasses import dataclass

from sqlalchemy import bindparam, exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Account, Dossier, FsmRecord, ProcessedUpdate


@dataclass(frozen=True)
class Preloaded:
    """Holds the rows: the identity map keeps only weak references, so these keep them there."""

    account: Account | None
    handled_before: bool
    dossier: Dossier | None = None
    fsm_record: FsmRecord | None = None


# Built once: composing the statement for every update costs more than SQLite takes to run it.
_HANDLED = exists().where(ProcessedUpdate.update_id == bindparam("update_id")).label("handled")
_EVERYTHING = (
    select(Account, Dossier, FsmRecord, _HANDLED)
    .select_from(Account)
    .outerjoin(Dossier, Dossier.id == Account.active_dossier_id)
    .outerjoin(FsmRecord, FsmRecord.key == bindparam("fsm_key"))
    .where(Account.telegram_id == bindparam("telegram_id"))
)
_ONLY_HANDLED = select(_HANDLED)


async def preload(
    session: AsyncSession, telegram_id: int, update_id: int, fsm_key: str | None
) -> Preloaded:
    values = {"telegram_id": telegram_id, "update_id": update_id, "fsm_key": fsm_key or ""}
    row = (await session.execute(_EVERYTHING, values)).first()
    if row is not None:
        return Preloaded(row.Account, bool(row.handled), row.Dossier, row.FsmRecord)
    seen = await session.scalar(_ONLY_HANDLED, {"update_id": update_id})
    return Preloaded(None, bool(seen))
