"""The outbox worker against the stand-in: nothing the bot sends on its own is lost."""

import asyncio

import pytest
from aiogram import Bot
from aiogram.client.default import DefaultBotProperties
from aiogram.client.telegram import TelegramAPIServer
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.workers.limits import RateLimiter
from bot.workers.outbox import OutboxWorker, backoff
from storage import outbox
from storage.db import session_factory
from storage.models import OutboxMessage
from testkit.harness import QUICK_LIMITS_ARGS, QuickCloseSession
from testkit.outbox_kit import breaches
from testkit.standin import BotAPIStandIn

GROUP = -100500


@pytest.fixture
async def api():
    async with BotAPIStandIn() as stand_in:
        stand_in.add_group(GROUP, "Secrétariat")
        yield stand_in


@pytest.fixture
async def bot(api: BotAPIStandIn):
    session = QuickCloseSession(api=TelegramAPIServer.from_base(api.url))
    bot = Bot(api.token, session=session, default=DefaultBotProperties(parse_mode="HTML"))
    yield bot
    await session.close()


@pytest.fixture
def sessions(engine):
    return session_factory(engine)


async def put(sessions: async_sessionmaker[AsyncSession], *texts: str, chat: int = GROUP) -> None:
    async with sessions() as session:
        for text in texts:
            outbox.enqueue(session, chat, text)
        await session.commit()


async def rows(sessions: async_sessionmaker[AsyncSession]) -> list[OutboxMessage]:
    async with sessions() as session:
        return list(await session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


async def run_until_sent(worker: OutboxWorker, api: BotAPIStandIn, count: int, chat: int = GROUP):
    worker.start()
    try:
        for _ in range(200):
            if len(api.messages(chat)) >= count:
                return
            await asyncio.sleep(0.05)
        raise AssertionError(f"only {len(api.messages(chat))} of {count} messages delivered")
    finally:
        await worker.stop()


async def run_until(worker: OutboxWorker, done) -> None:
    """Runs the worker until `done()` (awaited) is true."""
    worker.start()
    try:
        for _ in range(200):
            if await done():
                return
            await asyncio.sleep(0.05)
        raise AssertionError("the outbox never reached the expected state")
    finally:
        await worker.stop()


def quick_worker(bot: Bot, sessions: async_sessionmaker[AsyncSession]) -> OutboxWorker:
    """Telegram's pacing and the backoff shrunk (test_outbox_faults.py has the real ones)."""
    limiter = RateLimiter(**QUICK_LIMITS_ARGS)
    return OutboxWorker(bot, sessions, idle_poll=0.05, limiter=limiter, max_backoff=0.05)


async def test_messages_are_delivered_in_order(sessions, api, bot) -> None:
    await put(sessions, "<b>one</b>", "two", "three")
    await run_until_sent(
        quick_worker(bot, sessions),
        api,
        3,
    )
    assert [m["text"] for m in api.messages(GROUP)] == ["one", "two", "three"]
    assert all(r.sent_at and r.telegram_message_id for r in await rows(sessions))


async def test_a_429_waits_retry_after_and_keeps_the_order(sessions, api, bot) -> None:
    await put(sessions, "first", "second")
    api.fail_next("sendMessage", 429, retry_after=1)
    await run_until_sent(
        quick_worker(bot, sessions),
        api,
        2,
    )
    assert [m["text"] for m in api.messages(GROUP)] == ["first", "second"]
    first, second = await rows(sessions)
    assert first.attempts == 2 and second.attempts == 1
    gap = [c.at for c in api.calls_of("sendMessage")]
    assert gap[1] - gap[0] >= 0.9


@pytest.mark.parametrize("fault", ["500", "502", "drop"])
async def test_server_and_network_errors_are_retried(sessions, api, bot, fault) -> None:
    await put(sessions, "card")
    if fault == "drop":
        api.drop_connection_next("sendMessage")
    else:
        api.fail_next("sendMessage", int(fault))
    await run_until_sent(
        quick_worker(bot, sessions),
        api,
        1,
    )
    (row,) = await rows(sessions)
    assert row.sent_at is not None and row.attempts == 2 and row.last_error


async def test_a_refused_message_is_set_aside_not_retried_forever(sessions, api, bot) -> None:
    await put(sessions, "to nobody", chat=777)
    await put(sessions, "to the group")
    await run_until_sent(
        quick_worker(bot, sessions),
        api,
        1,
    )
    refused, delivered = await rows(sessions)
    assert refused.failed_at is not None and "chat not found" in refused.last_error
    assert delivered.sent_at is not None


async def test_a_restart_resumes_undelivered_messages(sessions, api, bot) -> None:
    await put(sessions, "waiting")
    api.fail_next("sendMessage", 500, times=1)
    first = quick_worker(bot, sessions)
    first.start()
    for _ in range(100):
        if api.calls_of("sendMessage"):
            break
        await asyncio.sleep(0.02)
    await first.stop()
    assert api.messages(GROUP) == []
    async with sessions() as session:
        await session.execute(
            OutboxMessage.__table__.update().values(due_at=OutboxMessage.created_at)
        )
        await session.commit()
    await run_until_sent(
        quick_worker(bot, sessions),
        api,
        1,
    )
    assert [m["text"] for m in api.messages(GROUP)] == ["waiting"]


def test_backoff_doubles_and_is_capped() -> None:
    assert 0.8 <= backoff(0) <= 1.2
    assert 6.4 <= backoff(3) <= 9.6
    assert backoff(30) <= 360


async def test_documents_and_locations_go_through_the_worker(sessions, api, bot, tmp_path) -> None:
    path = tmp_path / "budget.pdf"
    path.write_bytes(b"%PDF-1.4 the budget")
    async with sessions() as session:
        outbox.enqueue_document(
            session, GROUP, path=str(path), file_name="FC-2026-0001.pdf", caption="<b>Budget</b>"
        )
        outbox.enqueue_location(session, GROUP, 14.6928, -17.4467)
        await session.commit()
    await run_until_sent(quick_worker(bot, sessions), api, 2)
    document, location = api.messages(GROUP)
    assert document["caption"] == "Budget" and document["document"]["file_name"] == (
        "FC-2026-0001.pdf"
    )
    assert api.files.get(document["document"]["file_id"]).content == path.read_bytes()
    assert location["location"] == {"latitude": 14.6928, "longitude": -17.4467}


async def test_an_edit_waits_for_the_message_it_edits(sessions, api, bot) -> None:
    async with sessions() as session:
        card = outbox.enqueue(session, GROUP, "card: submitted")
        await outbox.enqueue_edit(session, card, "card: in review")
        await session.commit()
    api.fail_next("sendMessage", 502)  # the card itself waits out a backoff

    async def edited() -> bool:
        return all(r.sent_at for r in await rows(sessions))

    await run_until(quick_worker(bot, sessions), edited)
    (message,) = api.messages(GROUP)
    assert message["text"] == "card: in review"
    sends = [c for c in api.calls_of("sendMessage") if c.ok]
    (edit,) = api.calls_of("editMessageText")
    assert edit.at > sends[0].at and edit.params["message_id"] == message["message_id"]
    card_row, edit_row = await rows(sessions)
    assert card_row.attempts == 2 and edit_row.attempts == 1 and edit_row.sent_at


async def test_an_edit_of_a_message_that_failed_fails_too(sessions, api, bot) -> None:
    async with sessions() as session:
        card = outbox.enqueue(session, 777, "to nobody")  # no such chat: refused for good
        await outbox.enqueue_edit(session, card, "edited")
        outbox.enqueue(session, GROUP, "after")
        await session.commit()

    async def settled() -> bool:
        card_row, edit_row, after = await rows(sessions)
        return bool(card_row.failed_at and edit_row.failed_at and after.sent_at)

    await run_until(quick_worker(bot, sessions), settled)
    card_row, edit_row, _after = await rows(sessions)
    assert card_row.failed_at and edit_row.failed_at and edit_row.sent_at is None
    assert api.calls_of("editMessageText") == []


async def test_the_limits_hold_at_the_bot_api_over_http(sessions, api, bot) -> None:
    """Telegram's limits, shrunk in time but not in kind (per chat, per group's window, global
    window), checked on the times the stand-in received the requests, a 429 included."""
    other_group, people = -100600, (501, 502)
    api.add_group(other_group, "Commission")
    for person in people:
        api.add_private(person)
    chats = (GROUP, other_group, *people)
    async with sessions() as session:
        for n in range(6):
            for chat in chats:
                outbox.enqueue(session, chat, f"{chat}:{n}")
        await session.commit()
    api.fail_next("sendMessage", 429, retry_after=1)
    limits = RateLimiter(
        per_chat=0.1, group_count=3, group_window=0.5, global_count=6, global_window=0.25
    )
    worker = OutboxWorker(bot, sessions, idle_poll=0.05, limiter=limits, max_backoff=0.05)

    async def all_sent() -> bool:
        return all(r.sent_at for r in await rows(sessions))

    await run_until(worker, all_sent)
    calls = api.calls_of("sendMessage")
    found = breaches(
        [(c.received, c.at, int(c.params["chat_id"]), c.status, 1 if c.status == 429 else None)
         for c in calls],
        limits,
    )  # fmt: skip
    assert not found, found
    assert [c.status for c in calls].count(429) == 1 and len(calls) == 6 * len(chats) + 1
    for chat in chats:
        assert [m["text"] for m in api.messages(chat)] == [f"{chat}:{n}" for n in range(6)]
