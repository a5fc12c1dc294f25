"""`/export` of a 1,000-dossier queue: how long the XLSX takes, from the database to the file.

A fresh SQLite database gets `count` submitted dossiers (100 cities, 4 currencies, each with a
status change and some on a Bureau session); each round then does what `/export all` does for a
staff member: the query and the rows' facts (`Sheets.queue`), the table in French
(`queue_tables`), and the file (`write_workbook`, in a worker thread, as the handler does).
"""

import asyncio
import statistics
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from bot.domain.review import QueueFilter
from bot.domain.roles import Role
from bot.domain.rules import FundingRules
from bot.services.sheets import Sheets
from bot.telegram.i18n import build_i18n
from storage.db import create_engine, migrate, session_factory
from storage.models import Account, BureauSession, City, Dossier, StatusChange

STATUSES = ("submitted", "in_review", "eligible", "scheduled", "approved", "rejected")
CURRENCIES = ("EUR", "XOF", "USD", "MAD")
SECTORS = ("water", "markets", "lighting", "health", "education", "waste")
COUNTRIES = ("SN", "CI", "LB", "MA", "TN", "CA", "RW", "CM", "BJ", "HT")
STAFF = 1


def answers(n: int) -> dict[str, Any]:
    total = 1_000_000 + 1_000 * n
    return {
        "title": f"Projet d’équipement collectif n° {n}",
        "sector": SECTORS[n % len(SECTORS)],
        "currency": CURRENCIES[n % len(CURRENCIES)],
        "budget_lines": [
            {"id": "a", "label": "Travaux", "category": "works", "amount": str(total - 100_000)},
            {"id": "b", "label": "Études", "category": "studies", "amount": "100000"},
        ],
        "fund_amount": str(total * 8 // 10),
        "city_amount": str(total - total * 8 // 10 - 50_000),
        "partners": [{"id": "p", "name": "Ville partenaire", "amount": "50000"}],
    }


async def seed(sessions, count: int) -> None:
    moment = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
    async with sessions() as session:
        bureau = BureauSession(held_on=date(2027, 4, 28), deadline=date(2027, 3, 1), place="Paris")
        session.add(bureau)
        session.add(Account(telegram_id=STAFF, first_name="Staff", role="admin"))
        cities = [
            City(name=f"Ville {i}", name_key=f"ville {i}", country=COUNTRIES[i % len(COUNTRIES)])
            for i in range(100)
        ]
        session.add_all(cities)
        await session.flush()
        senders = [
            Account(telegram_id=1000 + i, first_name=f"Focal {i}", city_id=city.id)
            for i, city in enumerate(cities)
        ]
        session.add_all(senders)
        await session.flush()
        dossiers = []
        for n in range(count):
            status = STATUSES[n % len(STATUSES)]
            dossiers.append(
                Dossier(
                    city_id=cities[n % 100].id,
                    created_by=senders[n % 100].telegram_id,
                    status=status,
                    reference=f"FC-2026-{n + 1:04d}",
                    answers=answers(n),
                    submitted_at=moment + timedelta(hours=n),
                    session_id=bureau.id if status in ("scheduled", "approved") else None,
                    granted_amount="700000" if status == "approved" else None,
                )
            )
        session.add_all(dossiers)
        await session.flush()
        session.add_all(
            StatusChange(
                dossier_id=d.id,
                from_status="submitted",
                to_status=d.status,
                by_user=STAFF,
                at=moment + timedelta(days=30, hours=i),
            )
            for i, d in enumerate(dossiers)
        )
        await session.commit()


async def run(count: int = 1000, rounds: int = 3) -> dict[str, Any]:
    from bot.screens.sheets import queue_tables, write_workbook

    rules = FundingRules(Decimal("0.80"), Decimal("0.20"))
    i18n = build_i18n("fr")
    with tempfile.TemporaryDirectory(prefix="bench-sheets-") as directory:
        engine = create_engine(f"sqlite+aiosqlite:///{Path(directory) / 'sheets.db'}")
        try:
            await migrate(engine)
            sessions = session_factory(engine)
            await seed(sessions, count)
            phases: dict[str, list[float]] = {"query": [], "table": [], "file": [], "total": []}
            size = rows = 0
            for _ in range(rounds):
                start = time.perf_counter()
                async with sessions() as session:
                    staff = await session.get(Account, STAFF)
                    facts = await Sheets(session, staff, Role.ADMIN).queue(QueueFilter(), True)
                queried = time.perf_counter()
                with i18n.context(), i18n.use_locale("fr"):
                    tables = queue_tables(facts or [], rules)
                tabled = time.perf_counter()
                data = await asyncio.to_thread(write_workbook, tables)
                done = time.perf_counter()
                phases["query"].append(queried - start)
                phases["table"].append(tabled - queried)
                phases["file"].append(done - tabled)
                phases["total"].append(done - start)
                size, rows = len(data), len(tables[0].rows)
        finally:
            await engine.dispose()
    figures: dict[str, Any] = {"dossiers": count, "rows": rows, "rounds": rounds, "bytes": size}
    for phase, taken in phases.items():
        figures[f"{phase}_s"] = statistics.median(taken)
    figures["max_total_s"] = max(phases["total"])
    return figures


def print_table(row: dict[str, Any]) -> None:
    print(
        f"XLSX of the queue: {row['rows']:,} dossiers, median of {row['rounds']} runs:"
        f" {row['total_s']:.2f} s (query and rows {row['query_s']:.2f} s, table"
        f" {row['table_s']:.2f} s, file {row['file_s']:.2f} s; slowest run"
        f" {row['max_total_s']:.2f} s), {row['bytes'] / 1024:.0f} KiB"
    )


async def main() -> dict[str, Any]:
    return await run()
