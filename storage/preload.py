"""What nearly every update needs, read in one statement: the person, their active dossier, their
conversation state and whether the update was handled before (a person seen for the first time
included: the statement always returns one row). Later `session.get` calls for these rows are
answered from the session's identity map, without a round trip.

On SQLite the statement is one call to the connection's thread (`storage.onecall`), not the four
of SQLAlchemy's cursor (each waiting for a turn of the busy event loop: 6 calls per typed answer
became 3 with the answer's own); the rows are then made the ORM's objects as a query would."""

from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, exists, inspect, literal, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import make_transient_to_detached

from storage.models import Account, Dossier, FsmRecord, ProcessedUpdate
from storage.onecall import rows_in_one_call


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


def _columns_by_model() -> list[tuple[type, list[tuple[int, str]]]]:
    """Where each model's columns are in the statement's row, with the attribute of each."""
    by_model: dict[type, list[tuple[int, str]]] = {}
    models = {model.__table__: model for model in (Account, Dossier, FsmRecord)}
    for index, column in enumerate(_EVERYTHING.selected_columns):
        model = models.get(getattr(column, "table", None))
        if model is not None:
            key = inspect(model).get_property_by_column(column).key
            by_model.setdefault(model, []).append((index, key))
    return list(by_model.items())


_COLUMNS = _columns_by_model()


def _loaded(session: AsyncSession, row: tuple[Any, ...]) -> list[Any]:
    """The row's objects as if loaded by the ORM: built from their columns, then made detached
    with no history (`make_transient_to_detached`) and added to the session, whose identity map
    then answers for them (the session's first read: none of them is there yet); None where the
    outer join found nothing."""
    found = []
    for model, columns in _COLUMNS:
        values = {key: row[index] for index, key in columns}
        if all(value is None for value in values.values()):  # no row: a key is never NULL
            found.append(None)
            continue
        instance = model(**values)
        make_transient_to_detached(instance)
        session.add(instance)
        found.append(instance)
    return found


async def preload(
    session: AsyncSession, telegram_id: int, update_id: int, fsm_key: str | None
) -> Preloaded:
    values = {"telegram_id": telegram_id, "update_id": update_id, "fsm_key": fsm_key or ""}
    if session.get_bind().dialect.name == "sqlite":  # one call to the connection's thread
        (row,) = await rows_in_one_call(session, _EVERYTHING, values)
        account, dossier, fsm_record = _loaded(session, row)
        return Preloaded(account, bool(row[-1]), dossier, fsm_record)
    row = (await session.execute(_EVERYTHING, values)).one()
    return Preloaded(row.Account, bool(row.handled), row.Dossier, row.FsmRecord)
