"""The outbox under injected faults, on a controllable clock (no sleeping): 10% 429 with
retry_after, 10% 502, a blocked user, a worker killed at a random point and a new one on the same
database. Every message delivered, in order per chat, none twice (but what was in flight at the
kill), no request before a retry_after, Telegram's limits never exceeded."""

import asyncio
import contextlib
import random
from collections import Counter

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.workers.limits import RateLimiter
from bot.workers.outbox import OutboxWorker
from storage import outbox
from storage.db import create_engine, session_factory
from testkit.outbox_kit import (
    FakeClock,
    FaultySession,
    breaches,
    fill,
    in_process_bot,
    rows,
    wait_settled,
)
from testkit.standin import BotAPIStandIn

BLOCKED = 4040
GROUPS = (-2001, -2002)
PEOPLE = tuple(range(3001, 3007))


def stand_in() -> BotAPIStandIn:
    api = BotAPIStandIn()
    for group in GROUPS:
        api.add_group(group, f"Group {group}")
    for person in (*PEOPLE, BLOCKED):
        api.add_private(person)
    api.block(BLOCKED)
    return api


PLAN = {GROUPS[0]: 22, GROUPS[1]: 6, BLOCKED: 2, **dict.fromkeys(PEOPLE, 4)}  # 54 messages


def worker(api: BotAPIStandIn, sessions, clock: FakeClock, seed: int) -> OutboxWorker:
    session = FaultySession(api, clock, p429=0.1, p502=0.1, retry_after=2, seed=seed)
    return OutboxWorker(in_process_bot(session), sessions, idle_poll=60.0, clock=clock)


def timeline(*workers: OutboxWorker):
    return [
        (r.start, r.end, r.chat_id, r.status, r.retry_after)
        for w in workers
        for r in w.bot.session.requests
    ]


def delivered(api: BotAPIStandIn, chat: int) -> list[str]:
    return [m["text"] for m in api.messages(chat)]


@pytest.mark.parametrize("kill", [False, True], ids=["no kill", "kill"])
async def test_every_message_once_in_order_within_the_limits(engine: AsyncEngine, kill) -> None:
    sessions = session_factory(engine)
    api = stand_in()
    expected = await fill(sessions, PLAN)
    clock = FakeClock()
    first = worker(api, sessions, clock, seed=7)
    workers = [first]
    in_flight: set[int] = set()
    first.start()
    if kill:
        at = random.Random(11).randrange(10, 50)
        first.bot.session.kill_at = (at, first._task)
        await asyncio.wait_for(first.bot.session.killed.wait(), 20)
        in_flight = set(first.in_flight)
        with contextlib.suppress(asyncio.CancelledError):
            await first._task
        clock.advance(outbox.LEASE.total_seconds() + 1)  # the dead worker's leases run out
        second = worker(api, sessions, clock, seed=8)
        workers.append(second)
        second.start()
    await wait_settled(sessions)
    await workers[-1].stop()

    by_id = {r.id: r for r in await rows(sessions)}
    allowed_twice = {by_id[i].text for i in in_flight}
    for chat, texts in expected.items():
        got = delivered(api, chat)
        if chat == BLOCKED:
            assert got == []
            continue
        assert list(dict.fromkeys(got)) == texts, chat  # all, in order
        twice = [t for t, n in Counter(got).items() if n > 1]
        assert set(twice) <= allowed_twice and all(Counter(got)[t] == 2 for t in twice)
    assert len(allowed_twice) <= first.concurrency
    # The blocked user: one refusal, nothing asked of that chat after it, recorded unreachable.
    calls = [r for w in workers for r in w.bot.session.requests if r.chat_id == BLOCKED]
    assert [r.status for r in calls].count(403) == 1 and calls[-1].status == 403
    assert all(
        r.failed_at and "blocked" in r.last_error for r in by_id.values() if r.chat_id == BLOCKED
    )
    async with sessions() as session:
        assert set(await outbox.unreachable(session, [BLOCKED, PEOPLE[0]])) == {BLOCKED}
    sent = [r for r in by_id.values() if r.chat_id != BLOCKED]
    assert all(r.sent_at and r.telegram_message_id for r in sent)
    # The faults really happened, and no limit was broken, nor any retry_after.
    faults = Counter(r.injected for w in workers for r in w.bot.session.requests)
    assert faults[429] >= 3 and faults[502] >= 3
    assert not breaches(timeline(*workers), first.limiter)


async def test_an_urgent_message_overtakes_the_backlog_of_its_chats(engine: AsyncEngine) -> None:
    sessions = session_factory(engine)
    api = stand_in()
    chats = PEOPLE[:6]
    await fill(sessions, dict.fromkeys(chats, 10))
    clock = FakeClock()
    w = OutboxWorker(in_process_bot(FaultySession(api, clock)), sessions, clock=clock)
    assert await w.deliver_due() == len(chats)  # the first of each chat
    async with sessions() as session:
        for chat in chats[:3]:
            outbox.enqueue(session, chat, f"ALERT {chat}", priority=outbox.URGENT)
        await session.commit()
    clock.advance(1)
    assert await w.deliver_due() == len(chats)
    round_two = [r.text for r in w.bot.session.requests[len(chats) :]]
    assert round_two[:3] == [f"ALERT {c}" for c in chats[:3]]  # the alerts go first of all
    for chat in chats[:3]:
        assert delivered(api, chat) == [f"m{chat}:0", f"ALERT {chat}"]
    for chat in chats[3:]:
        assert delivered(api, chat) == [f"m{chat}:0", f"m{chat}:1"]


async def test_two_workers_draining_one_outbox_claim_no_row_twice(
    engine: AsyncEngine, monkeypatch
) -> None:
    """On PostgreSQL each worker has its own engine (as two processes would); claims are
    recorded per worker task."""
    api = stand_in()
    plan = dict.fromkeys((*PEOPLE, *GROUPS), 5)
    expected = await fill(session_factory(engine), plan)
    claims: dict[str, list[int]] = {}
    real_claim = outbox.claim_due
    # Each worker's first claim takes half the chats' heads, worker1's after worker0's, and
    # neither claims again before the other's first claim: both take part however the machine
    # schedules them (one worker alone could drain everything before the other started, on a
    # loaded machine; two first claims at once on SQLite could leave one empty-handed).
    first = {f"worker{n}": asyncio.Event() for n in range(2)}
    half = len(plan) // 2

    async def recording_claim(session, *args, **kwargs):
        name = asyncio.current_task().get_name()
        if name in first and not first[name].is_set():
            kwargs["limit"] = half
            if name == "worker1":  # after worker0's: two first claims at once could meet
                await asyncio.wait_for(first["worker0"].wait(), 30)
        elif name in first:
            other = "worker1" if name == "worker0" else "worker0"
            await asyncio.wait_for(first[other].wait(), 30)
        claimed = await real_claim(session, *args, **kwargs)
        claims.setdefault(name, []).extend(m.id for m in claimed)
        if name in first:
            first[name].set()
        return claimed

    monkeypatch.setattr(outbox, "claim_due", recording_claim)
    second_engine = create_engine(engine.url.render_as_string(hide_password=False))
    fast = dict(per_chat=0.001, group_count=1000, global_count=10_000)
    workers = [
        OutboxWorker(
            in_process_bot(FaultySession(api)),
            session_factory(e),
            idle_poll=0.01,
            limiter=RateLimiter(**fast),
        )
        for e in (engine, second_engine)
    ]
    try:
        for n, w in enumerate(workers):
            w.start()
            w._task.set_name(f"worker{n}")
        await wait_settled(session_factory(engine))
        for w in workers:
            await w.stop()
    finally:
        await second_engine.dispose()
    one, two = (claims.get(f"worker{n}", []) for n in range(2))
    assert len(one) == len(set(one)) and len(two) == len(set(two)) and not set(one) & set(two)
    assert len(one) + len(two) == sum(plan.values())
    assert one and two, "both workers took part"
    for chat, texts in expected.items():
        assert delivered(api, chat) == texts


async def test_a_message_that_keeps_failing_is_given_up(engine: AsyncEngine) -> None:
    sessions = session_factory(engine)
    api = stand_in()
    await fill(sessions, {PEOPLE[0]: 2})
    api.fail_next("sendMessage", 502, times=3)
    clock = FakeClock()
    w = OutboxWorker(
        in_process_bot(FaultySession(api, clock)), sessions, clock=clock, max_attempts=3
    )
    w.start()
    await wait_settled(sessions)
    await w.stop()
    first, second = await rows(sessions)
    assert first.failed_at and first.attempts == 3 and "gave up" in first.last_error
    assert second.sent_at and delivered(api, PEOPLE[0]) == [f"m{PEOPLE[0]}:1"]
    assert clock.t >= 1 * 0.8 + 2 * 0.8  # it backed off in between (1 s, then 2 s, ±20%)
