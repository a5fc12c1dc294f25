"""`python -m bench --years`: today's actions on a database holding ten years of the network,
against the same actions on a database holding only today's work, in one process.

Both databases hold today's work (`seed_today`): a staff member, the Secretariat's queue of
`TODAY_QUEUE` dossiers (their cards delivered), a focal point with a draft at the question "title"
and a few messages waiting in the outbox. The ten-year one also holds the history (`seed_years`):
350 cities and their officials, 20 Bureau sessions, 3,500 decided dossiers with full answers,
50,000 status changes, 300,000 delivered outbox messages, 100,000 messages between cities and the
Secretariat, 200 closed emergencies and ten years of done timers. The history is written with Core
bulk inserts; on SQLite the seeded file is kept in the cache (`$XDG_CACHE_HOME/aimf-dossier-bot/
bench`, named after the schema and this module's seed), so later runs copy it in a second.

Each action runs through the real dispatcher (in-process, a fake Bot API session, as `python -m
bench`), the two databases taking turns, and is compared by its median (goal: the ten-year one
within 1.3x of today's):
- the answer step (the title typed, the next question sent);
- a staff move with its card edit ("Start the review" on a submitted dossier: the status change,
  the officials told, the card's edit queued), put back untimed;
- `/queue` in the Secretariat's chat;
- `/export all`: every submitted dossier as XLSX; its output grows with the history (3,535
  dossiers against 35), so it is compared per dossier exported;
- the staff's daily digest (the scheduler's job, rolled back);
- the outbox worker's claim (today's pending messages, with 300,000 delivered ones beside them);
- `/projects`, the staff's portfolio (a project per approved dossier: 1,167 in the history, each
  with three tranches, two of them paid; 5 today), which lists the newest 40, and the
  disbursements XLSX, one row per tranche: both compared per project listed, like `/export all`.
"""

import hashlib
import itertools
import os
import shutil
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from aiogram.types import Update
from alembic.script import ScriptDirectory
from sqlalchemy import insert, select, text, update
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from bench.fake_session import FakeSession
from bench.feeding import TOKEN, collection_paused_for_old_objects, fake_bot
from bot.app import build_app
from bot.config import Settings
from bot.domain.reminders import DIGEST
from bot.screens.projects import PORTFOLIO_ROWS
from bot.telegram.i18n import build_i18n
from bot.workers.reminders import DigestJob
from storage import outbox
from storage.db import alembic_config, create_engine, migrate, session_factory
from storage.models import (
    Account,
    BureauSession,
    City,
    Dossier,
    DossierMessage,
    EmergencyProposal,
    OutboxMessage,
    Payment,
    Project,
    StatusChange,
    Timer,
    Tranche,
)
from testkit.factories import complete_answers

SECRETARIAT = -1001234567890
STAFF = 700_001  # today's staff member (secretariat role), writing in the Secretariat's chat
APPLICANT = 700_002  # today's focal point, with a draft at "title"
TODAY_QUEUE = 30
TODAY_PROJECTS = 5
GOAL = 1.3
NOW = datetime(2027, 2, 10, 8, 0, tzinfo=UTC)  # the bench's "today" (the digest's moment)


@dataclass(frozen=True)
class History:
    """How much history to seed (`TEN_YEARS`; a test seeds a sliver of it)."""

    cities: int = 350
    dossiers: int = 3_500
    changes: int = 50_000
    outbox: int = 300_000
    messages: int = 100_000
    emergencies: int = 200
    days: int = 3650


TEN_YEARS = History()
COUNTRIES = ("SN", "CI", "LB", "MA", "TN", "CA", "RW", "CM", "BJ", "HT", "FR", "BE", "MG", "VN")
SEED_VERSION = "2"  # change when the seed below changes: the cached file is then made again
CHUNK = 5_000


def _history_start() -> datetime:
    return NOW - timedelta(days=3650)


async def _bulk(engine: AsyncEngine, table: Any, rows: list[dict[str, Any]]) -> None:
    async with engine.begin() as connection:
        for start in range(0, len(rows), CHUNK):
            await connection.execute(insert(table), rows[start : start + CHUNK])


async def seed_years(engine: AsyncEngine, history: History = TEN_YEARS) -> None:
    """Ten years of the network (see the module doc), ids from 1 in each table."""
    h = history
    start = _history_start()
    languages = ("fr", "en", "ar")
    await _bulk(
        engine,
        City.__table__,
        [
            {"id": i + 1, "name": f"Ville {i}", "name_key": f"ville {i}", "listed": True,
             "country": COUNTRIES[i % len(COUNTRIES)], "aliases": [], "created_at": start}
            for i in range(h.cities)
        ],
    )  # fmt: skip
    officials = [(1_000_000 + 2 * i + k, i + 1) for i in range(h.cities) for k in range(2)]
    staff = [(900 + k, None) for k in range(10)]
    await _bulk(
        engine,
        Account.__table__,
        [
            {"telegram_id": telegram_id, "first_name": "Awa", "full_name": f"Personne {n}",
             "function": "Directrice technique", "phone": "+221771234567",
             "email": f"p{n}@ville.example", "city_name": f"Ville {(city or 1) - 1}",
             "country": "SN", "city_id": city, "language": languages[n % 3],
             "role": "applicant", "verification": "verified",  # the staff of old days left
             "registered_at": start, "created_at": start, "updated_at": start,
             "profile_version": 1}
            for n, (telegram_id, city) in enumerate(officials + staff)
        ],
    )  # fmt: skip
    sessions = [(date(start.year + y, 4, 28), date(start.year + y, 3, 1)) for y in range(1, 11)] + [
        (date(start.year + y, 11, 20), date(start.year + y, 9, 30)) for y in range(10)
    ]
    await _bulk(
        engine,
        BureauSession.__table__,
        [
            {"id": i + 1, "held_on": held, "deadline": deadline, "place": "Paris",
             "created_at": start}
            for i, (held, deadline) in enumerate(sorted(sessions))
        ],
    )  # fmt: skip
    answers = complete_answers()
    decided = ("approved", "rejected", "withdrawn")
    dossiers, cards = [], []
    for n in range(h.dossiers):
        city = n % h.cities + 1
        at = start + timedelta(hours=n * 24 * h.days // h.dossiers)
        status = decided[n % 3]
        dossiers.append(
            {"id": n + 1, "city_id": city, "created_by": 1_000_000 + 2 * (city - 1),
             "form": "fund", "form_version": 1, "status": status,
             "reference": f"FC-{at.year}-{n + 1:05d}",
             "answers": {**answers, "title": f"Projet n° {n}"}, "cursor": {"q": "review"},
             "created_at": at, "updated_at": at, "submitted_at": at,
             "submitted_answers": answers, "session_id": n % len(sessions) + 1,
             "granted_amount": "700000" if status == "approved" else None}
        )  # fmt: skip
        cards.append({**_sent(n + 1, SECRETARIAT, f"Carte FC {n}", at), "card": f"dossier:{n + 1}"})
    await _bulk(engine, Dossier.__table__, dossiers)
    await _seed_projects(
        engine, [(d["id"], d["created_at"]) for d in dossiers if d["status"] == "approved"]
    )
    emergencies = []
    for e in range(h.emergencies):
        n = h.dossiers + e
        at = start + timedelta(days=e * 18)
        emergencies.append(
            {"id": n + 1, "city_id": e % h.cities + 1, "created_by": 1_000_000 + 2 * (e % h.cities),
             "form": "emergency", "form_version": 1, "status": "closed",
             "reference": f"FU-{at.year}-{e + 1:04d}", "answers": {"event": "flood"},
             "cursor": None, "created_at": at, "updated_at": at, "submitted_at": at}
        )  # fmt: skip
    await _bulk(engine, Dossier.__table__, emergencies)
    # Outbox: the cards first (ids 1..3,500), then edits, notices and digests, all delivered.
    rows = cards
    chats = [telegram_id for telegram_id, _city in officials] + [SECRETARIAT] * 200
    for n in range(len(cards), h.outbox):
        at = start + timedelta(seconds=n * 1000)
        row = _sent(n + 1, chats[n % len(chats)], f"Message {n}", at)
        if n % 10 == 0:
            row.update(kind="edit_text", chat_id=SECRETARIAT, edits=n % h.dossiers + 1)
        rows.append(row)
    for e in range(2 * h.emergencies):  # each emergency's alert card (two per emergency)
        card = f"dossier:{h.dossiers + e // 2 + 1}"
        rows[h.dossiers + e].update(kind="text", chat_id=SECRETARIAT, edits=None, card=card)
    await _bulk(engine, OutboxMessage.__table__, rows)
    steps = ("submitted", "in_review", "changes_requested", "in_review", "eligible", "scheduled")
    await _bulk(
        engine,
        StatusChange.__table__,
        [
            {"dossier_id": n % h.dossiers + 1, "from_status": steps[(n // h.dossiers) % 6],
             "to_status": steps[(n // h.dossiers + 1) % 6], "by_user": 900 + n % 10,
             "at": start + timedelta(seconds=n * 6000)}
            for n in range(h.changes)
        ],
    )  # fmt: skip
    await _bulk(
        engine,
        DossierMessage.__table__,
        [
            {"dossier_id": n % h.dossiers + 1, "author_id": 900 + n % 10, "from_staff": n % 2 == 0,
             "text": "Merci de préciser le budget des travaux.",
             "at": start + timedelta(seconds=n * 3000)}
            for n in range(h.messages)
        ],
    )  # fmt: skip
    await _bulk(
        engine,
        EmergencyProposal.__table__,
        [
            {"dossier_id": h.dossiers + e + 1, "amount": "50000", "currency": "EUR",
             "phase": "relief", "purpose": "Abris", "by_user": 900,
             "at": start + timedelta(days=e * 18 + 1)}
            for e in range(h.emergencies)
        ],
    )  # fmt: skip
    days = [start.date() + timedelta(days=d) for d in range(h.days)]
    await _bulk(
        engine,
        Timer.__table__,
        [
            {"key": f"digest:{day.isoformat()}", "kind": DIGEST, "payload": {"day": str(day)},
             "due_at": moment, "attempts": 1, "done_at": moment, "outcome": "sent 10",
             "created_at": moment}
            for day in days
            for moment in [datetime.combine(day, datetime.min.time(), UTC)]
        ],
    )  # fmt: skip
    if engine.dialect.name == "postgresql":  # the ids above were given: move the sequences on
        async with engine.begin() as connection:
            for table in (
                "cities",
                "bureau_sessions",
                "dossiers",
                "outbox",
                "tranches",
                "payments",
            ):
                await connection.execute(
                    text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                         f"(SELECT max(id) FROM {table}))")
                )  # fmt: skip


async def _seed_projects(
    engine: AsyncEngine, approved: list[tuple[int, datetime]], first_tranche: int = 1
) -> None:
    """A project per approved dossier (700,000 EUR in tranches of 350,000, 280,000 and 70,000),
    under way, its first two tranches paid and received; ids of tranches from `first_tranche`."""
    projects, tranches, payments = [], [], []
    amounts = ("350000", "280000", "70000")
    conditions = ("convention", "report:1", "final")
    for n, (dossier_id, at) in enumerate(approved):
        projects.append(
            {"dossier_id": dossier_id, "status": "under_way", "currency": "EUR",
             "granted": "700000", "start_on": at.date(), "months": 18, "report_months": 6,
             "framework": [], "convention_version": 1, "proposed_at": at, "created_at": at,
             "updated_at": at}
        )  # fmt: skip
        for k in range(3):
            tranche_id = first_tranche + 3 * n + k
            paid = k < 2
            tranches.append(
                {"id": tranche_id, "project_id": dossier_id, "number": k + 1,
                 "amount": amounts[k], "condition": conditions[k],
                 "status": "received" if paid else "planned"}
            )  # fmt: skip
            if paid:
                payments.append(
                    {"id": tranche_id, "tranche_id": tranche_id, "project_id": dossier_id,
                     "paid_on": at.date(), "amount": amounts[k], "bank_reference": f"VIR-{n}",
                     "by_user": 900, "at": at, "received_at": at, "received_by": 1_000_000,
                     "received_amount": amounts[k]}
                )  # fmt: skip
    await _bulk(engine, Project.__table__, projects)
    await _bulk(engine, Tranche.__table__, tranches)
    await _bulk(engine, Payment.__table__, payments)


def _sent(row_id: int, chat_id: int, body: str, at: datetime) -> dict[str, Any]:
    return {
        "id": row_id, "chat_id": chat_id, "kind": "text", "text": body, "priority": 0,
        "created_at": at, "due_at": at, "attempts": 1, "failures": 0, "sent_at": at,
        "telegram_message_id": row_id, "edits": None, "card": None,
    }  # fmt: skip


async def seed_today(engine: AsyncEngine) -> dict[str, int]:
    """Today's work, the same in both databases: staff, a queue, a draft, pending messages."""
    sessions = session_factory(engine)
    async with sessions() as session:
        cities = [
            City(name=f"Cité du jour {i}", name_key=f"cite du jour {i}", country="SN", listed=True)
            for i in range(10)
        ]
        session.add_all(cities)
        await session.flush()
        session.add(Account(telegram_id=STAFF, first_name="Léa", role="secretariat", language="fr"))
        people = [
            Account(
                telegram_id=APPLICANT + 1 + i, first_name="Awa", full_name="Awa Ndiaye",
                function="Directrice technique", phone="+221771234567", email="awa@dakar.sn",
                city_name=city.name, country="SN", city_id=city.id, language="fr",
                registered_at=NOW, verification="verified",
            )
            for i, city in enumerate(cities)
        ]  # fmt: skip
        session.add_all(people)
        applicant = Account(
            telegram_id=APPLICANT, first_name="Awa", full_name="Awa Ndiaye", language="fr",
            function="Directrice technique", phone="+221771234567", email="awa@dakar.sn",
            city_name=cities[0].name, country="SN", city_id=cities[0].id, registered_at=NOW,
        )  # fmt: skip
        session.add(applicant)
        await session.flush()
        answers = complete_answers()
        draft = Dossier(
            city_id=cities[0].id, created_by=APPLICANT, answers=answers, cursor={"q": "title"}
        )
        session.add(draft)
        await session.flush()
        applicant.active_dossier_id = draft.id
        waiting = ("submitted", "in_review", "eligible", "scheduled")
        queue = []
        for n in range(TODAY_QUEUE):
            at = NOW - timedelta(days=40 - n)
            dossier = Dossier(
                city_id=cities[n % 10].id, created_by=people[n % 10].telegram_id,
                status=waiting[n % 4] if n else "submitted", reference=f"FC-2027-9{n:03d}",
                answers={**answers, "title": f"Projet du jour {n}"}, submitted_at=at,
                submitted_answers=answers,
            )  # fmt: skip
            session.add(dossier)
            await session.flush()
            session.add(OutboxMessage(
                chat_id=SECRETARIAT, text=f"Carte {n}", sent_at=at, created_at=at, due_at=at,
                attempts=1, telegram_message_id=10_000_000 + n, card=f"dossier:{dossier.id}",
            ))  # fmt: skip
            queue.append(dossier)
        await session.flush()
        for dossier in queue:
            session.add(
                StatusChange(
                    dossier_id=dossier.id, from_status="draft", to_status="submitted",
                    by_user=dossier.created_by, at=dossier.submitted_at,
                )
            )  # fmt: skip
        granted = []
        for n in range(TODAY_PROJECTS):
            dossier = Dossier(
                city_id=cities[n].id, created_by=people[n].telegram_id, status="approved",
                reference=f"FC-2026-8{n:03d}", answers={**answers, "title": f"Projet accordé {n}"},
                submitted_at=NOW, granted_amount="700000",
            )  # fmt: skip
            session.add(dossier)
            granted.append(dossier)
        await session.flush()
        # Waiting to go: to chats with years of delivered messages in the history (the
        # Secretariat's, officials of old) and to today's people.
        for chat in (SECRETARIAT, 1_000_000, 1_000_002, people[0].telegram_id, APPLICANT):
            outbox.enqueue(session, chat, f"En attente {chat}")
        await session.commit()
    first = 10_000_000  # tranche ids clear of the history's
    await _seed_projects(engine, [(d.id, NOW) for d in granted], first)
    return {"draft": draft.id, "moved": queue[0].id}


def cache_folder() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base).expanduser() / "aimf-dossier-bot" / "bench"


def _seed_name() -> str:
    """Named after the schema's revision and this module: a change of either seeds again."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    digest = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:12]
    return f"years-{head}-{SEED_VERSION}-{digest}.db"


async def prepare(url: str, years: bool, folder: Path, history: History = TEN_YEARS) -> None:
    """Empty (PostgreSQL: its schema `public`), migrate, seed: history first if `years`."""
    engine = create_engine(url)
    try:
        if engine.dialect.name == "postgresql":
            async with engine.begin() as connection:
                await connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
                await connection.execute(text("CREATE SCHEMA public"))
            await migrate(engine)
            if years:
                await seed_years(engine, history)
        elif years and history != TEN_YEARS:  # a sliver, seeded each time
            await migrate(engine)
            await seed_years(engine, history)
        else:
            path = Path(engine.url.database or "")
            cached = cache_folder() / _seed_name()
            if years and cached.exists():
                shutil.copyfile(cached, path)
            await migrate(engine)
            if years and not cached.exists():
                await seed_years(engine)
                await engine.dispose()  # the WAL folded into the file, which is then copied
                cached.parent.mkdir(parents=True, exist_ok=True)
                for older in cached.parent.glob("years-*.db"):
                    older.unlink()
                shutil.copyfile(path, cached.with_suffix(".part"))
                os.replace(cached.with_suffix(".part"), cached)
        await seed_today(engine)
        if engine.dialect.name == "postgresql":  # as autovacuum soon would after such a load
            async with engine.begin() as connection:
                await connection.execute(text("ANALYZE"))
        # SQLite: no ANALYZE, as the bot runs none (its statistics, without STAT4, would make
        # `status IN (…)` look unselective and the planner scan every dossier).
    finally:
        await engine.dispose()


class Database:
    """One database and the bot on it: the actions, each timed alone."""

    def __init__(self, name: str, url: str, folder: Path) -> None:
        self.name, self.url = name, url
        self.settings = Settings(
            _env_file=None, bot_token=TOKEN, database_url=url, files_dir=folder / "files",
            secretariat_chat_id=SECRETARIAT,
        )  # fmt: skip
        self.engine = create_engine(url)
        self.sessions = session_factory(self.engine)
        self.bot, self.fake = fake_bot()
        self.i18n = build_i18n("fr")
        self.dp = build_app(self.settings, self.bot, self.sessions, self.i18n).dispatcher
        self.ids = itertools.count(5_000_000)
        self.exported = 0
        self.projects_count = 0
        self.projects_shown = 0
        self.ids_of: dict[str, int] = {}

    async def start(self) -> None:
        async with self.sessions() as session:
            applicant = await session.get(Account, APPLICANT)
            assert applicant is not None and applicant.active_dossier_id is not None
            self.ids_of["draft"] = applicant.active_dossier_id
            moved = await session.scalar(
                select(Dossier.id).where(Dossier.reference == "FC-2027-9000")
            )
            assert moved is not None
            self.ids_of["moved"] = moved
        chat = {"id": APPLICANT, "type": "private", "first_name": "Awa"}  # the draft opened
        await self.dp.feed_update(self.bot, self._update(chat, APPLICANT, text="/dossiers"))
        opening = f"m:{self.ids_of['draft']}:open:"
        await self.dp.feed_update(self.bot, self._update(chat, APPLICANT, data=opening))
        assert _position(self.fake) == "title", _position(self.fake)

    def _update(self, chat: dict[str, Any], user_id: int, **content: Any) -> Update:
        user = {"id": user_id, "is_bot": False, "first_name": "Léa", "language_code": "fr"}
        if "data" in content:
            payload = {
                "callback_query": {
                    "id": str(next(self.ids)), "from": user, "chat_instance": "years",
                    "data": content["data"],
                    "message": {"message_id": 1, "date": int(time.time()), "chat": chat,
                                "from": {"id": 1, "is_bot": True, "first_name": "Bot"},
                                "text": "card"},
                }
            }  # fmt: skip
        else:
            body = content["text"]
            message = {"message_id": next(self.ids), "date": int(time.time()), "chat": chat,
                       "from": user, "text": body}  # fmt: skip
            if body.startswith("/"):
                length = len(body.split()[0])
                message["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
            payload = {"message": message}
        return Update.model_validate(
            {"update_id": next(self.ids), **payload}, context={"bot": self.bot}
        )

    def _staff_chat(self) -> dict[str, Any]:
        return {"id": SECRETARIAT, "type": "supergroup", "title": "Secrétariat permanent"}

    async def answer(self) -> None:
        chat = {"id": APPLICANT, "type": "private", "first_name": "Awa"}
        update_ = self._update(chat, APPLICANT, text="Éclairage solaire de la Médina")
        await self.dp.feed_update(self.bot, update_)
        assert _position(self.fake) == "sector", _position(self.fake)

    async def answer_back(self) -> None:
        await self._set(Dossier, self.ids_of["draft"], cursor={"q": "title"})

    async def move(self) -> None:
        data = f"s:mv:{self.ids_of['moved']}:review"
        await self.dp.feed_update(self.bot, self._update(self._staff_chat(), STAFF, data=data))

    async def move_back(self) -> None:
        await self._set(Dossier, self.ids_of["moved"], status="submitted")
        async with self.sessions() as session:
            await session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.sent_at.is_(None), OutboxMessage.text.not_like("En attente%"))
                .values(sent_at=NOW - timedelta(days=1))
            )
            await session.commit()

    async def queue(self) -> None:
        await self.dp.feed_update(self.bot, self._update(self._staff_chat(), STAFF, text="/queue"))

    async def export_all(self) -> None:
        calls = self.fake.calls["sendDocument"]
        update_ = self._update(self._staff_chat(), STAFF, text="/export all")
        await self.dp.feed_update(self.bot, update_)
        assert self.fake.calls["sendDocument"] == calls + 1
        async with self.sessions() as session:
            exported = select(Dossier.id).where(Dossier.status != "draft", Dossier.form == "fund")
            self.exported = len(list(await session.scalars(exported)))

    async def digest(self) -> None:
        job = DigestJob(self.settings, self.i18n)
        timer = Timer(key="digest:bench", kind=DIGEST, due_at=NOW, payload={})
        async with self.sessions() as session:
            done = await job.run(session, timer, NOW)
            await session.rollback()
        assert done.outcome.startswith("sent"), done.outcome

    async def claim(self) -> None:
        async with self.sessions() as session:
            claimed = await outbox.claim_due(
                session, limit=25, now=NOW, chat_interval=timedelta(seconds=1)
            )
            assert len(claimed) == 5, len(claimed)
            await outbox.release(session, [m.id for m in claimed])
            await session.commit()

    async def projects(self) -> None:
        update_ = self._update(self._staff_chat(), STAFF, text="/projects")
        await self.dp.feed_update(self.bot, update_)
        assert "FC-" in self.fake.last_screen().get("text", ""), self.fake.last_screen()
        async with self.sessions() as session:
            count = len(list(await session.scalars(select(Project.dossier_id))))
        self.projects_shown = min(count, PORTFOLIO_ROWS)

    async def disbursements(self) -> None:
        calls = self.fake.calls["sendDocument"]
        update_ = self._update(self._staff_chat(), STAFF, data="g:p:xlsx:0:")
        await self.dp.feed_update(self.bot, update_)
        assert self.fake.calls["sendDocument"] == calls + 1
        async with self.sessions() as session:
            self.projects_count = len(list(await session.scalars(select(Project.dossier_id))))

    async def _set(self, model: Any, row_id: int, **values: Any) -> None:
        async with self.sessions() as session:
            await session.execute(update(model).where(model.id == row_id).values(**values))
            await session.commit()

    async def close(self) -> None:
        await self.bot.session.close()
        await self.engine.dispose()


def _position(fake: FakeSession) -> str | None:
    return next((d.split(":")[2] for d in fake.last_keyboard() if d.startswith("q:")), None)


ACTIONS: list[tuple[str, str, str | None]] = [
    ("answer step", "answer", "answer_back"),
    ("staff move and card edit", "move", "move_back"),
    ("/queue", "queue", None),
    ("/export all", "export_all", None),
    ("digest", "digest", None),
    ("outbox claim", "claim", None),
    ("/projects", "projects", None),
    ("disbursements XLSX", "disbursements", None),
]
PER_ROW = {"export_all": "exported", "disbursements": "projects_count"}  # compared per row


async def _timed(step: Callable[[], Awaitable[None]], after: Callable[[], Awaitable[None]] | None):
    start = time.perf_counter()
    await step()
    taken = time.perf_counter() - start
    if after is not None:
        await after()
    return taken


async def measure(
    url_today: str, url_years: str, folder: Path, runs: int, export_runs: int
) -> list[dict[str, Any]]:
    databases = [Database("today", url_today, folder), Database("ten years", url_years, folder)]
    samples: dict[tuple[str, str], list[float]] = {}
    try:
        for database in databases:
            await database.start()
        for _label, action, after in ACTIONS:  # a warm-up each, untimed
            for database in databases:
                await getattr(database, action)()
                if after:
                    await getattr(database, after)()
        with collection_paused_for_old_objects():
            for label, action, after in ACTIONS:
                count = export_runs if action in PER_ROW else runs
                for _ in range(count):
                    for database in databases:
                        step = getattr(database, action)
                        back = getattr(database, after) if after else None
                        taken = await _timed(step, back)
                        samples.setdefault((label, database.name), []).append(taken)
        exported = {database.name: database.exported for database in databases}
        projects = {database.name: database.projects_count for database in databases}
        shown = {database.name: database.projects_shown for database in databases}
    finally:
        for database in databases:
            await database.close()
    rows = []
    for label, action, _after in ACTIONS:
        today = statistics.median(samples[label, "today"]) * 1000
        years = statistics.median(samples[label, "ten years"]) * 1000
        row = {"action": label, "today_ms": round(today, 2), "ten_years_ms": round(years, 2)}
        if action == "export_all":
            row["today_dossiers"], row["ten_years_dossiers"] = (
                exported["today"],
                exported["ten years"],
            )
            today /= exported["today"]
            years /= exported["ten years"]
            row["per_dossier_ms"] = [round(today, 3), round(years, 3)]
        if action == "projects":  # the screen lists up to PORTFOLIO_ROWS: compared per project
            row["today_shown"], row["ten_years_shown"] = shown["today"], shown["ten years"]
            today /= shown["today"]
            years /= shown["ten years"]
            row["per_project_ms"] = [round(today, 3), round(years, 3)]
        if action == "disbursements":
            row["today_projects"], row["ten_years_projects"] = (
                projects["today"],
                projects["ten years"],
            )
            today /= projects["today"]
            years /= projects["ten years"]
            row["per_project_ms"] = [round(today, 3), round(years, 3)]
        row["ratio"] = round(years / today, 2)
        row["goal_met"] = years / today <= GOAL
        rows.append(row)
    return rows


async def main(
    postgres_url: str | None = None,
    runs: int = 15,
    export_runs: int = 3,
    history: History = TEN_YEARS,
) -> dict:
    figures: dict[str, Any] = {"goal": GOAL, "databases": []}
    with tempfile.TemporaryDirectory(prefix="bench-years-") as directory:
        folder = Path(directory)
        backends = [("SQLite", None)] + ([("PostgreSQL", postgres_url)] if postgres_url else [])
        for backend, url in backends:
            seeded = time.perf_counter()
            if url is None:
                today_url = f"sqlite+aiosqlite:///{folder / 'today.db'}"
                years_url = f"sqlite+aiosqlite:///{folder / 'years.db'}"
            else:  # the given database gets the history, a second one beside it today's work
                today_url, years_url = await _second_postgres(url), url
            await prepare(today_url, False, folder)
            await prepare(years_url, True, folder, history)
            seconds = time.perf_counter() - seeded
            rows = await measure(today_url, years_url, folder, runs, export_runs)
            figures["databases"].append({"backend": backend, "seed_s": round(seconds, 1),
                                         "actions": rows})  # fmt: skip
    return figures


async def _second_postgres(url: str) -> str:
    """A second database beside the given one (`<name>_today`), created if needed."""
    base = make_url(url)
    name = f"{base.database}_today"
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as connection:
            exists = await connection.scalar(
                text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}
            )
            if not exists:
                await connection.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        await engine.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


def print_table(figures: dict[str, Any]) -> None:
    print(f"Ten years of history against today's work alone (goal: ≤ {figures['goal']}×)")
    for database in figures["databases"]:
        print(f"{database['backend']} (seeded in {database['seed_s']} s)")
        print(f"  {'action':<28}{'today ms':>12}{'ten years ms':>14}{'ratio':>9}")
        for row in database["actions"]:
            verdict = "met" if row["goal_met"] else "NOT met"
            note = ""
            if "per_dossier_ms" in row:
                today, years = row["per_dossier_ms"]
                note = (f"  ({row['today_dossiers']} / {row['ten_years_dossiers']} dossiers:"
                        f" {today:.3f} / {years:.3f} ms each)")  # fmt: skip
            if "per_project_ms" in row:
                today, years = row["per_project_ms"]
                counts = (row.get("today_projects", row.get("today_shown")),
                          row.get("ten_years_projects", row.get("ten_years_shown")))  # fmt: skip
                note = (f"  ({counts[0]} / {counts[1]} projects:"
                        f" {today:.3f} / {years:.3f} ms each)")  # fmt: skip
            print(
                f"  {row['action']:<28}{row['today_ms']:>12.2f}{row['ten_years_ms']:>14.2f}"
                f"{row['ratio']:>8.2f}×  {verdict}{note}"
            )
