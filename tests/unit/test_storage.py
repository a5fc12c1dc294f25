"""Storage on SQLite and PostgreSQL: migrations, references, duplicate updates, FSM, outbox."""

import asyncio
from datetime import timedelta
from pathlib import Path

import pytest
from aiogram.fsm.storage.base import StorageKey
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import event, inspect, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.services.people import link_city
from bot.telegram.fsm_storage import DatabaseStorage, update_session
from bot.telegram.states import Flow
from storage import outbox
from storage.accounts import new_account
from storage.db import create_engine, downgrade, migrate, session_factory, write_turn
from storage.dossiers import create_dossier, next_reference, save_answers
from storage.models import (
    Account,
    Base,
    City,
    Dossier,
    FsmRecord,
    OutboxMessage,
    ProcessedUpdate,
)
from storage.preload import Preloaded, preload
from storage.types import utcnow
from storage.updates import AppSession, record_now, record_with_first_write
from testkit.databases import without_busy_handler


async def test_migrations_go_up_down_and_up_and_match_the_models(engine: AsyncEngine) -> None:
    await downgrade(engine, "base")
    await migrate(engine)

    def differences(connection):
        return compare_metadata(MigrationContext.configure(connection), Base.metadata)

    async with engine.connect() as connection:
        assert await connection.run_sync(differences) == []


async def test_migration_0017_keeps_every_card_as_an_outbox_row_naming_its_dossier(
    engine: AsyncEngine,
) -> None:
    """A dossier's card (its `card_outbox_id`) and an emergency's cards (`emergency_cards`), as
    0016 kept them, are the outbox rows naming them after 0017, and again the same after going
    back down."""
    await downgrade(engine, "0016")
    now = utcnow()
    rows = [
        "INSERT INTO cities (id, name, name_key, country, created_at) "
        "VALUES (1, 'Dakar', 'dakar', 'SN', :now)",
        "INSERT INTO accounts (telegram_id, first_name, created_at, updated_at) "
        "VALUES (700, 'Awa', :now, :now)",
        *(
            f"INSERT INTO outbox (id, chat_id, kind, text, priority, created_at, due_at, attempts)"
            f" VALUES ({n}, {chat}, 'text', 'card', 0, :now, :now, 0)"
            for n, chat in ((1, -100), (2, -100), (3, -200), (4, 700))
        ),
        *(
            f"INSERT INTO dossiers (id, city_id, created_by, form, form_version, status, answers, "
            f"created_at, updated_at, card_outbox_id) VALUES ({n}, 1, 700, '{form}', 1, "
            f"'submitted', '{{}}', :now, :now, {card})"
            for n, form, card in ((10, "fund", "1"), (11, "emergency", "NULL"))
        ),
        "INSERT INTO emergency_cards (dossier_id, chat_id, outbox_id) VALUES (11, -100, 2)",
        "INSERT INTO emergency_cards (dossier_id, chat_id, outbox_id) VALUES (11, -200, 3)",
    ]
    async with engine.begin() as connection:
        for row in rows:
            await connection.execute(text(row), {"now": now})
    await migrate(engine)
    cards = "SELECT id, card FROM outbox ORDER BY id"
    async with engine.connect() as connection:
        after = list(await connection.execute(text(cards)))
    assert after == [(1, "dossier:10"), (2, "dossier:11"), (3, "dossier:11"), (4, None)]
    await downgrade(engine, "0016")
    async with engine.connect() as connection:
        kept = "SELECT id, card_outbox_id FROM dossiers ORDER BY id"
        assert list(await connection.execute(text(kept))) == [(10, 1), (11, None)]
        emergency = "SELECT dossier_id, chat_id, outbox_id FROM emergency_cards ORDER BY id"
        assert list(await connection.execute(text(emergency))) == [(11, -100, 2), (11, -200, 3)]
    await migrate(engine)


async def test_references_follow_each_other_without_gaps_or_repeats(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async def allocate() -> str:
        async with sessions() as session:
            reference = await next_reference(session, "FC", 2027)
            await session.commit()
            return reference

    first = await allocate()
    rest = await asyncio.gather(*(allocate() for _ in range(5)))
    assert first == "FC-2027-0001"
    assert sorted(rest) == [f"FC-2027-{n:04d}" for n in range(2, 7)]
    async with sessions() as session:
        assert await next_reference(session, "FC", 2028) == "FC-2028-0001"


async def test_people_of_one_new_city_registering_at_once_share_its_row(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async def register(telegram_id: int) -> int | None:
        async with sessions() as session:
            account = new_account(session, telegram_id, "Awa")
            account.city_name, account.country = "Ziguinchor", "SN"
            await link_city(session, account)
            await session.commit()
            return account.city_id

    city_ids = await asyncio.gather(*(register(900 + n) for n in range(5)))
    async with sessions() as session:
        cities = list(await session.scalars(select(City)))
    assert [c.name for c in cities] == ["Ziguinchor"] and set(city_ids) == {cities[0].id}


async def handled(sessions: async_sessionmaker[AsyncSession], update_id: int) -> bool:
    async with sessions() as session:
        return (await preload(session, 0, update_id, None)).handled_before


async def test_an_update_is_recorded_with_its_first_write(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions() as session:
        record_with_first_write(session, 42)
        new_account(session, 9, "Awa")
        await session.commit()
    assert await handled(sessions, 42)
    async with sessions() as session:
        record_with_first_write(session, 43)
        record_now(session)
        await session.commit()
    assert await handled(sessions, 43)


async def test_only_the_apps_own_sessions_record_the_update_id(
    engine: AsyncEngine, sessions: async_sessionmaker[AsyncSession]
) -> None:
    """The before_flush listener is on the app's Session subclass, not on every Session."""
    others = async_sessionmaker(engine, expire_on_commit=False)  # plain sqlalchemy.orm.Session
    async with others() as session:
        assert not isinstance(session.sync_session, AppSession)
        record_with_first_write(session, 50)  # a stray id in the session's info, for all it knows
        new_account(session, 10, "Jean")
        await session.flush()
        assert list(await session.scalars(select(ProcessedUpdate.update_id))) == []
        await session.commit()
    async with sessions() as session:
        assert isinstance(session.sync_session, AppSession)
        record_with_first_write(session, 51)
        new_account(session, 11, "Layla")
        await session.flush()
        assert list(await session.scalars(select(ProcessedUpdate.update_id))) == [51]
        await session.commit()
    async with sessions() as session:
        assert list(await session.scalars(select(ProcessedUpdate.update_id))) == [51]


async def test_an_update_whose_handling_failed_was_not_handled(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions() as session:
        record_with_first_write(session, 7)
        new_account(session, 9, "Awa")
        await session.flush()
        await session.rollback()
    assert not await handled(sessions, 7)


async def test_an_answer_written_as_core_carries_the_update_id_in_its_transaction(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    """`save_answers` bypasses the unit of work, so `before_flush` never sees it: the update id
    goes in with it all the same, and leaves with it when the transaction is rolled back."""
    async with sessions() as session:
        account = new_account(session, 12, "Awa")
        account.city_name, account.country = "Dakar", "SN"
        await link_city(session, account)
        dossier = await create_dossier(session, account, {})
        await session.commit()
    for update_id, keep in ((60, False), (61, True)):
        async with sessions() as session:
            row = await session.get(Dossier, dossier.id)
            assert row is not None
            record_with_first_write(session, update_id)
            await save_answers(session, row, {"title": f"n°{update_id}"}, {"q": "sector"})
            assert row.answers == {"title": f"n°{update_id}"} and not session.dirty
            await (session.commit() if keep else session.rollback())
        assert await handled(sessions, update_id) is keep
    async with sessions() as session:
        row = await session.get(Dossier, dossier.id)
        assert row is not None and row.answers == {"title": "n°61"}
        assert row.cursor == {"q": "sector"}
        ids = list(await session.scalars(select(ProcessedUpdate.update_id)))
        assert ids == [61]


async def test_an_answer_on_sqlite_is_one_call_to_the_connections_thread(
    engine: AsyncEngine, sessions: async_sessionmaker[AsyncSession]
) -> None:
    """While SQLite's write turn is held, each call to the connection's thread waits for a turn
    of the busy event loop: the answer goes to the driver as one call, not through SQLAlchemy's
    cursor (open, execute, close: three calls). PostgreSQL's is the usual execution."""
    async with sessions() as session:
        account = new_account(session, 14, "Awa")
        account.city_name, account.country = "Dakar", "SN"
        await link_city(session, account)
        dossier = await create_dossier(session, account, {})
        await session.commit()
    through_cursor: list[str] = []

    def executed(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        through_cursor.append(statement)

    async with sessions() as session:
        row = await session.get(Dossier, dossier.id)
        assert row is not None
        record_with_first_write(session, 80)
        event.listen(engine.sync_engine, "before_cursor_execute", executed)
        try:
            await save_answers(session, row, {"title": "Éclairage"}, {"q": "sector"})
        finally:
            event.remove(engine.sync_engine, "before_cursor_execute", executed)
        await session.commit()
    assert len(through_cursor) == (0 if engine.dialect.name == "sqlite" else 1)
    assert await handled(sessions, 80)
    async with sessions() as session:
        row = await session.get(Dossier, dossier.id)
        assert row is not None and row.answers == {"title": "Éclairage"}
        assert row.cursor == {"q": "sector"} and row.updated_at.tzinfo is not None


async def test_an_answer_alone_in_its_transaction_commits_itself_in_the_same_call(
    engine: AsyncEngine, sessions: async_sessionmaker[AsyncSession]
) -> None:
    """On SQLite an answer that is its transaction's only write runs as a transaction of its own
    (no BEGIN, no COMMIT: SQLite's autocommit), so the write turn is held for that one call. It
    stays whole: a duplicate update id fails it all. With something else to write, the usual
    transaction holds both. PostgreSQL commits as usual; the outcome is the same."""
    async with sessions() as session:
        account = new_account(session, 15, "Awa")
        account.city_name, account.country = "Dakar", "SN"
        await link_city(session, account)
        dossier = await create_dossier(session, account, {"title": "first"})
        await session.commit()
    sqlite = engine.dialect.name == "sqlite"
    transaction_statements: list[str] = []

    def traced(sql: str) -> None:
        if sql.split()[0].upper() in {"BEGIN", "COMMIT", "ROLLBACK"}:
            transaction_statements.append(sql.split()[0].upper())

    async def answer(update_id: int, title: str, *, rename: str | None = None) -> None:
        async with sessions() as session:
            row = await session.get(Dossier, dossier.id)
            person = await session.get(Account, 15)
            assert row is not None and person is not None
            if rename is not None:
                person.full_name = rename
            driver = (await (await session.connection()).get_raw_connection()).driver_connection
            if sqlite:
                await driver.set_trace_callback(traced)
            try:
                record_with_first_write(session, update_id)
                await save_answers(session, row, {"title": title}, {"q": "sector"}, commit=True)
            finally:
                if sqlite:
                    await driver.set_trace_callback(None)

    await answer(90, "alone")
    assert transaction_statements == []  # without BEGIN/COMMIT the answer wrote at once: one call
    assert await handled(sessions, 90)
    with pytest.raises(IntegrityError):
        await answer(90, "duplicate")
    await answer(91, "with a new name", rename="Awa Ndiaye")
    assert transaction_statements == (["BEGIN", "COMMIT"] if sqlite else [])
    async with sessions() as session:
        row = await session.get(Dossier, dossier.id)
        person = await session.get(Account, 15)
        assert row is not None and row.answers == {"title": "with a new name"}
        assert person is not None and person.full_name == "Awa Ndiaye"
    assert await handled(sessions, 91)


async def test_setting_the_state_it_is_in_leaves_nothing_to_write(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    """A button of the form sets the answering state again on every press: within an update's
    session that must leave nothing to flush, or the update would take SQLite's write turn once
    more at its end for a commit that writes nothing."""
    key = StorageKey(bot_id=1, chat_id=3, user_id=3)
    storage = DatabaseStorage(sessions)
    await storage.set_state(key, Flow.dossier)
    await storage.set_data(key, {"then": "new"})
    async with sessions() as session:
        token = update_session.set(session)
        try:
            await storage.set_state(key, Flow.dossier)
            await storage.set_data(key, {"then": "new"})
            assert not session.dirty
            await storage.set_state(key, Flow.note)
            assert session.dirty
            await session.commit()
        finally:
            update_session.reset(token)
    assert await DatabaseStorage(sessions).get_state(key) == Flow.note.state


async def test_the_first_read_loads_its_rows_as_the_orm_would_in_one_call(
    engine: AsyncEngine, sessions: async_sessionmaker[AsyncSession]
) -> None:
    """Every update's first read (person, active dossier, conversation state, "seen before?"):
    on SQLite one call to the connection's thread, not SQLAlchemy's cursor (four calls); the
    rows it builds equal the ORM's, sit in the identity map, and their changes are written."""
    key = StorageKey(bot_id=1, chat_id=16, user_id=16)
    await DatabaseStorage(sessions).set_state(key, Flow.dossier)
    await DatabaseStorage(sessions).set_data(key, {"then": "new"})
    fsm_key = DatabaseStorage(sessions).record_key(key)
    async with sessions() as session:
        account = new_account(session, 16, "Awa")
        account.city_name, account.country = "Dakar", "SN"
        await link_city(session, account)
        dossier = await create_dossier(session, account, {"title": "Éclairage", "budget": "12.5"})
        account.active_dossier_id = dossier.id
        account.blocked_since = utcnow()
        session.add(ProcessedUpdate(update_id=95))
        await session.commit()
    async with sessions() as session:  # as the ORM loads them
        expected = (
            await session.get(Account, 16),
            await session.get(Dossier, dossier.id),
            await session.get(FsmRecord, fsm_key),
        )
    through_cursor: list[str] = []

    def executed(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        through_cursor.append(statement)

    async with sessions() as session:
        event.listen(engine.sync_engine, "before_cursor_execute", executed)
        try:
            loaded = await preload(session, 16, 95, fsm_key)
        finally:
            event.remove(engine.sync_engine, "before_cursor_execute", executed)
        assert len(through_cursor) == (0 if engine.dialect.name == "sqlite" else 1)
        assert loaded.handled_before
        for row, want in zip(
            (loaded.account, loaded.dossier, loaded.fsm_record), expected, strict=True
        ):
            assert row is not None and not session.dirty
            columns = inspect(type(row)).column_attrs.keys()
            assert {c: getattr(row, c) for c in columns} == {c: getattr(want, c) for c in columns}
        assert loaded.account is not None and loaded.account.blocked_since.tzinfo is not None
        assert await session.get(Account, 16) is loaded.account  # from the identity map
        loaded.account.full_name = "Awa Ndiaye"
        await session.commit()
    async with sessions() as session:
        person = await session.get(Account, 16)
        assert person is not None and person.full_name == "Awa Ndiaye"
        nobody = await preload(session, 17, 96, "nobody")
        assert nobody == Preloaded(None, False, None, None)


async def test_fsm_state_and_data_survive_a_new_storage_object(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    key = StorageKey(bot_id=1, chat_id=2, user_id=2)
    await DatabaseStorage(sessions).set_state(key, Flow.dossier)
    await DatabaseStorage(sessions).set_data(key, {"then": "new"})
    again = DatabaseStorage(sessions)
    assert await again.get_state(key) == Flow.dossier.state
    assert await again.get_data(key) == {"then": "new"}
    await again.set_state(key, None)
    assert await again.get_state(key) is None


async def test_dossier_answers_and_position_are_one_row(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions() as session:
        account = new_account(session, 5, "Awa")
        account.city_name, account.country = "Dakar", "SN"
        await link_city(session, account)
        dossier = await create_dossier(session, account, {"city": "Dakar"})
        dossier.cursor = {"q": "mayor"}
        await session.commit()
        dossier_id = dossier.id
    async with sessions() as session:
        stored = await session.get(Dossier, dossier_id)
        assert stored.answers == {"city": "Dakar"} and stored.cursor == {"q": "mayor"}
        assert stored.created_at.tzinfo is not None


async def test_officials_of_one_city_share_it(sessions: async_sessionmaker[AsyncSession]) -> None:
    async with sessions() as session:
        one = new_account(session, 1, "A")
        two = new_account(session, 2, "B")
        one.city_name, one.country = "Saint-Louis", "SN"
        two.city_name, two.country = "saint louis", "SN"
        await link_city(session, one)
        await link_city(session, two)
        assert one.city_id == two.city_id


async def test_outbox_leases_due_messages_to_one_worker_at_a_time(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions() as session:
        outbox.enqueue(session, 10, "first")
        outbox.enqueue(session, 10, "second")
        later = outbox.enqueue(session, 11, "later")
        later.due_at = utcnow() + timedelta(hours=1)
        await session.commit()
    async with sessions() as one, sessions() as two:
        claimed = await outbox.claim_due(one)
        assert [m.text for m in claimed] == ["first"]
        assert await outbox.claim_due(two) == []
        await outbox.mark_sent(one, claimed[0].id, 99)
        await one.commit()
        assert [m.text for m in await outbox.claim_due(two)] == ["second"]
        await outbox.release(two, [m.id for m in await outbox.pending(two)])
        await two.commit()
    async with sessions() as session:
        assert [m.text for m in await outbox.pending(session)] == ["second", "later"]
        sent = await session.scalar(
            select(OutboxMessage).where(OutboxMessage.telegram_message_id == 99)
        )
        assert sent.sent_at is not None and sent.attempts == 1


async def test_an_answer_of_an_update_already_recorded_is_not_written(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    """The answer and its update's id are one statement: a duplicate id fails it whole."""
    async with sessions() as session:
        account = new_account(session, 13, "Awa")
        account.city_name, account.country = "Dakar", "SN"
        await link_city(session, account)
        dossier = await create_dossier(session, account, {"title": "first"})
        session.add(ProcessedUpdate(update_id=70))
        await session.commit()
    async with sessions() as session:
        row = await session.get(Dossier, dossier.id)
        assert row is not None
        record_with_first_write(session, 70)
        with pytest.raises(IntegrityError):
            await save_answers(session, row, {"title": "again"}, {"q": "sector"})
    async with sessions() as session:
        row = await session.get(Dossier, dossier.id)
        assert row is not None and row.answers == {"title": "first"}


async def test_the_sqlite_file_and_its_folder_are_created(tmp_path: Path) -> None:
    from storage.db import create_engine

    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'new' / 'deep' / 'bot.db'}")
    await migrate(engine)
    await engine.dispose()
    assert (tmp_path / "new" / "deep" / "bot.db").exists()


async def test_old_update_ids_are_forgotten(sessions: async_sessionmaker[AsyncSession]) -> None:
    from bot.workers.housekeeping import KEEP_UPDATES, Housekeeping

    async with sessions() as session:
        session.add(ProcessedUpdate(update_id=1, at=utcnow() - KEEP_UPDATES - timedelta(minutes=1)))
        session.add(ProcessedUpdate(update_id=2))
        await session.commit()
    await Housekeeping(sessions).run_once()
    async with sessions() as session:
        assert list(await session.scalars(select(ProcessedUpdate.update_id))) == [2]


async def test_a_sqlite_writer_holds_the_turn_until_its_transaction_ends(tmp_path: Path) -> None:
    """From its first write to its commit a transaction holds the process's write turn: a second
    writer waits for it in the process, not in SQLite (whose busy handler is off here, so a
    writer reaching SQLite while the lock is held would fail at once); the holder never waits."""
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'turns.db'}")
    await migrate(engine)
    await engine.dispose()
    without_busy_handler(engine)
    sessions = session_factory(engine)
    try:
        async with sessions() as first, sessions() as second:
            first.add(ProcessedUpdate(update_id=1))
            await first.flush()  # `first` holds SQLite's write lock now, and the turn
            second.add(ProcessedUpdate(update_id=2))
            waiting = asyncio.create_task(second.commit())
            await asyncio.sleep(0.05)
            assert not waiting.done()  # in line for the turn: SQLite would have said "locked"
            async with asyncio.timeout(5), write_turn(first):  # `first` never waits for it
                first.add(ProcessedUpdate(update_id=3))
                await first.commit()
            async with asyncio.timeout(5):
                await waiting
        async with sessions() as session:
            ids = await session.scalars(select(ProcessedUpdate.update_id))
            assert sorted(ids) == [1, 2, 3]
    finally:
        await engine.dispose()
