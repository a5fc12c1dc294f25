"""Outbox delivery to the Bot API stand-in, as a share of what Telegram's limits allow.

1,000 messages to 200 chats (150 people, 50 groups) are enqueued in a fresh SQLite database, then
the real OutboxWorker delivers them to the stand-in through the in-process session (the stand-in's
own request checks, no HTTP: what is measured is the worker, not a local socket), with the
production limits (25 requests/s in all, 1/s per chat, 20/min per group). The ceiling is the
time the same limits need with zero latency (simulated with the same RateLimiter), so
share = ceiling time / measured time, from the first request to the last one answered. With
faults, 10% of requests get a 429 (retry_after 1 s) and 10% a 502: the failed requests use up
slots of the limit too, so "share (requests)" compares all requests made with the ceiling for
that many requests, and "share (messages)" the messages with the ceiling for them alone.
"""

import asyncio
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

from bot.workers.limits import RateLimiter
from bot.workers.outbox import OutboxWorker
from storage.db import create_engine, migrate, session_factory
from testkit.outbox_kit import FaultySession, breaches, fill, in_process_bot, wait_settled
from testkit.standin import BotAPIStandIn

GOAL = 0.90


def chats_of(count: int) -> list[int]:
    """A quarter groups, the rest people."""
    groups = count // 4
    return [-(10**12) - n for n in range(1, groups + 1)] + list(
        range(10_001, 10_001 + count - groups)
    )


def ceiling(chats_in_order: list[int], limits: RateLimiter) -> float:
    """Seconds from the first request to the last for these requests under the limits, with
    answers taking no time (each chat's requests in the given order)."""
    model = RateLimiter(
        limits.per_chat,
        limits.group_count,
        limits.group_window,
        limits.global_count,
        limits.global_window,
    )
    t = 0.0
    for chat in chats_in_order:  # in order: each request as early as the limits let it go
        t = model.ready_at(chat, t)
        model.done(model.reserve(chat), t)
    return t


async def run(
    messages: int = 1000,
    chats: int = 200,
    faults: bool = False,
    limiter: RateLimiter | None = None,
    seed: int = 1,
    max_backoff: float | None = None,
) -> dict[str, Any]:
    limiter = limiter or RateLimiter()
    ids = chats_of(chats)
    plan = {
        chat: messages // chats + (1 if n < messages % chats else 0) for n, chat in enumerate(ids)
    }
    with tempfile.TemporaryDirectory(prefix="bench-outbox-") as directory:
        engine = create_engine(f"sqlite+aiosqlite:///{Path(directory) / 'outbox.db'}")
        try:
            await migrate(engine)
            sessions = session_factory(engine)
            api = BotAPIStandIn()
            for chat in ids:
                if chat < 0:
                    api.add_group(chat, f"Group {chat}")
                else:
                    api.add_private(chat)
            expected = await fill(sessions, plan)
            p = 0.1 if faults else 0.0
            session = FaultySession(api, p429=p, p502=p, retry_after=1, seed=seed)
            worker = OutboxWorker(
                in_process_bot(session),
                sessions,
                idle_poll=0.05,
                limiter=limiter,
                **({} if max_backoff is None else {"max_backoff": max_backoff}),
            )
            began = time.perf_counter()
            worker.start()
            await wait_settled(sessions, timeout=messages * 2.0, every=0.1)
            await worker.stop()
            wall = time.perf_counter() - began
        finally:
            await engine.dispose()
    requests = session.requests
    delivered = {chat: [m["text"] for m in api.messages(chat)] for chat in ids}
    lost = sum(len(set(expected[c]) - set(delivered[c])) for c in ids)
    twice = sum(n - 1 for c in ids for n in Counter(delivered[c]).values() if n > 1)
    in_order = all(list(dict.fromkeys(delivered[c])) == expected[c] for c in ids)
    measured = max(r.end for r in requests) - min(r.start for r in requests)
    order = [c for n in range(max(plan.values())) for c in ids if n < plan[c]]
    sent_order = [r.chat_id for r in sorted(requests, key=lambda r: r.start)]
    broken = breaches(
        [(r.start, r.end, r.chat_id, r.status, r.retry_after) for r in requests], limiter
    )
    ideal_messages = ceiling(order, limiter)
    ideal_requests = ceiling(sent_order, limiter)
    return {
        "scenario": "outbox with faults" if faults else "outbox",
        "messages": messages,
        "chats": chats,
        "requests": len(requests),
        "faults": dict(Counter(r.injected for r in requests if r.injected)),
        "seconds": measured,
        "wall_s": wall,
        "messages_per_s": messages / measured,
        "ceiling_per_s": limiter.global_count / limiter.global_window,
        "share_messages": ideal_messages / measured,
        "share_requests": ideal_requests / measured,
        "lost": lost,
        "twice": twice,
        "in_order": in_order,
        "limits_kept": not broken,
        "goal": GOAL,
        "goal_met": (ideal_requests / measured >= GOAL) and not lost and not twice,
    }


async def main(messages: int = 1000, chats: int = 200) -> list[dict[str, Any]]:
    return [await run(messages, chats, faults) for faults in (False, True)]


def print_table(rows: list[dict[str, Any]]) -> None:
    header = ("scenario", "msgs", "requests", "s", "msg/s", "share msg", "share req")
    print(
        f"{header[0]:<20}" + "".join(f"{h:>11}" for h in header[1:]) + "  lost twice order limits"
    )
    for r in rows:
        print(
            f"{r['scenario']:<20}{r['messages']:>11}{r['requests']:>11}{r['seconds']:>11.1f}"
            f"{r['messages_per_s']:>11.1f}{r['share_messages']:>11.0%}{r['share_requests']:>11.0%}"
            f"  {r['lost']:>4} {r['twice']:>5} {'ok' if r['in_order'] else 'NO':>5}"
            f" {'ok' if r['limits_kept'] else 'NO':>6}"
        )
    print(
        f"ceiling {rows[0]['ceiling_per_s']:g} requests/s (25/s in all, 1/s per chat, 20/min per"
        f" group); goal ≥ {GOAL:.0%} of it, nothing lost, nothing twice"
    )


if __name__ == "__main__":
    print_table(asyncio.run(main()))
