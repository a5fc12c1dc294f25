"""What nearly every update needs, read in one statement: the person, their active dossier, their
conversation state and whether the update was handled before. Later `session.get` calls for these
rows are answered from the session's identity map, without a round trip."""

from dataclasses import dataclass

from sqlalchemy import exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Account, Dossier, FsmRecord, ProcessedUpdate


@dataclass(frozen=True)
class Preloaded:
    """Holds the rows: the identity map keeps only weak references, so these keep them there."""

    account: Account | None
    handled_before: bool
    dossier: Dossier | None = None
    fsm_record: FsmRecord | None = None


async def preload(
    session: AsyncSession, telegram_id: int, update_id: int, fsm_key: str | None
) -> Preloaded:
    handled = exists().where(ProcessedUpdate.update_id == update_id).label("handled")
    statement = (
        select(Account, Dossier, FsmRecord, handled)
        .select_from(Account)
        .outerjoin(Dossier, Dossier.id == Account.active_dossier_id)
        .outerjoin(FsmRecord, FsmRecord.key == (fsm_key or ""))
        .where(Account.telegram_id == telegram_id)
    )
    row = (await session.execute(statement)).first()
    if row is not None:
        return Preloaded(row.Account, bool(row.handled), row.Dossier, row.FsmRecord)
    seen = await session.scalar(select(handled))
    return Preloaded(None, bool(seen))
