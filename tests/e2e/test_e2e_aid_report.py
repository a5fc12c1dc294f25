"""The report on the use of an emergency aid, in process (issue 17): the Presidency approves an
aid; `EMERGENCY_REPORT_DAYS` later on the scheduler's clock the city's verified officials are
asked, each in their language; one of them fills it in the questionnaire (amounts by purpose,
what was done, a photo) and submits it; the Secretariat gets its PDF, returns one item (only it
reopens), then approves it. Forged buttons of another city, an unverified account and
non-staff change nothing."""

from collections.abc import AsyncIterator
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.services.people import link_city
from storage.accounts import new_account
from storage.models import Dossier, Report, Timer
from storage.types import utcnow
from testkit.decided_kit import card_in
from testkit.harness import (
    PRESIDENCY,
    PRESIDENCY_GROUP,
    SECRETARIAT,
    SECRETARIAT_GROUP,
    InProcessBot,
    alerting_bot,
    check_clean,
)
from testkit.pdf_kit import found, pages
from testkit.seeds import official, report_flood

DAYS = 30  # EMERGENCY_REPORT_DAYS, set apart from its default
FRENCH, ARABIC, UNVERIFIED, OTHER_CITY, STAFF, PRESIDENT = 701, 702, 703, 704, 901, 951

LABELS = {
    "fr": {"fill": "✍️ Remplir le rapport", "add": "➕ Ajouter une entrée", "done": "Terminé ✔"},
    "ar": {"fill": "✍️ ملء التقرير", "add": "➕ إضافة إدخال", "done": "تم ✔"},
}
USES = (("خيام للأسر المهجرة", "30000"), ("Eau potable", "15 000"))


@pytest.fixture
async def bot(tmp_path: Path) -> AsyncIterator[InProcessBot]:
    under_test = await alerting_bot(tmp_path, escalation_rounds=0, emergency_report_days=DAYS)
    yield under_test
    await under_test.close()
    check_clean(under_test.api)


def last_with(bot: InProcessBot, chat: int, needle: str) -> dict:
    hits = [
        m for m in bot.api.messages(chat) if needle in (m.get("text") or m.get("caption") or "")
    ]
    assert hits, [(m.get("text") or m.get("caption") or "")[:80] for m in bot.api.messages(chat)]
    return hits[-1]


async def approved_aid(bot: InProcessBot) -> tuple[int, str]:
    """Toamasina reports a flood; staff acknowledge and propose 50 000 €; the Presidency
    approves it. The emergency's id and reference."""
    await official(bot.sessions, FRENCH, "fr", "Awa Rasoa", verified=True)
    await official(bot.sessions, ARABIC, "ar", "Layla Haddad", verified=True)
    await official(bot.sessions, UNVERIFIED, "fr", "Jean Rabe")
    async with bot.sessions() as session:  # a verified official of another city
        account = new_account(session, OTHER_CITY, "Omar")
        account.city_name, account.country, account.verification = "Dakar", "SN", "verified"
        await link_city(session, account)
        await session.commit()
    for person, language in ((ARABIC, "ar"), (UNVERIFIED, "fr"), (OTHER_CITY, "fr")):
        await bot.user(person, language).send("/start")  # their chats with the bot
    reference = await report_flood(bot.user(FRENCH, "fr"))
    await bot.drain_outbox()
    await bot.add_staff(STAFF, "secretariat", "fr", "Paul Martin")
    await bot.add_staff(PRESIDENT, "presidency", "fr", "Le Président")
    staff = bot.user(STAFF, "fr", group=SECRETARIAT_GROUP)
    card = last_with(bot, SECRETARIAT, reference)
    await staff.press(card, "✅ Prendre en compte", expect=0)
    await bot.drain_outbox()
    phases = (await staff.press(last_with(bot, SECRETARIAT, reference), "💶 Proposer une aide"))[-1]
    await staff.press(phases, "Post-urgence")
    shown = await staff.send("50 000 EUR abris et eau potable")
    await staff.press(shown[-1], "📤 Envoyer")
    await bot.drain_outbox()
    president = bot.user(PRESIDENT, "fr", group=PRESIDENCY_GROUP)
    shown = await president.press(last_with(bot, PRESIDENCY, "à décider"), "🏅 Approuver")
    await president.press(shown[-1], "📤 Envoyer")
    await bot.drain_outbox()
    async with bot.sessions() as session:
        row = await session.scalar(select(Dossier).where(Dossier.form == "emergency"))
        assert row.status == "approved" and row.granted_amount == "50000 EUR"
        return row.id, reference


async def fill(bot: InProcessBot, user_id: int, language: str, asked: dict) -> None:
    """The official fills the report in the questionnaire, answer by answer."""
    words = LABELS[language]
    city = bot.user(user_id, language)
    screen = (await city.press(asked, words["fill"]))[-1]
    for purpose, amount in USES:
        screen = (await city.press(screen, words["add"]))[-1]
        await city.send(purpose)
        screen = (await city.send(amount))[-1]
    screen = (await city.press(screen, words["done"]))[-1]
    screen = (await city.send("ملاجئ لثلاثمائة أسرة ومياه الشرب لمدة ستة أسابيع."))[-1]
    screen = (await city.send_photo(b"\xff\xd8\xff\xe0 shelters"))[-1]
    await city.press(screen, words["done"])


async def record_of_report(bot: InProcessBot) -> Dossier:
    async with bot.sessions() as session:
        report = await session.scalar(select(Report))
        assert report is not None and report.kind == "aid"
        row = await session.get(Dossier, report.dossier_id)
        assert row is not None
        return row


async def test_an_approved_aid_is_reported_on_returned_once_and_approved(
    bot: InProcessBot,
) -> None:
    """The Arabic official fills the report in Arabic; the French one revises the item
    returned; each is told in their language."""
    emergency_id, reference = await approved_aid(bot)
    async with bot.sessions() as session:
        (timer,) = await session.scalars(select(Timer).where(Timer.kind == "report_open"))
        assert timer.payload["emergency"] == emergency_id
    # Nothing is asked before its day comes near; EMERGENCY_REPORT_DAYS later, both officials.
    assert bot.app is not None and bot.app.scheduler is not None
    await bot.app.scheduler.run_once(utcnow() + timedelta(days=DAYS - 15))
    async with bot.sessions() as session:
        assert await session.scalar(select(Report)) is None
    await bot.app.scheduler.run_once(utcnow() + timedelta(days=DAYS))
    await bot.drain_outbox()
    last_with(bot, FRENCH, f"Rapport sur l’utilisation de l’aide d’urgence de {reference}")
    asked = last_with(bot, ARABIC, f"تقرير عن استخدام مساعدة الطوارئ الخاص بـ {reference}")
    assert not [m for m in bot.api.messages(UNVERIFIED) if "Remplir" in str(m)]
    # The city's screen of its emergency says where the report stands and leads to it.
    shown = await bot.user(FRENCH, "fr").press_data(card_in(FRENCH), f"m:{emergency_id}:open:")
    assert "Rapport sur l’utilisation de l’aide d’urgence : Brouillon" in shown.texts[-1]
    assert LABELS["fr"]["fill"] in bot.user(FRENCH).buttons(shown[-1])
    await fill(bot, ARABIC, "ar", asked)
    row = await record_of_report(bot)
    assert [(u["purpose"], u["amount"]) for u in row.answers["uses"]] == [
        ("خيام للأسر المهجرة", "30000"),
        ("Eau potable", "15000"),
    ]
    assert row.answers["granted"] == "50000" and row.status == "draft"
    # Not submitted on its day: each official is reminded, once (the latest reminder come).
    async with bot.sessions() as session:
        due_on = (await session.scalar(select(Report))).due_on
    await bot.app.scheduler.run_once(datetime.combine(due_on, time(12), UTC))
    await bot.drain_outbox()
    reminded = [m for m in bot.api.messages(FRENCH) if m.get("text", "").startswith("⏰ Rappel")]
    assert len(reminded) == 1 and "attendu aujourd’hui" in reminded[0]["text"]

    # Another city, an unverified account: neither opens, answers nor submits it; the city's
    # official submits it, once.
    for intruder in (UNVERIFIED, OTHER_CITY):
        user = bot.user(intruder)
        opened = await user.press_data(card_in(intruder), f"m:{row.id}:resume:")
        assert not [t for t in opened.texts if "Rapport sur l’utilisation" in t], opened.texts
        await user.press_data(card_in(intruder), f"q:{row.id}:summary:edit:")
        await user.send("Nous avons tout dépensé pour autre chose, sans justificatif.")
        await user.press_data(card_in(intruder), f"m:{row.id}:submit_ok:")
    forged = await record_of_report(bot)
    assert forged.status == "draft" and forged.answers == row.answers
    layla = bot.user(ARABIC, "ar")
    sent = await layla.press_data(card_in(ARABIC), f"m:{row.id}:submit_ok:", expect=2)
    assert "قُدِّم التقرير" in sent.texts[0]
    await bot.drain_outbox()
    card = last_with(bot, SECRETARIAT, "a soumis Rapport sur l’utilisation de l’aide d’urgence")
    assert card["document"]["file_name"] == f"{reference}-aid.pdf"
    text = "\n".join(pages(bot.api.files.get(card["document"]["file_id"]).content))
    assert found("Utilisation de l’aide", text) and found("Eau potable", text)

    # Non-staff pressing the review's buttons change nothing; staff return one item.
    for person in (FRENCH, UNVERIFIED, OTHER_CITY):
        await bot.user(person).press_data(
            card_in(person), f"g:r:approve:{row.id}:report_submitted", expect=0
        )
    assert (await record_of_report(bot)).status == "report_submitted"
    staff = bot.user(STAFF, "fr", group=SECRETARIAT_GROUP)
    listed = await staff.press(card, "↩ Renvoyer pour révision")
    assert "1. Utilisations de l’aide" in listed.texts[-1], listed.texts[-1]
    await staff.send("2 Dites combien de familles ont été abritées.", expect=2)
    await bot.drain_outbox()
    assert "أعادت الأمانة" in bot.api.messages(ARABIC)[-1]["text"]
    returned = last_with(bot, FRENCH, "pour révision")
    assert "combien de familles" in returned["text"]
    awa = bot.user(FRENCH, "fr")
    screen = (await awa.press(returned, LABELS["fr"]["fill"]))[-1]
    assert "question 1/1" in screen["text"] and "Qu’est-ce que l’aide a permis" in screen["text"]
    forged = await awa.press_data(card_in(FRENCH), f"q:{row.id}:uses:edit:")
    assert forged.texts  # another item's button finds no question
    await awa.send("Abris pour 312 familles et eau potable pendant six semaines, deux quartiers.")
    row = await record_of_report(bot)
    assert row.answers["summary"].startswith("Abris pour 312 familles")
    assert len(row.answers["uses"]) == 2 and row.status == "report_returned"
    await awa.press_data(card_in(FRENCH), f"m:{row.id}:submit_ok:", expect=2)
    await bot.drain_outbox()

    card = last_with(bot, SECRETARIAT, "a soumis Rapport sur l’utilisation")
    await staff.press(card, "✅ Approuver le rapport")
    await bot.drain_outbox()
    assert (await record_of_report(bot)).status == "report_approved"
    assert "a approuvé Rapport sur l’utilisation" in bot.api.messages(FRENCH)[-1]["text"]
    assert "وافقت الأمانة" in bot.api.messages(ARABIC)[-1]["text"]
    again = await staff.press(card, "✅ Approuver le rapport")
    assert "n’est plus possible" in again.texts[0]
