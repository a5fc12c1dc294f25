"""The emergency fund end to end, in-process (issue 8): a French city reports; the alert reaches
both chats ahead of a backlog; nobody acknowledges, so the scheduler escalates to the Presidency
and the escalation users (twice, then stops); a commission member acknowledges, proposes; an
English-speaking member of the Presidency approves another amount; the French city is told in
French at each step; staff close it. Also: the escalation timer survives a restart and fires once
(late) with two schedulers; situation reports with each figure's change; permissions and stale or
forged buttons."""

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from prometheus_client import REGISTRY
from sqlalchemy import func, select

from bot.telegram.i18n import build_i18n
from bot.workers.emergencies import EscalationJob
from bot.workers.limits import RateLimiter
from bot.workers.outbox import OutboxWorker
from bot.workers.scheduler import Scheduler
from storage import outbox
from storage.dossiers import set_status
from storage.models import Dossier, StatusChange, Timer
from storage.types import utcnow
from testkit.harness import (
    COMMISSION,
    COMMISSION_GROUP,
    PRESIDENCY,
    PRESIDENCY_GROUP,
    QUICK_LIMITS_ARGS,
    SECRETARIAT,
    SECRETARIAT_GROUP,
    InProcessBot,
    alerting_bot,
    check_clean,
)
from testkit.seeds import official, report_flood
from testkit.standin import BotAPIStandIn

ESCALATION_USER = 960

N, S = "\u202f", "\xa0"  # how French writes 50 000 €


async def started(tmp_path: Path, **settings: Any) -> InProcessBot:
    return await alerting_bot(tmp_path, **{"escalation_rounds": 2, **settings})


@pytest.fixture
async def bot(tmp_path: Path) -> AsyncIterator[InProcessBot]:
    under_test = await started(tmp_path, escalation_user_ids=(ESCALATION_USER,))
    yield under_test
    await under_test.close()
    check_clean(under_test.api)


async def report(bot: InProcessBot, user_id: int = 701) -> tuple[Any, str]:
    await official(bot.sessions, user_id, "fr", "Awa Rasoa")
    city = bot.user(user_id, "fr")
    return city, await report_flood(city)


def cards(api: BotAPIStandIn, chat: int) -> list[dict]:
    """The alert's cards in a chat, oldest first: the first, then each escalation's."""
    return [m for m in api.messages(chat) if "(Madagascar)\n" in m.get("text", "")]


async def tick(bot: InProcessBot, minutes: float) -> int:
    """One round of the app's scheduler, its clock `minutes` from now; how many of the
    emergency's timers it did (sent or dropped)."""

    async def done() -> int:
        async with bot.sessions() as session:
            return await session.scalar(
                select(func.count())
                .select_from(Timer)
                .where(Timer.kind.in_(["escalation", "sitrep"]), Timer.outcome.is_not(None))
                .where(~Timer.outcome.startswith("cancelled"), Timer.outcome != "closed")
            )

    before = await done()
    bot.now = utcnow() + timedelta(minutes=minutes)
    await bot.app.scheduler.run_once(bot.now)
    return await done() - before


async def emergency_id(bot: InProcessBot) -> int:
    async with bot.sessions() as session:
        return (await session.scalar(select(Dossier).where(Dossier.form == "emergency"))).id


async def test_report_escalation_acknowledgement_proposal_decision_and_closing(
    bot: InProcessBot,
) -> None:
    api = bot.api
    await bot.add_staff(ESCALATION_USER, "secretariat", "en", "Head of Secretariat")
    head = bot.user(ESCALATION_USER, "en")
    await head.send("/start")
    city, reference = await report(bot)
    await bot.drain_outbox()
    assert not api.errors, api.errors
    for chat in (SECRETARIAT, COMMISSION):
        found = cards(api, chat)
        assert len(found) == 1, [m.get("text", "")[:60] for m in api.messages(chat)]
        (card,) = found
        assert reference in card["text"] and "✅ Prendre en compte" in city.buttons(card)
    assert api.messages(PRESIDENCY) == []

    # Nobody acknowledges: the scheduler (on its own clock) escalates, twice, then stops.
    assert await tick(bot, 1) == 1
    await bot.drain_outbox()
    assert not api.errors, api.errors
    (escalated,) = api.messages(PRESIDENCY)
    assert (
        escalated["text"].startswith("⏰ Non prise en compte après")
        and reference in escalated["text"]
    )
    to_head = api.messages(ESCALATION_USER)[-1]
    assert (
        to_head["text"].startswith("⏰ Not acknowledged after") and "Toamasina" in to_head["text"]
    )
    assert "✅ Acknowledge" in head.buttons(to_head)
    for chat in (SECRETARIAT, COMMISSION):
        first, repeated = cards(api, chat)
        assert city.buttons(first) == []  # the old card's buttons went with the repeat
        assert "(relance 1 sur 2)" in repeated["text"] and reference in repeated["text"]
    assert await tick(bot, 2) == 1
    assert await tick(bot, 3) == 0  # two rounds at most
    await bot.drain_outbox()
    assert not api.errors, api.errors
    assert len(api.messages(PRESIDENCY)) == 2

    # A commission member (English-speaking) acknowledges on the latest card; escalation stops.
    await bot.add_staff(900, "commission", "en", "Marie Dupont")
    member = bot.user(900, "en", group=COMMISSION_GROUP)
    await member.press(cards(api, COMMISSION)[-1], "✅ Prendre en compte", expect=0)
    await bot.drain_outbox()
    assert not api.errors, api.errors
    latest = cards(api, SECRETARIAT)[-1]["text"]
    assert (
        "Pris en compte par Marie Dupont" in latest and "Transmise à la Présidence (2×)" in latest
    )
    assert "pris en compte par Marie Dupont" in api.messages(701)[-1]["text"]

    # Proposal, then the Presidency's decision: another amount, by an English-speaking member.
    card = cards(api, COMMISSION)[-1]
    phases = (await member.press(card, "💶 Proposer une aide"))[-1]
    await member.press(phases, "Post-urgence")  # the chat's language, whatever hers
    shown = await member.send("50000 EUR rebuilding the port")
    assert f"aide proposée, 50{N}000{S}€ (Post-urgence) pour rebuilding the port" in shown.texts[-1]
    assert "Ce que 1 responsable lira, en Français :" in shown.texts[-1]
    await bot.drain_outbox()
    assert "Une aide a été proposée" not in api.messages(701)[-1]["text"]  # not before "Send"
    await member.press(shown[-1], "📤 Envoyer")
    await bot.drain_outbox()
    assert not api.errors, api.errors
    assert "Une aide a été proposée" in api.messages(701)[-1]["text"]
    decision = api.messages(PRESIDENCY)[-1]
    assert "Aide d’urgence à décider" in decision["text"]
    await bot.add_staff(950, "presidency", "en", "The President")
    president = bot.user(950, "en", group=PRESIDENCY_GROUP)
    # The Presidency asks for information: the city (in French) answers, back to all three.
    asked = (await president.press(decision, "❓ Demander des informations"))[-1]
    assert "Votre question à la ville" in asked["text"]
    await president.send("How many schools are still closed?")
    await bot.drain_outbox()
    question = api.messages(701)[-1]
    assert "How many schools are still closed?" in question["text"]
    await city.press(question, "✉️ Répondre")
    await city.send("Trois écoles restent fermées.")
    await bot.drain_outbox()
    for chat in (SECRETARIAT, COMMISSION, PRESIDENCY):
        last = [m for m in api.messages(chat) if "Trois écoles" in m.get("text", "")]
        assert len(last) == 1 and "reply_to_message" in last[0]  # on the alert's thread
    assert "La Présidence (The President) demande" in api.messages(SECRETARIAT)[-2]["text"]
    asked = (await president.press(decision, "💶 Approuver un autre montant"))[-1]
    assert "Le montant accordé" in asked["text"]
    refused = (await president.send("thirty thousand"))[0]
    assert "Je n’ai pas pu lire un montant" in refused["text"]
    which = await president.send("30,000 EUR")  # 30 000 € in English, 30 € in French: asked
    assert which.texts[-1].startswith(f"30,000 — 30{N}000{S}€ ou 30{S}€ ?")
    shown = await president.press(which[-1], f"30{N}000{S}€")
    assert f"un autre montant : 30{N}000{S}€ (proposé : 50{N}000{S}€)" in shown.texts[-1]
    await president.press(shown[-1], "📤 Envoyer")
    await bot.drain_outbox()
    assert not api.errors, api.errors
    told = api.messages(701)[-1]["text"]
    assert (
        "l’AIMF accorde 30\u202f000\xa0€" in told and "rebuilding the port" in told
    )  # French, as typed
    (case,) = [m for m in api.messages(PRESIDENCY) if "à décider" in m.get("text", "")]
    assert "Approuvée par The President : 30\u202f000" in case["text"]
    assert president.buttons(case) == ["❓ Demander des informations"]
    for chat in (SECRETARIAT, COMMISSION):
        assert "Approuvée par The President" in cards(api, chat)[-1]["text"]
    async with bot.sessions() as session:
        row = await session.scalar(select(Dossier).where(Dossier.form == "emergency"))
        assert row.status == "approved" and row.granted_amount == "30000 EUR"

    # The timeline, with who acted and how long acknowledgement and decision took: asked in
    # her private chat, in her language (in the group it is written in the group's).
    screen = (await bot.user(900, "en").send("/emergencies"))[-1]["text"]
    assert reference in screen and "To acknowledgement:" in screen and "not yet" not in screen
    for line in ("Reported · Awa Rasoa", "Escalated to the Presidency · round 2",
                 "Acknowledged · Marie Dupont", "Aid proposed · Marie Dupont",
                 "Aid approved · The President"):  # fmt: skip
        assert line in screen, screen

    # Staff close it with a note; the city is told.
    prompt = (await member.press(cards(api, COMMISSION)[-1], "🔒 Clore"))[-1]
    assert "est-elle close ?" in prompt["text"]  # the chat's language
    shown = await member.send("Aid delivered, the case is closed.")
    await member.press(shown[-1], "📤 Envoyer")
    await bot.drain_outbox()
    assert not api.errors, api.errors
    assert "est close : Aid delivered" in api.messages(701)[-1]["text"]
    assert "Close par Marie Dupont" in cards(api, SECRETARIAT)[-1]["text"]


async def test_the_escalation_survives_a_restart_and_fires_once_late(tmp_path: Path) -> None:
    bot = await started(tmp_path, escalation_minutes=Decimal("15"))
    try:
        _city, reference = await report(bot)
        await bot.drain_outbox()
        await bot.restart()  # the process stops before the deadline; a new one starts
        late = utcnow() + timedelta(hours=3)  # after a long outage
        other = Scheduler(bot.sessions, [EscalationJob(bot.settings, build_i18n("fr"))])
        before = REGISTRY.get_sample_value("bot_emergency_escalations_total") or 0.0
        done = await asyncio.gather(bot.app.scheduler.run_once(late), other.run_once(late))
        assert sum(done) >= 1  # the app's also does its other jobs; one escalation (below)
        assert REGISTRY.get_sample_value("bot_emergency_escalations_total") == before + 1
        await bot.drain_outbox()
        (escalated,) = bot.api.messages(PRESIDENCY)
        assert reference in escalated["text"]
        async with bot.sessions() as session:
            rows = {t.key: t for t in await session.scalars(select(Timer))}
        ident = await emergency_id(bot)
        assert rows[f"escalation:{ident}:1"].outcome.startswith("sent")
        following = rows[f"escalation:{ident}:2"]
        assert following.done_at is None and following.due_at > late  # the next round, after now
        # Staff close it unacknowledged: its timers stop; the Presidency gets no case card.
        await bot.add_staff(901, "secretariat", "fr", "Paul Martin")
        staff = bot.user(901, "fr", group=SECRETARIAT_GROUP)
        await staff.press(cards(bot.api, SECRETARIAT)[-1], "🔒 Clore")
        shown = await staff.send("Fausse alerte, vérifiée par téléphone.")
        await staff.press(shown[-1], "📤 Envoyer")
        await bot.drain_outbox()
        assert len(bot.api.messages(PRESIDENCY)) == 1
        assert "Close par Paul Martin" in cards(bot.api, SECRETARIAT)[-1]["text"]
        async with bot.sessions() as session:
            assert (await session.get(Timer, f"escalation:{ident}:2")).outcome == "closed"
    finally:
        await bot.close()
    check_clean(bot.api)


async def test_the_alert_overtakes_1000_queued_notifications(bot: InProcessBot) -> None:
    await bot.app.outbox.stop()  # this test delivers, one round at a time
    async with bot.sessions() as session:
        for n in range(1000):
            outbox.enqueue(session, (SECRETARIAT, COMMISSION)[n % 2], f"message ordinaire {n}")
        await session.commit()
    _city, reference = await report(bot)
    worker = OutboxWorker(bot.bot, bot.sessions, limiter=RateLimiter(**QUICK_LIMITS_ARGS))
    assert await worker.deliver_due() >= 2  # one round: the head of each chat
    for chat in (SECRETARIAT, COMMISSION):
        first = bot.api.messages(chat)[0]
        assert first["text"].startswith("🚨") and reference in first["text"]


async def test_situation_reports_show_each_figures_change(tmp_path: Path) -> None:
    bot = await started(tmp_path, escalation_rounds=0, sitrep_hours=Decimal("0.5"))
    api = bot.api
    try:
        city, reference = await report(bot)
        await bot.drain_outbox()
        sent = api.messages(701)[-1]  # "received", with the way to a situation report
        screen = (await city.press(sent, "📊 Envoyer un point de situation"))[-1]
        assert "Qu’est-ce qui a changé" in screen["text"]
        await city.send("L’eau monte encore dans les quartiers Nord.")
        await city.send("1500")
        screen = (await city.send("3"))[-1]
        sent = await city.press(screen, "🚨 Envoyer maintenant", expect=2)
        assert "Votre point de situation" in sent[-1]["text"] and reference in sent[0]["text"]
        await bot.drain_outbox()
        for chat in (SECRETARIAT, COMMISSION):
            (card,) = cards(api, chat)
            last = api.messages(chat)[-1]
            assert last["text"].startswith(f"📊 Point de situation n° 1 sur {reference}")
            assert "Personnes touchées : 1\u202f200 → 1\u202f500 (+300)" in last["text"]
            assert "Morts : 3 (inconnu auparavant)" in last["text"]
            assert last["reply_to_message"]["message_id"] == card["message_id"]  # its thread
            assert "Points de situation : 1" in card["text"]  # the card edited in place
        # SITREP_HOURS after the report: one came since, so the request is put off...
        count = len(api.messages(701))
        assert await tick(bot, 31) == 1
        await bot.drain_outbox()
        assert len(api.messages(701)) == count
        # ...until SITREP_HOURS after that report.
        assert await tick(bot, 45) == 1
        await bot.drain_outbox()
        asked = api.messages(701)[-1]
        assert "toujours ouverte" in asked["text"] and reference in asked["text"]
        assert "📊 Envoyer un point de situation" in city.buttons(asked)
        city_screen = (await city.send("/dossiers"))[-1]
        assert "Point de situation" not in city_screen["text"]  # not a dossier of its own
        ident = await emergency_id(bot)
        opened = (await city.press_data(city_screen, f"m:{ident}:open:"))[-1]
        assert opened["text"].startswith(f"🚨 Urgence {reference}") and "Signalée" in opened["text"]
        assert "Point de situation · Awa Rasoa · n° 1" in opened["text"]  # its timeline
        assert city.buttons(opened) == ["📊 Envoyer un point de situation"]
    finally:
        await bot.close()
    check_clean(api)


async def test_only_staff_acknowledge_and_propose_only_the_presidency_decides(
    bot: InProcessBot,
) -> None:
    api = bot.api
    city, _reference = await report(bot)
    await bot.drain_outbox()
    ident = await emergency_id(bot)
    await bot.add_staff(901, "secretariat", "fr", "Paul Martin")
    await bot.add_staff(951, "presidency", "fr", "Le Président")
    staff = bot.user(901, "fr", group=SECRETARIAT_GROUP)
    president_here = bot.user(951, "fr", group=SECRETARIAT_GROUP)
    city_here = bot.user(701, "fr", group=SECRETARIAT_GROUP)
    (card,) = cards(api, SECRETARIAT)

    async def refused(user: Any, data: str) -> None:
        pressed = await user.press_data(card, data, expect=0)
        assert api.callback_answer(pressed.callback_query_id)["show_alert"] is True

    await refused(president_here, f"e:{ident}:ack")  # the Presidency does not acknowledge
    await refused(city_here, f"e:{ident}:close")
    await refused(city_here, f"e:{ident}:ack")
    await refused(staff, f"e:{ident}:approve")  # not before a proposal, and not staff's
    await staff.press(card, "✅ Prendre en compte", expect=0)
    await refused(staff, f"e:{ident}:ack")  # a stale button: already acknowledged
    await refused(president_here, f"e:{ident}:prop")
    await refused(city_here, f"e:{ident}:ph_recovery")
    await bot.drain_outbox()
    (card,) = cards(api, SECRETARIAT)
    phases = (await staff.press(card, "💶 Proposer une aide"))[-1]
    await staff.press(phases, "Urgence")
    shown = await staff.send("20 000 EUR abris provisoires")
    await staff.press(shown[-1], "📤 Envoyer")
    await bot.drain_outbox()
    for data in ("approve", "other", "reject"):
        await refused(staff, f"e:{ident}:{data}")
        await refused(city_here, f"e:{ident}:{data}")
    await refused(president_here, f"e:{ident + 99}:approve")  # forged: no such emergency
    decision = api.messages(PRESIDENCY)[-1]
    president = bot.user(951, "fr", group=PRESIDENCY_GROUP)
    shown = await president.press(decision, "🏅 Approuver")
    await refused(president_here, f"e:{ident}:ack")
    await president.press(shown[-1], "📤 Envoyer")
    stale = await president.press_data(decision, f"e:{ident}:other", expect=0)
    assert api.callback_answer(stale.callback_query_id)["show_alert"] is True
    await refused(president_here, f"e:{ident}:approve")
    async with bot.sessions() as session:
        row = await session.get(Dossier, ident)
        assert row.status == "approved" and row.granted_amount == "20000 EUR"
        moves = await session.scalar(
            select(func.count()).select_from(StatusChange).where(StatusChange.dossier_id == ident)
        )
        assert moves == 4  # reported, acknowledged, proposed, approved: nothing else
    assert "ne vous revient pas" in (await city.send("/emergencies"))[-1]["text"]


async def test_an_escalation_that_read_the_alert_before_its_acknowledgement_sends_nothing(
    tmp_path: Path,
) -> None:
    """The escalation's session read the emergency as "reported"; an acknowledgement is committed
    before it writes: it sends nothing (the status is compared when it writes, not when it read).
    Without the compare-and-set the Presidency got an escalation of an acknowledged alert."""
    bot = await started(tmp_path, escalation_minutes=Decimal("15"))
    try:
        await report(bot)
        await bot.drain_outbox()
        ident = await emergency_id(bot)
        job = EscalationJob(bot.settings, build_i18n("fr"))
        async with bot.sessions() as escalating:
            read = await escalating.get(Dossier, ident)  # held: the session's row stays as read
            assert read.status == "reported"
            async with bot.sessions() as acknowledging:
                row = await acknowledging.get(Dossier, ident)
                await set_status(acknowledging, row, "reported", "acknowledged")
                await acknowledging.commit()
            timer = await escalating.get(Timer, f"escalation:{ident}:1")
            done = await job.run(escalating, timer, utcnow() + timedelta(hours=1))
            await escalating.commit()
        assert done.outcome == "dropped: acknowledged"
        await bot.drain_outbox()
        assert bot.api.messages(PRESIDENCY) == []
    finally:
        await bot.close()


async def test_buttons_that_move_nothing_are_refused_in_words_when_not_for_the_presser(
    bot: InProcessBot,
) -> None:
    """A question, an answer, a situation report, an unknown action, a reference: the use case
    (or the table of such buttons) refuses with a code and the glue says it; nothing is sent."""
    api = bot.api
    city, reference = await report(bot)
    await bot.drain_outbox()
    ident = await emergency_id(bot)
    await bot.add_staff(901, "secretariat", "fr", "Paul Martin")
    staff = bot.user(901, "fr", group=SECRETARIAT_GROUP)
    city_here = bot.user(701, "fr", group=SECRETARIAT_GROUP)
    (card,) = cards(api, SECRETARIAT)

    async def popup(user: Any, data: str) -> str:
        pressed = await user.press_data(card, data, expect=0)
        answer = api.callback_answer(pressed.callback_query_id)
        assert answer["show_alert"] is True and pressed.sent == []
        return answer["text"]

    not_yours = "Désolé, cela ne vous revient pas."
    assert await popup(city_here, f"e:{ident}:ask") == not_yours  # the city does not ask itself
    assert await popup(city_here, f"e:{ident + 99}:sitrep") == not_yours  # forged: none such
    stale = f"Ce n’est plus possible : {reference} est maintenant « Signalée »."
    assert await popup(staff, f"e:{ident}:answer") == stale  # the city's, not staff's
    assert await popup(staff, f"e:{ident}:sitrep") == stale
    assert await popup(staff, f"e:{ident}:zz") == stale
    none = "Aucune urgence que vous pouvez consulter ne porte cette référence."
    assert (await staff.send("/emergencies FU-2099-9999")).texts == [none]
    assert (await city.send(f"/emergencies {reference}")).texts == [none]  # staff's view only
    async with bot.sessions() as session:
        row = await session.get(Dossier, ident)
        assert row.status == "reported"
