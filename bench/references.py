"""Reference points for the answer step's storage: its statements run through SQLAlchemy Core alone
(storing without the ORM or any Telegram work) and through Python's sqlite3 module (SQLite's own
share). The third reference, the echo sending the step's reply, is `scenarios.run_echo`."""

import itertools
import json
import sqlite3
import time
from typing import Any

from sqlalchemy import bindparam, exists, insert, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from bench.feeding import Result
from storage.models import Account, Dossier, FsmRecord, ProcessedUpdate
from storage.types import utcnow

_accounts, _dossiers, _states = Account.__table__, Dossier.__table__, FsmRecord.__table__
# The same read as `storage.preload`, as plain columns.
_READ = (
    select(
        _accounts,
        _dossiers,
        _states,
        exists().where(ProcessedUpdate.update_id == bindparam("update_id")).label("handled"),
    )
    .select_from(_accounts)
    .outerjoin(_dossiers, _dossiers.c.id == _accounts.c.active_dossier_id)
    .outerjoin(_states, _states.c.key == bindparam("fsm_key"))
    .where(_accounts.c.telegram_id == bindparam("telegram_id"))
)
_SAVE_ANSWER = (
    update(Dossier)
    .where(Dossier.id == bindparam("dossier_id"))
    .values(answers=bindparam("answers"), cursor=bindparam("cursor"), updated_at=bindparam("now"))
)
_RECORD_UPDATE = insert(ProcessedUpdate).values(
    update_id=bindparam("update_id"), at=bindparam("now")
)


async def run_storage_only(
    engine: AsyncEngine, person: dict[str, Any], dossier_id: int, count: int, warmup: int
) -> Result:
    """The answer step's three statements and commit, on its database, with no ORM and no bot."""
    update_ids = itertools.count(5_000_000)
    samples = []
    async with engine.connect() as connection:
        for index in range(warmup + count):
            update_id = next(update_ids)
            start = time.perf_counter()
            values = {**person, "update_id": update_id}
            row = (await connection.execute(_READ, values)).first()
            assert row is not None and not row.handled
            now = utcnow()
            answers = {**row._mapping[_dossiers.c.answers], "title": f"Titre {index}"}
            await connection.execute(
                _SAVE_ANSWER,
                {
                    "dossier_id": dossier_id,
                    "answers": answers,
                    "cursor": {"q": "sector"},
                    "now": now,
                },
            )
            await connection.execute(_RECORD_UPDATE, {"update_id": update_id, "now": now})
            await connection.commit()
            if index >= warmup:
                samples.append(time.perf_counter() - start)
    return Result("storage only", count, sum(samples), tuple(s * 1e6 for s in samples))


async def run_sqlite_only(
    database: str, person: dict[str, Any], dossier_id: int, count: int, warmup: int
) -> Result:
    """The same statements written by hand for Python's sqlite3 module: SQLite's own share."""
    update_ids = itertools.count(7_000_000)
    samples = []
    read = (
        "SELECT a.*, d.*, s.*, EXISTS (SELECT 1 FROM processed_updates WHERE update_id = ?)"
        " FROM accounts a LEFT JOIN dossiers d ON d.id = a.active_dossier_id"
        " LEFT JOIN fsm_records s ON s.key = ? WHERE a.telegram_id = ?"
    )
    connection = sqlite3.connect(database)
    connection.execute("PRAGMA synchronous=NORMAL")  # as the bot's connections (storage/db.py)
    try:
        columns = [c[1] for c in connection.execute("PRAGMA table_info(accounts)")]
        answers_at = len(columns) + [
            c[1] for c in connection.execute("PRAGMA table_info(dossiers)")
        ].index("answers")
        for index in range(warmup + count):
            update_id = next(update_ids)
            start = time.perf_counter()
            row = connection.execute(
                read, (update_id, person["fsm_key"], person["telegram_id"])
            ).fetchone()
            answers = {**json.loads(row[answers_at]), "title": f"Titre {index}"}
            now = utcnow().replace(tzinfo=None).isoformat(" ")
            connection.execute(
                "UPDATE dossiers SET answers = ?, cursor = ?, updated_at = ? WHERE id = ?",
                (json.dumps(answers), json.dumps({"q": "sector"}), now, dossier_id),
            )
            connection.execute(
                "INSERT INTO processed_updates (update_id, at) VALUES (?, ?)", (update_id, now)
            )
            connection.commit()
            if index >= warmup:
                samples.append(time.perf_counter() - start)
    finally:
        connection.close()
    return Result("sqlite3 only", count, sum(samples), tuple(s * 1e6 for s in samples))
