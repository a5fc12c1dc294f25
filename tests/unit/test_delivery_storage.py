"""Nothing lost around a crash (issue 18), in storage, on SQLite and PostgreSQL: a lease names its
process; a process starting takes back at once what a process of this machine that is gone
held (outbox messages, timers), not what a live one or another machine's holds; an urgent
message's lease is short."""

import subprocess
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage import outbox, timers
from storage.accounts import new_account
from storage.leases import is_gone, this_process
from storage.models import Account, OutboxMessage, Timer
from storage.types import utcnow
from storage.updates import effect_committed, record_with_first_write, remember_reply, replies


def dead_pid() -> int:
    """The pid of a process that has just ended."""
    ended = subprocess.Popen(["true"])
    ended.wait()
    return ended.pid


def holders() -> dict[str, str]:
    """Lease holders' names: this process, a killed one of this machine, a former process that
    had this pid, one of another machine, and one of this machine before it rebooted."""
    me = this_process()
    pid_start, machine = me.split("@")
    pid, start = pid_start.split(".")
    return {
        "alive": me,
        "killed": f"{dead_pid()}.{start}@{machine}",
        "former": f"{pid}.{int(start) - 60}@{machine}",
        "elsewhere": f"{dead_pid()}.{start}@{'f' * 8 if machine[0] != 'f' else 'e' * 8}"
        f"{machine[8:]}",
        "rebooted": f"{dead_pid()}.{start}@{machine[:8]}"
        f"{'0' * 8 if machine[8] != '0' else '1' * 8}",
    }


def test_a_lease_holder_is_gone_only_when_surely_so() -> None:
    names = holders()
    assert [w for w, name in names.items() if is_gone(name)] == ["killed", "former", "rebooted"]
    assert not is_gone(None) and not is_gone("a3f0c1")  # an older version's: left to run out
    assert len(this_process() + ":abc") <= 40


async def test_urgent_messages_get_a_short_lease_named_after_their_process(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions() as session:
        outbox.enqueue(session, -100, "ordinaire")
        outbox.enqueue(session, -200, "🚨 alerte", priority=outbox.URGENT)
        await session.commit()
    now = utcnow()
    async with sessions() as session:
        claimed = await outbox.claim_due(session, now=now, holder=this_process())
    leases = {m.text: m.locked_until - now for m in claimed}
    assert leases == {"ordinaire": outbox.LEASE, "🚨 alerte": outbox.URGENT_LEASE}
    assert timedelta(seconds=30) >= outbox.URGENT_LEASE
    assert {m.leased_by for m in claimed} == {this_process()}


async def test_what_a_process_gone_held_is_taken_back_at_start(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    now = utcnow()
    names = holders()
    async with sessions() as session:
        for chat, (which, name) in enumerate(names.items(), start=1):
            message = outbox.enqueue(session, -chat, which)
            message.locked_until, message.leased_by = now + outbox.LEASE, name
            session.add(
                Timer(key=f"t:{which}", kind="digest", due_at=now,
                      claimed_until=now + timedelta(minutes=5), claimed_by=f"{name}:abc")
            )  # fmt: skip
        await session.commit()
    async with sessions() as session:
        assert await outbox.take_back(session, now) == 3
        assert await timers.take_back(session, now) == 3
        await session.commit()
    async with sessions() as session:
        free = await session.scalars(
            select(OutboxMessage.text).where(OutboxMessage.locked_until.is_(None))
        )
        done_now = await session.scalars(select(Timer.key).where(Timer.claimed_until.is_(None)))
        assert sorted(free) == ["former", "killed", "rebooted"]
        assert sorted(done_now) == ["t:former", "t:killed", "t:rebooted"]
        # Taken back, they are claimed again at once (not two minutes later).
        again = await outbox.claim_due(session, now=utcnow(), holder=this_process())
        assert sorted(m.text for m in again) == ["former", "killed", "rebooted"]


async def test_a_person_who_blocked_the_bot_and_a_staff_chat_that_refuses_it(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    """A person's 403: their notices fail, listed on the dossier and kept for "what you missed";
    a staff chat's 403: its messages are kept, the chat recorded unreachable once."""
    now = utcnow()
    async with sessions() as session:
        official = new_account(session, 701, "Awa")
        notice = outbox.enqueue(session, 701, "<b>Dossier FC-2026-0001 : rejeté</b>\nMotif")
        notice.dossier_id = 42
        card = outbox.enqueue(session, -100, "📥 Dossier FC-2026-0001")
        later = outbox.enqueue(session, -100, "📥 Dossier FC-2026-0002")
        await session.commit()
        await outbox.mark_unreachable(session, notice.id, 701, "Forbidden: blocked", now)
        first = await outbox.hold_unreachable(session, card.id, -100, "Forbidden: kicked", now, now)
        again = await outbox.hold_unreachable(session, card.id, -100, "Forbidden: kicked", now, now)
        await session.commit()
        assert (first, again) == (True, False)
    async with sessions() as session:
        official = await session.get(Account, 701)
        assert official.blocked_since is not None
        (missed,) = await outbox.missed(session, 701, official.blocked_since)
        (listed,) = await outbox.undelivered(session, 42)
        assert missed.id == listed.id == notice.id
        assert {m.id for m in await outbox.pending(session)} == {card.id, later.id}
        assert await outbox.waiting(session, -100) == 2
        assert set(await outbox.unreachable(session, [701, -100])) == {701, -100}
        assert await outbox.reachable_again(session, -100)
        assert not await outbox.reachable_again(session, -100)
        await session.commit()


async def test_what_an_update_sent_after_its_effect_is_kept_in_order(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions() as session:
        record_with_first_write(session, 5001)
        new_account(session, 702, "Jean")  # the update's effect
        await session.commit()
        assert effect_committed(session)
        for n in range(3):
            remember_reply(session, 5001, "SendMessage", {"chat_id": 702, "text": f"n°{n}"})
        await session.commit()
    async with sessions() as session:
        assert [r.params["text"] for r in await replies(session, 5001)] == ["n°0", "n°1", "n°2"]
        assert await replies(session, 5002) == []
