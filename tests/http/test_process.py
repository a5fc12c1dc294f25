"""`python -m bot` as a real process: configuration errors, kill -9 (mid-answer, mid-delivery and
before an emergency's escalation, which the restarted process still sends on time; between a
grant's press and its notices, which go once), SIGTERM, no token in logs."""

import asyncio
import os
import signal
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.telegram.callbacks import grant_data
from storage import outbox
from storage.accounts import new_account
from storage.db import create_engine, session_factory
from storage.models import ConventionAcceptance, Dossier, OutboxMessage, Project
from storage.types import utcnow
from testkit import grant_seed
from testkit.driver import Applicant, position
from testkit.grant_seed import seeded_project
from testkit.harness import SECRETARIAT
from testkit.process_kit import BotProcess
from testkit.seeds import official, report_flood
from testkit.standin import BotAPIStandIn, TelegramUser

COMMISSION, PRESIDENCY = -1009876543210, -1005555555555
ESCALATION_MINUTES = 0.2  # 12 s: past the kill, even on a busy machine, and past the restart


def bot_env(api: BotAPIStandIn, tmp_path: Path) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k != "PORT" and not k.startswith(("BOT_", "DATABASE_", "WEBHOOK_", "REDIS_", "METRICS_"))
    }
    env.update(
        BOT_TOKEN=api.token,
        BOT_API_URL=api.url,
        DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}",
        FILES_DIR=str(tmp_path / "files"),
        SECRETARIAT_CHAT_ID=str(SECRETARIAT),
        COMMISSION_CHAT_ID=str(COMMISSION),
        PRESIDENCY_CHAT_ID=str(PRESIDENCY),
        ESCALATION_MINUTES=str(ESCALATION_MINUTES),
        ESCALATION_ROUNDS="1",
        LOG_LEVEL="DEBUG",
    )
    return env


class PollingBot(BotProcess):
    def __init__(self, api: BotAPIStandIn, tmp_path: Path) -> None:
        super().__init__(tmp_path / "bot.log", tmp_path)
        self.api, self.tmp_path = api, tmp_path

    async def start(self) -> None:
        polls = self.api.polls_started
        await self.spawn(bot_env(self.api, self.tmp_path))
        assert self.process is not None
        deadline = asyncio.get_running_loop().time() + 60  # imports are slow on a busy machine
        while asyncio.get_running_loop().time() < deadline:
            if self.api.polls_started > polls:  # polling: updates are fetched from now on
                return
            if self.process.returncode is not None:
                break
            await asyncio.sleep(0.05)
        raise AssertionError(f"bot did not start: {self.logs}")


@pytest.fixture
async def process(api: BotAPIStandIn, tmp_path: Path):
    """The bot's process; killed at the end whatever the test did (a failed test must not leave a
    bot polling in the background)."""
    bot = PollingBot(api, tmp_path)
    yield bot
    await bot.kill()


@pytest.fixture
async def api():
    async with BotAPIStandIn() as stand_in:
        stand_in.add_group(SECRETARIAT, "Secrétariat")
        stand_in.add_group(COMMISSION, "Commission")
        stand_in.add_group(PRESIDENCY, "Présidence")
        yield stand_in


async def test_a_missing_or_malformed_token_is_a_one_line_error(tmp_path: Path) -> None:
    async def run_without_a_good_token(token: str | None) -> tuple[int | None, bytes]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("BOT_")}
        if token:
            env["BOT_TOKEN"] = token
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", cwd=tmp_path, env=env,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        _out, err = await process.communicate()
        return process.returncode, err

    # Both at once: each process spends its time importing, one per core.
    for returncode, err in await asyncio.gather(
        run_without_a_good_token(None), run_without_a_good_token("not-a-token")
    ):
        assert returncode == 2
        lines = err.decode().strip().splitlines()
        assert len(lines) == 1 and "BOT_TOKEN" in lines[0] and "Traceback" not in lines[0]


async def test_kill_9_loses_nothing_sigterm_finishes_the_update_logs_hide_the_token(
    api: BotAPIStandIn, tmp_path: Path, process: PollingBot
) -> None:
    await process.start()
    applicant = Applicant(applicant_user(api), "fr")
    await applicant.register()
    for _ in range(4):
        await applicant.answer_current()
    answered_at = position(applicant.last)
    engine = create_engine(bot_env(api, tmp_path)["DATABASE_URL"])
    sessions = session_factory(engine)
    reference, deadline = await emergency_reported(api, sessions)
    places = [(14.69, -17.44), (14.70, -17.45)]
    await message_in_flight_at_the_kill(api, sessions, places)
    assert not api.messages(PRESIDENCY), "escalated before the kill: the test proves nothing"
    await process.end(signal.SIGKILL)
    async with sessions() as session:  # the killed process still holds the message in flight
        held = await session.scalar(
            select(OutboxMessage).where(
                OutboxMessage.locked_until > utcnow() + timedelta(seconds=60)
            )
        )
        assert held is not None and held.kind == outbox.LOCATION
    await process.start()  # it takes back at once what the killed process held
    await applicant.answer_current()  # the screen shown before the kill, answered after it
    at_after = position(applicant.last)
    assert at_after not in (None, answered_at)
    for _ in range(200):
        async with sessions() as session:
            dossier = await session.scalar(select(Dossier))
            undelivered = await outbox.pending(session)
        if not undelivered:
            break
        await asyncio.sleep(0.05)
    await engine.dispose()
    assert undelivered == []
    shown = [tuple(m["location"].values()) for m in api.messages(SECRETARIAT) if "location" in m]
    # Each one delivered, in order; only the one in flight at the kill may have gone twice.
    assert list(dict.fromkeys(shown)) == places and len(shown) <= len(places) + 1
    assert dossier.answers["city"] == "Dakar" and answered_at in dossier.answers
    assert dossier.cursor["q"] == at_after
    await escalated_after_the_restart(api, reference, deadline)
    await acknowledged_proposed_and_decided(api, sessions, reference)
    await sigterm_lets_the_update_in_progress_finish(api, process)
    assert "bot started" in process.logs
    assert api.token.split(":")[1] not in process.logs


async def emergency_reported(api: BotAPIStandIn, sessions) -> tuple[str, float]:
    """A flood reported over HTTP, its alert delivered to both chats; the earliest moment its
    escalation may come (on the stand-in's clock)."""
    await official(sessions, 702, "fr", "Awa Rasoa")
    reporter = TelegramUser(api, 702, language_code="fr", quiet=0.15)
    before = time.monotonic()
    reference = await report_flood(reporter)
    for _ in range(200):
        alerted = [
            any(reference in m.get("text", "") for m in api.messages(chat))
            for chat in (SECRETARIAT, COMMISSION)
        ]
        if all(alerted):
            return reference, before + ESCALATION_MINUTES * 60
        await asyncio.sleep(0.05)
    raise AssertionError("the alert did not reach both chats")


async def escalated_after_the_restart(api: BotAPIStandIn, reference: str, deadline: float):
    """The escalation's timer is a row: the restarted process sends it, not before its time."""
    for _ in range(600):
        calls = [
            c
            for c in api.calls_of("sendMessage")
            if c.ok and int(c.params["chat_id"]) == PRESIDENCY and reference in c.params["text"]
        ]
        if calls:
            assert calls[0].at >= deadline - 0.05
            return
        await asyncio.sleep(0.05)
    raise AssertionError("no escalation to the Presidency after the restart")


async def acknowledged_proposed_and_decided(api: BotAPIStandIn, sessions, reference: str):
    """Over HTTP, after the restart: an English-speaking commission member acknowledges and
    proposes, an English-speaking member of the Presidency approves another amount, and the
    French city is told each step in French."""
    async with sessions() as session:
        for user_id, role, name in ((900, "commission", "Marie Dupont"),
                                    (950, "presidency", "The President")):  # fmt: skip
            account = new_account(session, user_id, name)
            account.role, account.language, account.full_name = role, "en", name
        await session.commit()
    member = TelegramUser(api, 900, language_code="en", quiet=0.15, group=group(COMMISSION))
    president = TelegramUser(api, 950, language_code="en", quiet=0.15, group=group(PRESIDENCY))

    def latest(chat: int, words: str) -> dict:
        return [m for m in api.messages(chat) if words in m.get("text", "")][-1]

    for _ in range(200):  # the escalation's repeat of the card, which carries the buttons now
        if "✅ Prendre en compte" in member.buttons(latest(COMMISSION, reference)):
            break
        await asyncio.sleep(0.05)
    # Its answer comes after the acknowledgement is committed: on a loaded machine, more than
    # the usual quiet period after the press.
    await member.press(latest(COMMISSION, reference), "✅ Prendre en compte", expect=0, quiet=1.0)
    await told(api, 702, "pris en compte par Marie Dupont")
    phases = (await member.press(latest(COMMISSION, reference), "💶 Proposer une aide"))[-1]
    await member.press(phases, "Post-urgence")  # the chat's language
    shown = await member.send("50000 EUR rebuilding the port")  # previewed, then sent
    await member.press(shown[-1], "📤 Envoyer")
    await told(api, 702, "Une aide a été proposée")
    decision = latest(PRESIDENCY, "Aide d’urgence à décider")
    await president.press(decision, "💶 Approuver un autre montant")
    which = await president.send("30,000 EUR")  # asked back: 30 000 € or 30 €?
    shown = await president.press(which[-1], "30\u202f000\xa0€")
    await president.press(shown[-1], "📤 Envoyer")
    await told(api, 702, "l’AIMF accorde 30\u202f000\xa0€")


def group(chat_id: int) -> dict:
    return {"id": chat_id, "type": "supergroup", "title": f"Chat {chat_id}"}


async def told(api: BotAPIStandIn, chat_id: int, words: str) -> None:
    """The person's latest message says `words` (the outbox delivers it, within seconds)."""
    for _ in range(200):
        shown = api.messages(chat_id)
        if shown and words in shown[-1].get("text", ""):
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"never told {words!r}: {api.messages(chat_id)[-1:]}")


async def sigterm_lets_the_update_in_progress_finish(
    api: BotAPIStandIn, process: PollingBot
) -> None:
    """In the same process as the kill above: starting one costs seconds of imports."""
    user = TelegramUser(api, 701, language_code="fr", quiet=0.15)
    api.slow_next("sendMessage", 1.5)
    update_id = api.push_update({"message": user._message(text="/help")})
    await api.wait_delivered(update_id)
    await asyncio.sleep(0.2)
    assert await process.end(signal.SIGTERM) == 0
    assert [c for c in api.calls_of("sendMessage") if c.ok and "/new" in c.params["text"]]


async def message_in_flight_at_the_kill(api: BotAPIStandIn, sessions, places) -> None:
    """Queue messages for the Secretariat's chat (locations, which nothing else sends) and return
    once the first is on its way, held by a slow Bot API."""
    api.slow_next("sendLocation", 1.5)
    async with sessions() as session:
        for latitude, longitude in places:
            outbox.enqueue_location(session, SECRETARIAT, latitude, longitude)
        await session.commit()
    for _ in range(200):  # the worker looks every 2 s when it has nothing to do
        async with sessions() as session:
            first = await session.scalar(
                select(OutboxMessage)
                .where(OutboxMessage.kind == outbox.LOCATION)
                .order_by(OutboxMessage.id)
            )
        if first.locked_until is not None:
            await asyncio.sleep(0.3)  # the request has reached the Bot API, not its answer
            return
        await asyncio.sleep(0.02)
    raise AssertionError("the outbox worker never took the message")


def applicant_user(api: BotAPIStandIn) -> TelegramUser:
    """A separate process: no view inside it, so each action waits for a quiet period."""
    return TelegramUser(api, 700, language_code="fr", quiet=0.15)


async def test_kill_9_between_a_grant_press_and_its_notices_loses_and_repeats_nothing(
    api: BotAPIStandIn, tmp_path: Path, process: PollingBot
) -> None:
    """The city accepts the convention (issue 17): the acceptance and its notices are one
    transaction; the process is killed once it is committed and before the outbox delivered the
    other official's notices (held by a 429), and the restarted one delivers each once."""
    await process.start()
    engine = create_engine(bot_env(api, tmp_path)["DATABASE_URL"])
    sessions = session_factory(engine)
    project_id, _tranche = await seeded_project(sessions)
    for user_id in (grant_seed.FRENCH, grant_seed.ARABIC):
        api.add_private(user_id)
    # Her notices wait (Telegram says "too many requests" for as long as this process lives).
    api.fail_next("sendMessage", 429, retry_after=1, chat_id=grant_seed.ARABIC, times=1000)
    awa = TelegramUser(api, grant_seed.FRENCH, language_code="fr", quiet=0.15)
    private = {"message_id": 1, "date": 1, "chat": {"id": grant_seed.FRENCH, "type": "private"}}
    await awa.press_data(private, grant_data("p", "accept", project_id, "1.fr"), expect=0)
    for _ in range(400):  # committed, and the Arabic official's first notice refused for now
        if [c for c in api.calls_of("sendMessage") if c.status == 429]:
            break
        await asyncio.sleep(0.01)
    # The kill falls where nothing is on its way to Telegram: the other notices delivered and
    # marked, the Arabic ones waiting out the 429. (A kill while Telegram holds a request cannot
    # know whether it arrived: that case is the outbox's own test, above.)
    for _ in range(400):
        async with sessions() as session:
            others = await session.scalar(
                select(func.count())
                .select_from(OutboxMessage)
                .where(OutboxMessage.chat_id != grant_seed.ARABIC, OutboxMessage.sent_at.is_(None))
            )
        if not others:
            break
        await asyncio.sleep(0.01)
    await process.end(signal.SIGKILL)
    api.clear_faults()
    async with sessions() as session:
        assert (await session.get(Project, project_id)).status == "under_way"
        held = await session.scalars(
            select(OutboxMessage).where(
                OutboxMessage.chat_id == grant_seed.ARABIC, OutboxMessage.sent_at.is_(None)
            )
        )
        assert len(list(held)) == 2  # accepted, tranche 1 due: written, not delivered
    assert not api.messages(grant_seed.ARABIC)

    await process.start()
    for _ in range(400):
        async with sessions() as session:
            undelivered = await outbox.pending(session)
            accepted = await session.scalar(select(func.count()).select_from(ConventionAcceptance))
        if not undelivered:
            break
        await asyncio.sleep(0.05)
    await engine.dispose()
    assert undelivered == [] and accepted == 1

    def told(chat: int, words: str) -> int:
        return sum(words in m.get("text", "") for m in api.messages(chat))

    layla = [m["text"] for m in api.messages(grant_seed.ARABIC)]
    assert len(layla) == 2 and "قبِل Awa" in layla[0] and "مستحقة" in layla[1], layla
    assert told(grant_seed.FRENCH, f"La tranche 1 de {grant_seed.REFERENCE}") == 1, [
        m.get("text") for m in api.messages(grant_seed.FRENCH)
    ]
    assert told(SECRETARIAT, "a accepté la convention") == 1
    assert told(SECRETARIAT, "La tranche 1 est exigible") == 1
