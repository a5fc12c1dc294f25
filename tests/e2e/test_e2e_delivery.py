"""No message too long to arrive (issue 14 §3), in-process against the stand-in, which refuses
what Telegram refuses (4,096 characters after parsing, in UTF-16 units): an emergency whose
answers are as long as a person can type reaches the Secretariat's and the commission's chats
and, escalated, the Presidency's; acknowledged, its shortened card is edited in place."""

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, update

from bot.services.health import Health
from storage import outbox
from storage.models import Dossier, OutboxMessage, StatusChange
from storage.types import utcnow
from storage.updates import replies
from testkit.driver import open_draft
from testkit.harness import (
    COMMISSION,
    COMMISSION_GROUP,
    PRESIDENCY,
    SECRETARIAT,
    SECRETARIAT_GROUP,
    InProcessBot,
    alerting_bot,
    check_clean,
)
from testkit.seeds import CITY, complete_dossier, official, report_flood, submitted
from testkit.seeds import SECRETARIAT as SEEDED_STAFF
from testkit.standin import BotAPIStandIn
from testkit.standin.formatting import utf16_len
from testkit.standin.inprocess import InProcessUser

TYPED = 4096  # one Telegram message: what a person can type at once (UTF-16 units)


def longest(maximum: int, pattern: str) -> str:
    """The longest answer a person can give: `maximum` characters (the question's limit, in
    code points as the bot counts them) and one message (4,096 UTF-16 units)."""
    out: list[str] = []
    size = 0
    while True:
        for ch in pattern:
            if len(out) + 1 > maximum or size + utf16_len(ch) > TYPED:
                return "".join(out)
            out.append(ch)
            size += utf16_len(ch)


@pytest.fixture
async def bot(tmp_path: Path) -> AsyncIterator[InProcessBot]:
    under_test = await alerting_bot(tmp_path)
    yield under_test
    await under_test.close()
    check_clean(under_test.api)


def with_button(user: Any, reply: list[dict], label: str) -> dict:
    (found,) = [m for m in reply if label in user.buttons(m)]
    return found


def alerts(api: BotAPIStandIn, chat: int, reference: str) -> list[dict]:
    return [m for m in api.messages(chat) if reference in m.get("text", "")]


async def test_an_emergency_with_the_longest_answers_reaches_every_chat(bot: InProcessBot) -> None:
    api = bot.api
    await official(bot.sessions, 701, "fr", "Awa Rasoa")
    city = bot.user(701, "fr")
    place = longest(300, "Quartiers Nord & <Tanambao> ")
    description = longest(3000, "🌊🌊🌊🌊🌊 ماء & ")  # emoji count two units, Arabic one
    assert utf16_len(description) > 4000 and len(description) <= 3000
    screen = (await city.send("/emergency"))[-1]
    screen = (await city.press(screen, "Inondation"))[-1]
    screen = (await city.press(screen, "Aujourd’hui"))[-1]
    screen = with_button(city, await city.send(place), "Passer ⏭")
    screen = (await city.press(screen, "Passer ⏭"))[-1]
    await city.send(description)
    screen = (await city.send("1200"))[-1]
    async with bot.sessions() as session:  # the rest of the form, at its longest too
        draft = await session.scalar(select(Dossier).where(Dossier.form == "emergency"))
        draft.answers = {
            **draft.answers,
            "needs_other": longest(500, "Bâches, 🚰 eau potable & médicaments. "),
            "services": ["water", "power", "health", "schools", "markets", "archives", "roads"],
            "needs": ["shelter", "water", "food", "health", "power", "clearing", "archives"],
            "deaths": 1_000_000_000, "injured": 1_000_000_000, "displaced": 1_000_000_000,
        }  # fmt: skip
        await session.commit()
    sent = (await city.press(screen, "🚨 Envoyer maintenant"))[-1]
    reference = sent["text"].split("référence est ")[1].split(".")[0]

    await bot.drain_outbox()
    for chat in (SECRETARIAT, COMMISSION):
        card = alerts(api, chat, reference)[0]
        assert card["text"].startswith("🚨") and card["text"].endswith("✂️ 1/2")
        assert "✅ Prendre en compte" in city.buttons(card)  # the card keeps its buttons
        assert "Envoyé par Awa Rasoa" in card["text"]  # the short lines all stay
        (more,) = [m for m in api.messages(chat) if m.get("text", "").startswith("✂️ 2/2")]
        assert more["reply_to_message"]["message_id"] == card["message_id"]
    async with bot.sessions() as session:
        assert not [m for m in await outbox.failed(session)]

    # Nobody acknowledges: the escalation reaches the Presidency, whole, in two messages.
    bot.now = utcnow() + timedelta(minutes=1)
    await bot.app.scheduler.run_once(bot.now)
    await bot.drain_outbox()
    shown = [m["text"] for m in api.messages(PRESIDENCY)]
    assert shown[0].startswith("⏰") and reference in shown[0] and shown[1].startswith("✂️ 2/2")

    # Acknowledged: the card is edited; too long for one message, it is shortened there, with
    # where the whole report is.
    await bot.add_staff(900, "commission", "fr", "Marie Dupont")
    member = bot.user(900, "fr", group=COMMISSION_GROUP)
    await member.press(alerts(api, COMMISSION, reference)[-1], "✅ Prendre en compte", expect=0)
    await bot.drain_outbox()
    latest = alerts(api, SECRETARIAT, reference)[-1]["text"]
    assert "Pris en compte par Marie Dupont" in latest
    assert latest.endswith(f"/emergencies {reference}")
    whole = await member.send(f"/emergencies {reference}")
    assert "".join(m["text"] for m in whole).count("🌊") == description.count("🌊")
    async with bot.sessions() as session:
        assert not [m for m in await outbox.failed(session)]
    assert not api.errors


ADMIN, STORED_ADMIN, STAFF = 606, 607, 900
GROUP = SECRETARIAT_GROUP


async def paged(tmp_path: Path) -> InProcessBot:
    """The bot with an admin of ADMIN_IDS (French) and a stored one (Arabic), who get pages."""
    bot = await alerting_bot(tmp_path, admin_ids=(ADMIN,))
    await bot.add_staff(STORED_ADMIN, "admin", "ar", "Samira")
    await bot.add_staff(STAFF, "secretariat", "fr", "Jean Staff")
    for admin in (ADMIN, STORED_ADMIN):
        bot.api.add_private(admin)
    return bot


async def submit(app: InProcessBot, user_id: int) -> str:
    dossier_id = await complete_dossier(app, user_id)
    city = app.user(user_id)
    await open_draft(city, dossier_id)
    done = await city.press_data(city.chat_messages()[-1], f"m:{dossier_id}:submit_ok:")
    return done.texts[-1].split("référence est ")[1].split(".")[0]


async def test_an_alert_refused_by_telegram_pages_the_admins_at_once(tmp_path: Path) -> None:
    bot = await paged(tmp_path)
    api = bot.api
    await official(bot.sessions, 701, "fr", "Awa Rasoa")
    api.fail_next(
        "sendMessage", 400, description="Bad Request: message thread not found", chat_id=COMMISSION
    )
    reference = await report_flood(bot.user(701, "fr"))
    await bot.drain_outbox()
    (page,) = [m for m in api.messages(ADMIN) if m["text"].startswith("🚨")]
    assert "Non distribué" in page["text"] and "message thread not found" in page["text"]
    assert reference in page["text"] and "/outbox" in page["text"]
    (in_arabic,) = api.messages(STORED_ADMIN)
    assert "/outbox" in in_arabic["text"] and "لم" in in_arabic["text"]
    shown = (await bot.user(ADMIN, "fr").send("/outbox"))[-1]["text"]
    assert "message thread not found" in shown
    await finish(bot, "message thread not found")


async def test_a_card_the_secretariats_chat_refuses_waits_and_goes_when_it_answers(
    tmp_path: Path,
) -> None:
    bot = await paged(tmp_path)
    api = bot.api
    api.block(SECRETARIAT)  # the bot was removed from the Secretariat's group
    reference = await submit(bot, 700)
    await bot.drain_outbox()
    async with bot.sessions() as session:
        assert len(await outbox.pending(session)) == 1  # the card, kept, not failed
        assert not await outbox.failed(session)
    (page,) = api.messages(ADMIN)
    assert "ne peut pas publier dans le chat du Secrétariat" in page["text"]
    assert len(api.messages(STORED_ADMIN)) == 1
    health = Health(bot.engine, bot.sessions, None, {"secretariat": SECRETARIAT})
    assert "secretariat" in (await health.readiness()).unreachable
    queue = (await bot.user(STAFF, "fr").send("/queue"))[-1]["text"]
    assert reference in queue
    await bot.drain_outbox()  # tried again later, still refused: nobody is paged twice
    await later(bot)
    await bot.drain_outbox()
    assert len(api.messages(ADMIN)) == 1

    api.unblock(SECRETARIAT)  # the bot is back in the group: the card goes at its next try
    await later(bot)
    await bot.drain_outbox()
    (delivered,) = [m for m in api.messages(SECRETARIAT) if reference in m.get("text", "")]
    assert delivered["text"].startswith("📥")
    assert "de nouveau" in api.messages(ADMIN)[-1]["text"]
    assert (await health.readiness()).unreachable == {}
    await finish(bot, "bot was kicked")


async def later(bot: InProcessBot) -> None:
    """As if the time a waiting message waits had passed."""
    async with bot.sessions() as session:
        await session.execute(update(OutboxMessage).values(due_at=utcnow()))
        await session.commit()


async def finish(bot: InProcessBot, injected: str) -> None:
    """The bot stopped; Telegram refused nothing but what the test made it refuse."""
    await bot.close()
    assert not bot.api.unanswered_callback_queries()
    assert all(injected in c.description for c in bot.api.errors), bot.api.errors


async def test_an_edit_of_a_card_never_delivered_sends_the_card_anew(tmp_path: Path) -> None:
    bot = await alerting_bot(tmp_path)
    api = bot.api
    api.fail_next(
        "sendMessage", 400, description="Bad Request: message thread not found", chat_id=SECRETARIAT
    )
    async with bot.sessions() as session:
        card = outbox.enqueue(session, SECRETARIAT, "📥 Dossier FC-2026-0001\nStatut : soumis")
        await session.commit()
    await bot.drain_outbox()
    async with bot.sessions() as session:
        await outbox.enqueue_edit(session, card.id, "📥 Dossier FC-2026-0001\nStatut : examen")
        await session.commit()
    await bot.drain_outbox()
    (fresh,) = api.messages(SECRETARIAT)
    assert fresh["text"].endswith("Statut : examen")
    async with bot.sessions() as session:  # the next edit changes that new message
        await outbox.enqueue_edit(session, card.id, "📥 Dossier FC-2026-0001\nStatut : éligible")
        await session.commit()
    await bot.drain_outbox()
    (edited,) = api.messages(SECRETARIAT)
    assert edited["message_id"] == fresh["message_id"] and edited["text"].endswith("éligible")
    await finish(bot, "message thread not found")


async def test_a_reply_lost_with_its_process_comes_with_the_update_sent_again(
    tmp_path: Path,
) -> None:
    """Killed while the "📤 Dossier submitted" reply was in flight (the submission committed):
    the update Telegram sends again is not handled again, but its reply is made again. The same
    for a staff member's confirmation."""
    bot = await alerting_bot(tmp_path)
    api = bot.api
    dossier_id = await complete_dossier(bot, 700)
    await open_draft(bot.user(700), dossier_id)
    fed: list[dict] = []

    async def killed_during_reply(update: dict) -> None:
        fed.append(update)
        await kill_during_reply(bot, update, lambda: journaled(bot, update["update_id"]))

    city = InProcessUser(api, 700, feed=killed_during_reply, timeout=0.2)
    with contextlib.suppress(AssertionError):  # nothing comes back: the process died
        await city.press_data(city.chat_messages()[-1], f"m:{dossier_id}:submit_ok:")
    dossier = await bot.dossier(dossier_id)
    assert dossier.status == "submitted"
    assert not [m for m in api.messages(700) if "Dossier soumis" in m.get("text", "")]

    await bot.restart()
    await bot.feed(fed[-1])  # Telegram sends it again
    told = [m["text"] for m in api.messages(700) if "Dossier soumis" in m.get("text", "")]
    assert len(told) == 1 and dossier.reference in told[0]
    await bot.drain_outbox()
    async with bot.sessions() as session:  # submitted once: one history line, one card
        changes = await session.scalar(select(func.count()).select_from(StatusChange))
        cards = [m for m in await outbox.pending(session)]
    assert changes == 1 and not cards
    (card,) = [m for m in api.messages(SECRETARIAT) if dossier.reference in m.get("text", "")]

    # A staff member starts the review: killed before the confirmation; sent again, told once.
    await bot.add_staff(STAFF, "secretariat", "fr", "Jean Staff")
    staff = InProcessUser(api, STAFF, feed=killed_during_reply, timeout=0.2, group=GROUP)
    with contextlib.suppress(AssertionError):
        await staff.press(card, "🔎 Commencer l’examen")
    await bot.restart()
    before = len(api.calls_of("sendMessage"))
    await bot.feed(fed[-1])
    confirmations = [c for c in api.calls_of("sendMessage")[before:] if c.ok]
    assert [int(c.params["chat_id"]) for c in confirmations] == [SECRETARIAT]
    async with bot.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(StatusChange)) == 2
    await bot.close()


async def kill_during_reply(
    bot: InProcessBot, update: dict, committed: Callable[[], Awaitable[bool]]
) -> None:
    """Handle the update; the process dies once its effect is `committed`, while the reply's
    request is on its way (the request never reaches Telegram)."""
    bot.api.slow_next("sendMessage", 0.5, times=5)
    bot.api.slow_next("editMessageText", 0.5, times=5)
    handling = asyncio.create_task(bot.feed(update))
    while not await committed():
        assert not handling.done(), "the update ended before replying"
        await asyncio.sleep(0.01)
    handling.cancel()  # kill -9, as far as this update goes
    with contextlib.suppress(asyncio.CancelledError):
        await handling
    bot.api.clear_delays()


async def test_an_answer_sent_again_shows_where_the_person_is_without_a_journal(
    tmp_path: Path,
) -> None:
    """The hot path writes nothing more: a typed answer's reply is re-derived. Killed while the
    next question was on its way, the answer Telegram sends again is stored once and the person
    is shown the question they are at."""
    bot = await alerting_bot(tmp_path)
    dossier_id = await bot.seed(700, {}, "title")
    await open_draft(bot.user(700), dossier_id)  # the person is answering it
    assert "title" not in await bot.answers_of(dossier_id)
    fed: list[dict] = []

    async def stored() -> bool:
        return "title" in await bot.answers_of(dossier_id)

    async def killed_during_reply(update: dict) -> None:
        fed.append(update)
        await kill_during_reply(bot, update, stored)

    city = InProcessUser(bot.api, 700, feed=killed_during_reply, timeout=0.2)
    with contextlib.suppress(AssertionError):
        await city.send("Éclairage solaire de la Médina")
    assert not await journaled(bot, fed[-1]["update_id"])
    await bot.restart()
    before = len(bot.api.messages(700))
    await bot.feed(fed[-1])  # Telegram sends it again
    (shown,) = bot.api.messages(700)[before:]
    assert "Secteur" in shown["text"]  # the next question: where the answer left the person
    dossier = await bot.dossier(dossier_id)
    assert dossier.answers["title"] == "Éclairage solaire de la Médina"
    assert dossier.cursor["q"] == "sector"
    await bot.close()


async def journaled(bot: InProcessBot, update_id: int) -> bool:
    async with bot.sessions() as session:
        return bool(await replies(session, update_id))


async def test_a_notice_an_official_never_got_is_on_the_dossier_and_told_when_back(
    tmp_path: Path,
) -> None:
    """Issue 18: an official who blocked the bot misses a status notice (403): staff see it on
    the dossier; when the official writes again they are told, once, what they missed."""
    app = await alerting_bot(tmp_path)
    _dossier_id, reference = await submitted(app)
    app.api.block(CITY)
    staff = app.user(SEEDED_STAFF)
    screens = await staff.send(f"/dossier {reference}")
    await staff.press(screens[-1], "🔎 Commencer l’examen")
    await app.drain_outbox()
    shown = "".join(m["text"] for m in await staff.send(f"/dossier {reference}"))
    assert "Non distribué à la ville" in shown and "Awa Ndiaye (a bloqué le bot)" in shown
    assert f"Dossier {reference}" in shown.split("Non distribué à la ville")[1]

    app.api.unblock(CITY)
    city = app.user(CITY)
    missed, *rest = await city.send("/start")
    assert missed["text"].startswith("👋") and f"Dossier {reference}" in missed["text"]
    assert rest, "the update itself is handled after"
    again = await city.send("/start")
    assert not any(m["text"].startswith("👋") for m in again)  # told once
    await finish(app, "blocked by the user")
