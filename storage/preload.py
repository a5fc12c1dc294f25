"""What nearly every update needs, read in one statement: the person, their active dossier, their
conversation state and whether the update was handled before (a person seen for the first time
included: the statement always returns one row). Later `session.get` calls for these rows are
answered from the session's identity map, without a round trip."""

from dataclasses import dataclass

from sqlalchemy import bindparam, exists, literal, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Account, Dossier, FsmRecord, ProcessedUpdate


@dataclass(frozen=True)
class Preloaded:
    """Holds the rows: the identity map keeps only weak references, so these keep them there."""

    account: Account | None
    handled_before: bool
    dossier: Dossier | None = None
    fsm_record: FsmRecord | None = None  # None: there is no conversation state under the key


# Built once: composing the statement for every update costs more than SQLite takes to run it.
_HANDLED = exists().where(ProcessedUpdate.update_id == bindparam("update_id")).label("handled")
_ONE_ROW = select(literal(1).label("one")).subquery("one")
_EVERYTHING = (
    select(Account, Dossier, FsmRecord, _HANDLED)
    .select_from(_ONE_ROW)
    .outerjoin(Account, Account.telegram_id == bindparam("telegram_id"))
    .outerjoin(Dossier, Dossier.id == Account.active_dossier_id)
    .outerjoin(FsmRecord, FsmRecord.key == bindparam("fsm_key"))
)


async def preload(
    session: AsyncSession, telegram_id: int, update_id: int, fsm_key: str | None
) -> Preloaded:
    values = {"telegram_id": telegram_id, "update_id": update_id, "fsm_key": fsm_key or ""}
    row = (await session.execute(_EVERYTHING, values)).one()
    return Preloaded(row.Account, bool(row.handled), row.Dossier, row.FsmRecord)
