"""Reference points for the answer step's storage: its statements run through SQLAlchemy Core alone
(storing without the ORM or any Telegram work, on SQLite or PostgreSQL) and through Python's sqlite3
module (SQLite's own share). The third reference, the echo sending the step's reply, is
`scenarios.Echo`.

The statements are the ones the bot issues for an answer (count them with a
`before_cursor_execute` listener): one read of the person, their dossier, their conversation state
and whether the update was seen; one write of the answers, the position and the update id; one
commit."""

import itertools
import json
import sqlite3
from pathlib import Path
from typing import Any

from sqlalchemy import bindparam, exists, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from bench.feeding import timed
from storage.dossiers import RECORD_AND_SAVE
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


class StorageOnly:
    """The answer step's statements and commit, on its database, with no ORM and no bot.

    Each step takes a connection from the engine's pool and gives it back, as the bot does for
    every update (a bot serving many people cannot keep one connection to itself): that is part of
    what any SQLAlchemy bot pays per update (on PostgreSQL the pool's pre-ping, on every engine the
    pool's reset when the connection comes back)."""

    name = "storage only"

    def __init__(
        self, engine: AsyncEngine, person: dict[str, Any], dossier_id: int, backend: str
    ) -> None:
        self.engine = engine
        self.person = person
        self.dossier_id = dossier_id
        self.backend = backend
        self._update_ids = itertools.count(5_000_000)

    async def run(self, count: int) -> list[float]:
        return await timed(self._step, count)

    async def _step(self) -> None:
        async with self.engine.connect() as connection:
            await self._statements(connection)

    async def _statements(self, connection: AsyncConnection) -> None:
        update_id = next(self._update_ids)
        row = (await connection.execute(_READ, {**self.person, "update_id": update_id})).first()
        assert row is not None and not row.handled
        now = utcnow()
        answers = {**row._mapping[_dossiers.c.answers], "title": f"Titre {update_id}"}
        values = {"dossier_id": self.dossier_id, "answers": answers, "cursor": {"q": "sector"}}
        statement = RECORD_AND_SAVE[connection.dialect.name]  # answer and update id, one statement
        await connection.execute(statement, {**values, "now": now, "update_id": update_id})
        await connection.commit()

    async def close(self) -> None:
        """The engine belongs to the answer step."""


class Sqlite3Only:
    """The same statements written by hand for Python's sqlite3 module: SQLite's own share."""

    name = "sqlite3 only"
    backend = "SQLite"
    READ = (
        "SELECT a.*, d.*, s.*, EXISTS (SELECT 1 FROM processed_updates WHERE update_id = ?)"
        " FROM accounts a LEFT JOIN dossiers d ON d.id = a.active_dossier_id"
        " LEFT JOIN fsm_records s ON s.key = ? WHERE a.telegram_id = ?"
    )
    RECORD_AND_SAVE = (  # the view of migration 0018, as the bot writes an answer
        "INSERT INTO answer_writes (update_id, at, dossier_id, answers, cursor)"
        " VALUES (?, ?, ?, ?, ?)"
    )

    def __init__(self, database: Path, person: dict[str, Any], dossier_id: int) -> None:
        self.connection = sqlite3.connect(database)
        self.connection.execute("PRAGMA synchronous=NORMAL")  # as the bot's (storage/db.py)
        self.key = (person["fsm_key"], person["telegram_id"])
        self.dossier_id = dossier_id
        self._update_ids = itertools.count(7_000_000)
        accounts = [c[1] for c in self.connection.execute("PRAGMA table_info(accounts)")]
        dossiers = [c[1] for c in self.connection.execute("PRAGMA table_info(dossiers)")]
        self._answers_at = len(accounts) + dossiers.index("answers")

    async def run(self, count: int) -> list[float]:
        return await timed(self._step, count)

    async def _step(self) -> None:
        update_id = next(self._update_ids)
        row = self.connection.execute(self.READ, (update_id, *self.key)).fetchone()
        answers = {**json.loads(row[self._answers_at]), "title": f"Titre {update_id}"}
        now = utcnow().replace(tzinfo=None).isoformat(" ")
        cursor = json.dumps({"q": "sector"})
        self.connection.execute(
            self.RECORD_AND_SAVE, (update_id, now, self.dossier_id, json.dumps(answers), cursor)
        )
        self.connection.commit()

    async def close(self) -> None:
        self.connection.close()
