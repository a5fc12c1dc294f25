"""An emergency alert's way through a busy outbox: from the city's "🚨 Send now" to the alert
card's delivery to the stand-in in both the Secretariat's and the commission's chats.

Each run: the outbox is topped up to `backlog` ordinary notifications (200 chats, the two alert
chats among them), the real bot is built on the same SQLite database with Telegram's production
limits (25 requests/s in all, 1/s per chat, 20/min per group) and its outbox worker delivers the
backlog; then the city's official presses "🚨 Send now" on a report with the five required
answers (fed to the dispatcher in-process, the handler's transaction included), and the time is
taken until the stand-in has received the card in both chats. A run uses a new pair of alert
chats: 50 alerts in a row to the same groups would measure Telegram's 20-a-minute group limit,
not the outbox. Goal: p99 under 1 s over 50 runs.
"""

import asyncio
import math
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from aiogram import Bot
from aiogram.client.default import DefaultBotProperties

from bot.app import build_app
from bot.config import Settings
from bot.domain.emergency_form import EMERGENCY_FORM
from bot.domain.navigation import REVIEW, Cursor
from bot.services.people import link_city
from bot.telegram.callbacks import menu_data
from bot.telegram.i18n import build_i18n
from bot.workers.limits import RateLimiter
from storage import outbox
from storage.accounts import new_account
from storage.db import create_engine, migrate, session_factory
from storage.dossiers import create_dossier
from storage.models import Account, OutboxMessage
from testkit.standin import BotAPIStandIn
from testkit.standin.inprocess import BASE_URL, InProcessSession, InProcessUser

GOAL = 1.0  # seconds, at p99
OFFICIAL = 5000
ANSWERS = {
    "event": "flood",
    "started": "2026-12-01",
    "place": "Quartiers Nord",
    "description": "La rivière a débordé cette nuit, trois écoles sont inondées.",
    "affected": 1200,
}


def others(count: int) -> list[int]:
    """Chats of the ordinary backlog: a quarter groups, the rest people."""
    groups = count // 4
    return [-(2 * 10**12) - n for n in range(1, groups + 1)] + list(
        range(20_001, 20_001 + count - groups)
    )


async def top_up(sessions: Any, chats: list[int], backlog: int) -> None:
    """Ordinary notifications until the outbox holds `backlog` undelivered ones."""
    async with sessions() as session:
        waiting = len(await outbox.pending(session))
        for n in range(max(backlog - waiting, 0)):
            outbox.enqueue(session, chats[n % len(chats)], f"notification {n}")
        await session.commit()


async def one_run(
    api: BotAPIStandIn,
    sessions: Any,
    directory: Path,
    database_url: str,
    run: int,
    backlog: int,
    settle: float,
) -> tuple[float, float]:
    secretariat, commission = -(3 * 10**12) - 2 * run, -(3 * 10**12) - 2 * run - 1
    api.add_group(secretariat, f"Secrétariat {run}")
    api.add_group(commission, f"Commission {run}")
    await top_up(sessions, [secretariat, commission, *others(198)], backlog)
    settings = Settings(
        _env_file=None,
        bot_token=api.token,
        bot_api_url=BASE_URL,
        database_url=database_url,
        secretariat_chat_id=secretariat,
        commission_chat_id=commission,
        files_dir=directory / "files",
    )
    bot = Bot(
        api.token, session=InProcessSession(api), default=DefaultBotProperties(parse_mode="HTML")
    )
    app = build_app(settings, bot, sessions, build_i18n("fr"), outbox_limits=RateLimiter())
    workflow = {"dispatcher": app.dispatcher, "bots": [bot]}
    await app.dispatcher.emit_startup(bot=bot, **workflow)
    try:
        async with sessions() as session:
            account = await session.get(Account, OFFICIAL)
            assert account is not None
            dossier = await create_dossier(session, account, dict(ANSWERS))
            dossier.form, dossier.cursor = EMERGENCY_FORM.key, Cursor(REVIEW).to_json()
            await session.commit()
            dossier_id = dossier.id

        async def feed(update: dict[str, Any]) -> None:
            await app.dispatcher.feed_raw_update(bot, update, **workflow)

        user = InProcessUser(api, OFFICIAL, feed=feed, language_code="fr")
        welcome = (await user.send("/start"))[-1]
        await asyncio.sleep(settle)  # the worker is busy with the backlog
        began = time.perf_counter()
        await user.press_data(welcome, menu_data(dossier_id, "em_send"), expect=0)
        handled = time.perf_counter() - began  # the update: transaction, reply to the city
        pending = {secretariat, commission}
        arrived = began
        while pending:
            for chat in list(pending):
                if any(m.get("text", "").startswith("🚨") for m in api.messages(chat)):
                    pending.discard(chat)
                    arrived = time.perf_counter()
            if pending:
                if time.perf_counter() - began > 30:
                    raise TimeoutError("the alert was not delivered in 30 s")
                await asyncio.sleep(0.002)
        return arrived - began, handled
    finally:
        await app.dispatcher.emit_shutdown(bot=bot, **workflow)


async def main(runs: int = 50, backlog: int = 1000, settle: float = 0.3) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="bench-emergency-") as name:
        directory = Path(name)
        database_url = f"sqlite+aiosqlite:///{directory / 'bot.db'}"
        engine = create_engine(database_url)
        try:
            await migrate(engine)
            sessions = session_factory(engine)
            api = BotAPIStandIn()
            api.add_private(OFFICIAL, "Awa")
            for chat in others(198):
                if chat > 0:
                    api.add_private(chat)
                else:
                    api.add_group(chat, f"Group {chat}")
            async with sessions() as session:
                account = new_account(session, OFFICIAL, "Awa")
                account.language, account.full_name = "fr", "Awa Rasoa"
                account.city_name, account.country = "Toamasina", "MG"
                account.function, account.phone = "Maire adjointe", "+261340000000"
                account.email = "awa@toamasina.mg"
                # Verified: an unverified account's next reports would be merged into its first
                # (one open emergency at a time), and each run needs an alert of its own.
                account.verification = "verified"
                await link_city(session, account)
                await session.commit()
            both = [
                await one_run(api, sessions, directory, database_url, run, backlog, settle)
                for run in range(runs)
            ]
            async with sessions() as session:
                left = len(await outbox.pending(session))
                total = len(list(await session.scalars(OutboxMessage.__table__.select())))
        finally:
            await engine.dispose()
    ordered = sorted(total for total, _ in both)
    updates = sorted(update for _, update in both)
    return {
        "scenario": "emergency alert",
        "runs": runs,
        "backlog": backlog,
        "p50_s": statistics.median(ordered),
        "p99_s": percentile(ordered, 0.99),
        "max_s": ordered[-1],
        "update_p50_s": statistics.median(updates),  # of which the update's own handling
        "update_p99_s": percentile(updates, 0.99),
        "pending_after": left,
        "outbox_rows": total,
        "goal_s": GOAL,
        "goal_met": percentile(ordered, 0.99) < GOAL,
    }


def percentile(ordered: list[float], share: float) -> float:
    """Nearest rank: with 50 runs, p99 is the slowest."""
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def print_row(row: dict[str, Any]) -> None:
    verdict = "met" if row["goal_met"] else "NOT met"
    print(
        f"emergency alert: Send now → card delivered in both chats, {row['runs']} runs, "
        f"{row['backlog']:,} ordinary notifications in the outbox: "
        f"p50 {row['p50_s'] * 1000:.0f} ms, p99 {row['p99_s'] * 1000:.0f} ms, "
        f"max {row['max_s'] * 1000:.0f} ms (goal p99 < {row['goal_s']:g} s: {verdict}); "
        f"of which the update itself (transaction, reply): p50 "
        f"{row['update_p50_s'] * 1000:.0f} ms, p99 {row['update_p99_s'] * 1000:.0f} ms"
    )


if __name__ == "__main__":
    print_row(asyncio.run(main()))
