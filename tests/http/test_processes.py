"""Two `python -m bot` processes in webhook mode on PostgreSQL and Redis, behind a "load balancer"
(the stand-in posting to each in turn): one person's updates alternate between them, arrive at
both at once, two staff members decide on one dossier at the same moment at each process (one
decision stands), two staff mark one tranche paid at once at each process (one payment), one
process is killed with SIGKILL mid-journey, and the dossier still reaches the Secretariat once."""

import asyncio
import os
import signal
import socket
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path

import aiohttp
import pytest
from sqlalchemy import func, select, text

from bot.services.people import link_city
from bot.telegram.callbacks import grant_data
from storage.accounts import new_account
from storage.db import create_engine, session_factory
from storage.dossiers import create_dossier
from storage.models import (
    Dossier,
    OutboxMessage,
    Payment,
    ProcessedUpdate,
    StatusChange,
    Tranche,
)
from storage.types import utcnow
from testkit import grant_seed
from testkit.driver import (
    Applicant,
    find,
    open_draft,
    position,
    screen,
    step_buttons,
    wait_for_card,
    wait_for_card_pdf,
)
from testkit.factories import complete_answers
from testkit.grant_seed import seeded_project
from testkit.harness import SECRETARIAT, WEBHOOK_SECRET
from testkit.process_kit import BotProcess
from testkit.standin import BotAPIStandIn, TelegramUser

POSTGRES_URL = os.environ.get("TEST_DATABASE_URL")
REDIS_URL = os.environ.get("TEST_REDIS_URL")
pytestmark = pytest.mark.skipif(
    not (POSTGRES_URL and REDIS_URL), reason="TEST_DATABASE_URL and TEST_REDIS_URL not set"
)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class WebhookProcess(BotProcess):
    def __init__(self, api: BotAPIStandIn, tmp_path: Path, name: str) -> None:
        super().__init__(tmp_path / f"{name}.log", tmp_path)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        assert POSTGRES_URL and REDIS_URL
        self.env = {
            k: v
            for k, v in os.environ.items()
            if k != "PORT"
            and not k.startswith(("BOT_", "DATABASE_", "WEBHOOK_", "REDIS_", "METRICS_"))
        }
        self.env.update(
            BOT_TOKEN=api.token,
            BOT_API_URL=api.url,
            BOT_MODE="webhook",
            DATABASE_URL=POSTGRES_URL,
            REDIS_URL=REDIS_URL,
            REDIS_LOCK_SECONDS="10",
            WEBHOOK_URL="http://127.0.0.1:1/webhook",  # the balancer's; the stand-in overrides
            WEBHOOK_SECRET=WEBHOOK_SECRET,
            WEBHOOK_HOST="127.0.0.1",
            WEBHOOK_PORT=str(self.port),
            FILES_DIR=str(tmp_path / "files"),
            SECRETARIAT_CHAT_ID=str(SECRETARIAT),
        )

    async def start(self) -> None:
        await self.spawn(self.env)

    async def wait_ready(self, client: aiohttp.ClientSession) -> None:
        deadline = asyncio.get_running_loop().time() + 60  # imports are slow on a busy machine
        while asyncio.get_running_loop().time() < deadline:
            assert self.process is not None and self.process.returncode is None, self.logs
            try:
                async with client.get(f"{self.url}/readyz") as response:
                    if response.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.05)
        raise AssertionError(f"not ready: {self.logs}")


def typed(message: dict) -> bool:
    """The screen asks for a typed answer (no choice, no keep button)."""
    at = position(message) or ""
    data = [d for _t, d in step_buttons(message)]
    choice = any(":c:" in d or d.endswith(":keep:") for d in data)
    return bool(at) and not choice and not at.startswith("att_") and "." not in at


async def seed(user_id: int, at: str) -> int:
    """As the harness's `seed`: an official of Dakar with a draft at question `at`."""
    engine = create_engine(POSTGRES_URL or "")
    async with session_factory(engine)() as session:
        account = new_account(session, user_id, "Awa")
        account.language, account.city_name, account.country = "fr", "Dakar", "SN"
        account.full_name, account.function = "Awa Ndiaye", "Directrice technique"
        account.phone, account.email = "+221771234567", "awa@dakar.sn"
        await link_city(session, account)
        answers = complete_answers()
        del answers[at]
        dossier = await create_dossier(session, account, answers)
        dossier.cursor = {"q": at}
        await session.commit()
    await engine.dispose()
    return dossier.id


DECIDED = "FC-2026-0900"  # a dossier of Thiès in review, decided by two staff at once
THIES, REJECTING, APPROVING = 710, 901, 902


async def seed_in_review() -> int:
    """The dossier `DECIDED` in review, its city's verified official and two Secretariat
    staff; its id."""
    engine = create_engine(POSTGRES_URL or "")
    async with session_factory(engine)() as session:
        for user_id in (REJECTING, APPROVING):
            staff = new_account(session, user_id, f"Staff {user_id}")
            staff.role, staff.language, staff.full_name = "secretariat", "fr", f"Staff {user_id}"
        official = new_account(session, THIES, "Fatou")
        official.language, official.city_name, official.country = "fr", "Thiès", "SN"
        official.full_name, official.verification = "Fatou Sarr", "verified"
        await link_city(session, official)
        dossier = await create_dossier(session, official, complete_answers(city="Thiès"))
        dossier.status, dossier.reference, dossier.submitted_at = "in_review", DECIDED, utcnow()
        await session.commit()
    await engine.dispose()
    return dossier.id


async def decided_once(dossier_id: int) -> tuple[str, int, int]:
    """The dossier's status, and how many notices its official and cards the Secretariat's
    chat got (its card is made at its first change)."""
    engine = create_engine(POSTGRES_URL or "")
    async with session_factory(engine)() as session:
        changes = list(
            await session.scalars(select(StatusChange).where(StatusChange.dossier_id == dossier_id))
        )
        told = await session.scalar(select(func.count()).where(OutboxMessage.chat_id == THIES))
        cards = await session.scalar(
            select(func.count()).where(OutboxMessage.chat_id == SECRETARIAT)
        )
    await engine.dispose()
    (change,) = changes  # one decision recorded
    return change.to_status, told, cards


async def all_sent() -> None:
    """Until every outbox row is sent and recorded so (none left leased by a process)."""
    engine = create_engine(POSTGRES_URL or "")
    try:
        for _ in range(400):
            async with session_factory(engine)() as session:
                unsent = await session.scalar(
                    select(func.count()).where(OutboxMessage.sent_at.is_(None))
                )
            if not unsent:
                return
            await asyncio.sleep(0.05)
        raise AssertionError(f"{unsent} outbox messages not sent")
    finally:
        await engine.dispose()


@asynccontextmanager
async def row_locked(
    dossier_id: int, table: str = "dossiers", key: str = "id"
) -> AsyncIterator[Callable[[int], Awaitable[None]]]:
    """The dossier's row (or its project's: `table`, `key`) locked by the test (`SELECT … FOR
    UPDATE`) until the block ends; within it, `await waiting(n)` returns once n other sessions
    wait on a lock (each has read the row and is at its write)."""
    engine = create_engine(POSTGRES_URL or "")
    try:
        async with engine.connect() as holder, engine.connect() as watcher:
            await holder.execute(
                text(f"SELECT {key} FROM {table} WHERE {key} = :id FOR UPDATE"), {"id": dossier_id}
            )

            async def waiting(count: int) -> None:
                query = text(
                    "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                    "AND datname = current_database()"
                )
                for _ in range(3000):
                    if await watcher.scalar(query) >= count:
                        return
                    await watcher.rollback()  # a fresh snapshot of the activity
                    await asyncio.sleep(0.01)
                raise AssertionError(f"not {count} sessions waiting on the dossier's row")

            yield waiting
            await holder.rollback()
    finally:
        await engine.dispose()


async def one_payment_of_two_at_once(api: BotAPIStandIn, a: WebhookProcess, b: WebhookProcess):
    """Two Secretariat staff mark the same due tranche paid at the same moment, one at each
    process (the trust issue's rule, issue 17): the test holds the project's row until both
    wait at their payment's first write; one payment is recorded and the city told once, the
    other staff member is told politely that it is no longer possible."""
    engine = create_engine(POSTGRES_URL or "")
    project_id, tranche_id = await seeded_project(
        session_factory(engine), "under_way", "Saint-Louis"
    )
    for user_id in (*grant_seed.STAFF, grant_seed.FRENCH, grant_seed.ARABIC):
        api.add_private(user_id)
    confirmed = lambda u: api.update_status(u) == "confirmed"  # noqa: E731
    staff = [TelegramUser(api, user_id, handled=confirmed) for user_id in grant_seed.STAFF]
    for member in staff:  # "💶 Mark as paid": the payment is asked
        private = {"message_id": 1, "date": 1, "chat": {"id": member.id, "type": "private"}}
        asked = await member.press_data(private, grant_data("t", "pay", tranche_id, "due"))
        assert "VIR-" in asked.texts[-1], asked.texts
    start = len(api.calls)
    typed = [
        api.register_update({"message": m._message(text="15/05/2027 350 000 VIR-2027-9")})
        for m in staff
    ]
    async with row_locked(project_id, "projects", "dossier_id") as waiting:
        posts = [
            asyncio.create_task(api.post_update(f"{p.url}/webhook", u))
            for p, u in zip((a, b), typed, strict=True)
        ]
        await waiting(2)
    assert await asyncio.gather(*posts) == [200, 200]
    said = [
        " ".join(
            c.params["text"]
            for c in api.calls[start:]
            if c.method == "sendMessage" and c.params["chat_id"] == m.id
        )
        for m in staff
    ]
    assert sum("n’est plus possible" in s for s in said) == 1, said
    async with session_factory(engine)() as session:
        paid = list(await session.scalars(select(Payment)))
        tranche = await session.get(Tranche, tranche_id)
    await engine.dispose()
    assert len(paid) == 1 and tranche.status == "paid"
    await all_sent()
    for official in (grant_seed.FRENCH, grant_seed.ARABIC):
        assert sum("VIR-2027-9" in m.get("text", "") for m in api.messages(official)) == 1


async def empty_database() -> None:
    assert POSTGRES_URL
    engine = create_engine(POSTGRES_URL)
    async with engine.begin() as connection:
        await connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        await connection.execute(text("CREATE SCHEMA public"))
    await engine.dispose()


def replies_to(api: BotAPIStandIn, chat_id: int, needle: str) -> int:
    calls = [c for c in api.calls_of("sendMessage") if c.ok and c.params["chat_id"] == chat_id]
    return sum(1 for c in calls if needle in c.params["text"])


async def test_two_processes_share_one_person_and_survive_a_kill(tmp_path: Path) -> None:
    await empty_database()  # both processes migrate it at once, under the advisory lock
    async with BotAPIStandIn() as api, aiohttp.ClientSession() as client:
        api.add_group(SECRETARIAT, "Secrétariat permanent")
        a, b = WebhookProcess(api, tmp_path, "a"), WebhookProcess(api, tmp_path, "b")
        try:
            await asyncio.gather(a.start(), b.start())
            await asyncio.gather(a.wait_ready(client), b.wait_ready(client))
            api.webhook_targets = [f"{a.url}/webhook", f"{b.url}/webhook"]
            user = TelegramUser(api, 700, handled=lambda u: api.update_status(u) == "confirmed")
            dossier_id = await seed(700, "city_amount")  # an official, the dossier nearly done
            applicant = Applicant(user, "fr")
            applicant.last = await open_draft(user, dossier_id)  # each update to the other one
            while not typed(applicant.last):
                await applicant.answer_current()
            served = {update_id for update_id, _status in api.webhook_answers}

            # The same answer at both at once (a redelivery race): handled once.
            at = position(applicant.last)
            start = len(api.calls)
            again = api.register_update({"message": user._message(text=applicant.typed(at))})
            statuses = await asyncio.gather(
                *(api.post_update(f"{p.url}/webhook", again) for p in (a, b))
            )
            assert statuses == [200, 200]
            applicant.last = screen(user._collect(start))
            assert position(applicant.last) not in (None, at)
            duplicate = f'"msg": "duplicate update ignored", "update_id": {again["update_id"]}'
            assert (duplicate in a.logs) != (duplicate in b.logs)
            # Two updates of one person at both at once: one after the other, both answered.
            api.slow_next("sendMessage", 0.3, times=2)
            helps = [api.register_update({"message": user._message(text="/help")}) for _ in "ab"]
            await asyncio.gather(
                *(
                    api.post_update(f"{p.url}/webhook", u)
                    for p, u in zip((a, b), helps, strict=True)
                )
            )
            assert replies_to(api, 700, "/new") == 2 and api.max_concurrent_requests[700] == 1

            # Two staff decide on one dossier in review at the same moment, one at each process:
            # "✅ Eligible" at a, "📤 Send" of a previewed "✖ Reject" (its reason typed) at b.
            # The test holds the dossier's row locked until both have read it and wait at their
            # write: then one decision stands, told once, and the other is refused.
            decided = await seed_in_review()
            for user_id in (THIES, REJECTING, APPROVING):
                api.add_private(user_id)
            confirmed = lambda u: api.update_status(u) == "confirmed"  # noqa: E731
            rejecting = TelegramUser(api, REJECTING, handled=confirmed)
            private = {"message_id": 1, "date": 1, "chat": {"id": REJECTING, "type": "private"}}
            await rejecting.press_data(private, f"s:mv:{decided}:reject")  # the reason is asked
            preview = (await rejecting.send("Budget incomplet."))[-1]  # shown, nothing recorded
            (send,) = [
                b["callback_data"]
                for row in preview["reply_markup"]["inline_keyboard"]
                for b in row
                if b["text"] == "📤 Envoyer"
            ]
            start = len(api.calls)
            reason = api.register_update(
                {
                    "callback_query": {
                        "id": api.new_callback_query_id(),
                        "from": rejecting.user,
                        "message": preview,
                        "chat_instance": str(REJECTING),
                        "data": send,
                    }
                }
            )
            eligible = api.register_update(
                {
                    "callback_query": {
                        "id": api.new_callback_query_id(),
                        "from": TelegramUser(api, APPROVING, handled=confirmed).user,
                        "message": {**private, "chat": {"id": APPROVING, "type": "private"}},
                        "chat_instance": str(APPROVING),
                        "data": f"s:mv:{decided}:eligible",
                    }
                }
            )
            async with row_locked(decided) as waiting:
                posts = [
                    asyncio.create_task(api.post_update(f"{p.url}/webhook", u))
                    for p, u in ((a, eligible), (b, reason))
                ]
                await waiting(2)
            assert await asyncio.gather(*posts) == [200, 200]
            status, told, cards = await decided_once(decided)
            assert told == 1 and cards == 1
            said = {
                c.params["chat_id"]: c.params["text"]
                for c in api.calls[start:]
                if c.method == "sendMessage" and c.params["chat_id"] in (REJECTING, APPROVING)
            }
            label = {"rejected": "Rejeté", "eligible": "Éligible"}[status]
            winner, loser = (REJECTING, APPROVING)[:: 1 if status == "rejected" else -1]
            assert said[winner] == f"✔ {DECIDED} : {label}", said
            gone = f"Ce n’est plus possible : {DECIDED} est maintenant « {label} »."
            assert said[loser].startswith(gone) and set(said) == {winner, loser}, said
            await all_sent()  # the card and the notice, before a is killed
            shown = [m.get("text", "") for m in api.messages(SECRETARIAT)]
            assert any(DECIDED in t and f"Statut : {label}" in t for t in shown), shown
            before_card = len(shown)
            await one_payment_of_two_at_once(api, a, b)

            await a.kill()  # SIGKILL between two answers; b carries on alone
            await applicant.fill()
            await applicant.press("m", "submit")
            await user.press_data(applicant.last, find(applicant.last, "m", "submit_ok"))
            card = await wait_for_card(api, after=before_card)
            assert "FC-" in card["text"]
            await wait_for_card_pdf(api)  # the outbox's last message, a second after the card
            # SIGTERM while an update is in progress: it finishes and is answered, then exit 0.
            api.slow_next("sendMessage", 1.0)
            late = api.register_update({"message": user._message(text="/help")})
            posted = asyncio.create_task(api.post_update(f"{b.url}/webhook", late))
            await asyncio.sleep(0.4)  # its reply is under way (answered after 1 s)
            assert await b.end(signal.SIGTERM) == 0
            assert await posted == 200 and replies_to(api, 700, "/new") == 3
        finally:
            await asyncio.gather(a.kill(), b.kill())

        assert len({u for u, _ in api.webhook_answers}) > len(served) >= 2
        assert {s for _, s in api.webhook_answers} <= {200, 0}  # 0: posts to the killed process
        engine = create_engine(POSTGRES_URL or "")
        async with session_factory(engine)() as session:
            dossier = await session.get(Dossier, dossier_id)
            messages = list(await session.scalars(select(OutboxMessage)))
            recorded = await session.scalar(
                select(func.count()).where(ProcessedUpdate.update_id == again["update_id"])
            )
        await engine.dispose()
        assert dossier.status == "submitted" and dossier.answers["city_amount"] == "250000"
        assert messages and all(m.sent_at is not None for m in messages) and recorded == 1
        shown = api.messages(SECRETARIAT)
        cards = [
            m for m in shown if m.get("text", "").startswith("📥") and DECIDED not in m["text"]
        ]
        pdfs = [m for m in shown if m.get("document", {}).get("file_name", "").endswith(".pdf")]
        # Once each, though both processes run an outbox worker.
        assert len(cards) == 1 and len(pdfs) == 1
        for process in (a, b):
            assert WEBHOOK_SECRET not in process.logs and api.token not in process.logs
        assert '"update_id"' in a.logs + b.logs
