"""A write statement in one call to SQLite's connection thread.

aiosqlite runs each call on a connection in the connection's own thread; SQLAlchemy's adapter makes
three of them per statement (open a cursor, execute, close it), each a turn of the busy event loop
while SQLite's write turn (`storage.db.take_turn`) is held: with 30 people answering at once the
turn, not the CPU, bounded the answers per second. Here the statement is compiled and its values
processed by SQLAlchemy, as for any execution, and the driver's own `execute` runs it in one call,
in the session's transaction (the caller commits). Other databases execute it as usual.
"""

from typing import Any

from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import Executable
from sqlalchemy.sql.compiler import Compiled

# Compiled once per statement and dialect: its SQL, the order of its values and their processors
# (the statement is kept too, so its id is never another's).
_COMPILED: dict[tuple[int, str], tuple[Executable, str, list[tuple[str, Any]]]] = {}


def _prepared(statement: Executable, dialect: Dialect) -> tuple[str, list[tuple[str, Any]]]:
    key = (id(statement), dialect.name)
    if key not in _COMPILED:
        compiled: Compiled = statement.compile(dialect=dialect)
        names = compiled.positiontup or []  # type: ignore[attr-defined]
        binds = compiled.binds  # type: ignore[attr-defined]
        order = [(name, binds[name].type.bind_processor(dialect)) for name in names]
        _COMPILED[key] = (statement, compiled.string, order)
    _statement, sql, order = _COMPILED[key]
    return sql, order


async def execute_in_one_call(
    session: AsyncSession, statement: Executable, values: dict[str, Any]
) -> None:
    """Execute a write `statement` (built once, at import: it is cached by identity) with
    `values`, in the session's transaction."""
    connection = await session.connection()
    dialect = connection.dialect
    if dialect.name != "sqlite":
        await session.execute(statement, values)
        return
    sql, order = _prepared(statement, dialect)
    params = tuple(process(values[name]) if process else values[name] for name, process in order)
    raw = await connection.get_raw_connection()
    try:
        await raw.driver_connection.execute(sql, params)
    except dialect.loaded_dbapi.Error as error:  # as SQLAlchemy would raise it, values hidden
        raise DBAPIError.instance(
            sql, params, error, dialect.loaded_dbapi.Error, hide_parameters=True
        ) from error
