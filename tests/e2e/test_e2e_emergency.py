"""An emergency end to end, in-process: a French-speaking city reports from /emergency with only
the required answers, the urgent alert overtakes a backlog in both staff chats, a commission member
acknowledges (an applicant and a forged button are refused), an English-speaking official of the
city is told in English, and staff ask the city a question whose answer comes back to both chats."""

import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import select

from storage import outbox
from storage.models import Dossier
from testkit.driver import REGISTRATION
from testkit.harness import SECRETARIAT, SECRETARIAT_GROUP, InProcessBot, check_clean
from testkit.seeds import official
from testkit.standin import BotAPIStandIn

COMMISSION = -1009876543210
COMMISSION_GROUP = {"id": COMMISSION, "type": "supergroup", "title": "Commission"}
BACKLOG = 30
PRESIDENCY = -1005555555555


@pytest.fixture
async def bot(tmp_path: Path) -> AsyncIterator[InProcessBot]:
    api = BotAPIStandIn()
    api.add_group(SECRETARIAT, "Secrétariat permanent")
    api.add_group(COMMISSION, "Commission")
    under_test = InProcessBot(api, tmp_path, None, commission_chat_id=COMMISSION)
    await under_test.start()
    yield under_test
    await under_test.close()
    check_clean(api)


def alert_of(api: BotAPIStandIn, chat: int) -> tuple[int, dict]:
    messages = api.messages(chat)
    found = [(i, m) for i, m in enumerate(messages) if m.get("text", "").startswith("🚨")]
    assert len(found) == 1, [m.get("text", "")[:40] for m in messages]
    return found[0]


async def test_an_emergency_from_the_report_to_the_citys_answer(bot: InProcessBot) -> None:
    api = bot.api
    await official(bot.sessions, 701, "fr", "Awa Rasoa")
    await official(bot.sessions, 702, "en", "John Rakoto", verified=True)  # told of the city's
    city = bot.user(701, "fr")
    english_city = bot.user(702, "en")
    await english_city.send("/start")
    async with bot.sessions() as session:  # ordinary messages already waiting in both chats
        for n in range(BACKLOG):
            outbox.enqueue(session, SECRETARIAT, f"message ordinaire {n}")
            outbox.enqueue(session, COMMISSION, f"message ordinaire {n}")
        await session.commit()

    welcome = (await city.send("/start"))[-1]
    assert city.buttons(welcome)[0] == "🚨 Signaler une urgence"
    screen = (await city.press_data(welcome, "h:emergency"))[-1]
    assert "Que s’est-il passé ?" in screen["text"]
    screen = (await city.press(screen, "Inondation"))[-1]
    screen = (await city.press(screen, "Aujourd’hui"))[-1]
    await city.send("Quartiers Nord et Tanambao")
    screen = (await city.send_location(-18.1492, 49.4023))[-1]
    screen = (await city.send("La rivière a débordé cette nuit, trois écoles sont inondées."))[-1]
    assert "🚨 Envoyer maintenant" not in city.buttons(screen)
    screen = (await city.send("1200"))[-1]
    assert "Combien de morts" in screen["text"]
    sent = (await city.press(screen, "🚨 Envoyer maintenant"))[-1]
    reference = re.search(r"FU-\d{4}-0001", sent["text"])
    assert reference is not None, sent["text"]

    await bot.drain_outbox()
    for chat in (SECRETARIAT, COMMISSION):
        index, card = alert_of(api, chat)
        assert index < BACKLOG // 2  # ahead of the ordinary messages queued before it
        text = card["text"]
        assert reference.group() in text and "Toamasina" in text and "Inondation" in text
        assert "Personnes touchées" in text and "inconnu" in text
        (location,) = [m for m in api.messages(chat) if "location" in m]
        assert location["location"]["latitude"] == pytest.approx(-18.1492)
    async with bot.sessions() as session:
        row = await session.scalar(select(Dossier).where(Dossier.form == "emergency"))
        assert row.status == "reported" and row.reference == reference.group()
        cards = select(outbox.OutboxMessage).where(outbox.OutboxMessage.card.is_not(None))
        assert len(list(await session.scalars(cards))) == 2
        queued = await session.scalars(select(outbox.OutboxMessage))
        assert all(m.priority == outbox.URGENT for m in queued if m.text.startswith("🚨"))
    english = api.messages(702)
    assert any("Report received" in m["text"] for m in english)

    # An applicant, and a forged button on the card, are refused.
    _, card = alert_of(api, SECRETARIAT)
    intruder = bot.user(701, "fr", group=SECRETARIAT_GROUP)
    refused = await intruder.press(card, "✅ Prendre en compte", expect=0)
    assert api.callback_answer(refused.callback_query_id)["show_alert"] is True
    forged = await intruder.press_data(card, "e:999:ack", expect=0)
    assert api.callback_answer(forged.callback_query_id)["show_alert"] is True

    await bot.add_staff(900, "commission", "en", "Marie Dupont")
    member = bot.user(900, "en", group=COMMISSION_GROUP)
    _, card = alert_of(api, COMMISSION)
    await member.press(card, "✅ Prendre en compte", expect=0)  # the chat's language: French
    await bot.drain_outbox()
    for chat in (SECRETARIAT, COMMISSION):
        _, card = alert_of(api, chat)
        assert "Pris en compte par Marie Dupont" in card["text"]
        assert "✅ Prendre en compte" not in member.buttons(card)
    assert any("acknowledged by Marie Dupont" in m["text"] for m in api.messages(702))
    assert any("pris en compte par Marie Dupont" in m["text"] for m in api.messages(701))

    # Ask the city; its answer comes back to both chats.
    asked = (await member.press(card, "❓ Demander à la ville"))[-1]
    assert "Votre question à la ville" in asked["text"]  # the chat's language, not hers
    await member.send("Combien de familles sont sans abri ?")
    await bot.drain_outbox()
    question = api.messages(702)[-1]
    assert "Combien de familles sont sans abri" in question["text"]
    prompt = (await english_city.press(question, "✉️ Answer"))[-1]
    assert "Your answer about" in prompt["text"]
    await english_city.send("About 300 families.")
    await bot.drain_outbox()
    for chat in (SECRETARIAT, COMMISSION):
        last = api.messages(chat)[-1]
        assert "About 300 families." in last["text"] and "Toamasina" in last["text"]
        assert "⚠️" not in last["text"]  # John is verified
    # Awa, the sender, not verified: asked too, and her answer is flagged for staff.
    await city.press(api.messages(701)[-1], "✉️ Répondre")
    await city.send("Environ 300 familles.")
    await bot.drain_outbox()
    last = api.messages(SECRETARIAT)[-1]["text"]
    assert "Environ 300 familles." in last and "⚠️ Envoyé par un compte que le Secrétariat" in last


async def test_someone_not_registered_gives_only_city_name_and_phone_and_is_flagged(
    bot: InProcessBot,
) -> None:
    person = bot.user(710, "fr")
    welcome = (await person.send("/start"))[-1]
    assert person.buttons(welcome)[0] == "🚨 Signaler une urgence"  # first, before registering
    reply = await person.press(welcome, "🚨 Signaler une urgence", expect=3)
    assert "votre ville, votre nom et un téléphone" in reply[0]["text"]
    assert "4 questions courtes" in reply[1]["text"]
    city, country, name, _function, phone, _email = REGISTRATION["fr"]
    for answer in (city, country, name):
        reply = await person.send(answer)
    reply = await person.send(phone)
    assert "Que s’est-il passé ?" in reply[-1]["text"]
    screen = (await person.press(reply[-1], "Séisme"))[-1]
    screen = (await person.press(screen, "Aujourd’hui"))[-1]
    screen = (await person.send("Plateau"))[-2]
    screen = (await person.press(screen, "Passer ⏭"))[-1]
    screen = (await person.send("Des immeubles se sont effondrés au Plateau ce matin."))[-1]
    screen = (await person.send("500"))[-1]
    await person.press(screen, "🚨 Envoyer maintenant")
    await bot.drain_outbox()
    _, card = alert_of(bot.api, SECRETARIAT)
    assert "Non vérifié" in card["text"] and "Awa Ndiaye" in card["text"]
    async with bot.sessions() as session:
        assert (await session.scalar(select(Dossier))).status == "reported"


async def test_photos_go_with_the_alert_and_the_presidency_may_reject(tmp_path: Path) -> None:
    api = BotAPIStandIn()
    for chat, title in (
        (SECRETARIAT, "Secrétariat"),
        (COMMISSION, "Commission"),
        (PRESIDENCY, "P"),
    ):
        api.add_group(chat, title)
    bot = InProcessBot(api, tmp_path, None, presidency_chat_id=PRESIDENCY)
    await bot.start()
    try:
        await official(bot.sessions, 730, "fr", "Awa Rasoa")
        city = bot.user(730, "fr")
        screen = (await city.send("/emergency"))[-1]
        screen = (await city.press(screen, "Incendie"))[-1]
        screen = (await city.press(screen, "Hier"))[-1]
        screen = (await city.send("Marché central"))[-2]
        screen = (await city.press(screen, "Passer ⏭"))[-1]
        screen = (await city.send("Le marché central a brûlé dans la nuit, 400 étals détruits."))[
            -1
        ]
        screen = (await city.send("3000"))[-1]
        async with bot.sessions() as session:
            dossier_id = (await session.scalar(select(Dossier))).id
        screen = (await city.press_data(screen, f"m:{dossier_id}:jump:photos"))[-1]
        screen = (await city.send_photo(b"\xff\xd8\xff\xe0 photo of the market"))[-1]
        await city.press(screen, "🚨 Envoyer maintenant")
        await bot.drain_outbox()
        (photo,) = [m for m in api.messages(SECRETARIAT) if "document" in m or "photo" in m]
        assert photo  # sent again by its Telegram file id

        await bot.add_staff(901, "secretariat", "fr", "Paul Martin")
        await bot.add_staff(951, "presidency", "fr", "Le Président")
        staff = bot.user(901, "fr", group=SECRETARIAT_GROUP)
        _, card = alert_of(api, SECRETARIAT)
        await staff.press(card, "✅ Prendre en compte", expect=0)
        await bot.drain_outbox()
        phases = (await staff.press(card, "💶 Proposer une aide"))[-1]
        await staff.press(phases, "Urgence")
        shown = await staff.send("20 000 EUR abris provisoires")
        assert "aide proposée, 20\u202f000\xa0€ (Urgence) pour abris provisoires" in shown.texts[-1]
        await staff.press(shown[-1], "📤 Envoyer")
        await bot.drain_outbox()
        (decision,) = api.messages(PRESIDENCY)
        group = {"id": PRESIDENCY, "type": "supergroup", "title": "P"}
        president = bot.user(951, "fr", group=group)
        asked = (await president.press(decision, "✖ Rejeter"))[-1]
        assert "Pourquoi" in asked["text"]
        shown = await president.send("Le fonds d’urgence est épuisé cette année.")
        assert "aucune aide" in shown.texts[-1]  # what the city will read
        await president.press(shown[-1], "📤 Envoyer")
        await bot.drain_outbox()
        _, card = alert_of(api, SECRETARIAT)
        assert "Refusée par Le Président" in card["text"]
        told = api.messages(730)[-1]["text"]
        assert "aucune aide" in told and "épuisé" in told
        async with bot.sessions() as session:
            assert (await session.get(Dossier, dossier_id)).status == "rejected"
    finally:
        await bot.close()
    check_clean(api)
