"""The Secretariat's review end to end: an Arabic-speaking city, an English-speaking staff member
acting in the French-speaking Secretariat's chat, from submission to the Bureau's grant."""

import asyncio
import re

from sqlalchemy import select

from storage.models import Dossier, StatusChange
from testkit.driver import Applicant, submit, wait_for_card
from testkit.harness import SECRETARIAT, SECRETARIAT_GROUP, RunningBot

ARABIC = re.compile(r"[\u0600-\u06ff]")


def the_card(api) -> dict:
    """The dossier's one card in the Secretariat's chat, as it reads now (edited in place)."""
    (card,) = [m for m in api.messages(SECRETARIAT) if m["text"].startswith(("📥", "🔁 Dossier"))]
    return card


async def said_anew(api, text: str) -> dict:
    """A new message (not the card) in the Secretariat's chat saying `text`, once delivered."""
    for _ in range(200):
        for message in api.messages(SECRETARIAT):
            if text in message["text"]:
                return message
        await asyncio.sleep(0.02)
    raise AssertionError(f"nothing new said {text!r}")


async def card_saying(api, text: str) -> dict:
    """The card once its latest edit says `text` (the outbox delivers in the background)."""
    for _ in range(200):
        card = the_card(api)
        if text in card["text"]:
            return card
        await asyncio.sleep(0.02)
    raise AssertionError(f"the card never said {text!r}: {the_card(api)['text']}")


async def press_on_card(running: RunningBot, staff, label: str):
    return await staff.press(the_card(running.api), label)


async def test_a_dossier_from_submission_to_the_bureaus_grant(running: RunningBot) -> None:
    api = running.api
    city = running.user(700, language_code="ar", first_name="Layla")
    applicant = Applicant(city, "ar")
    confirmation = await submit(applicant)
    assert "FC-" in confirmation
    card = await wait_for_card(api)
    assert "Nouveau dossier" in card["text"]  # the chat's language, French
    told_from = len(api.messages(700))

    await running.add_staff(900, "secretariat", "en", "John Smith")
    staff = running.user(900, language_code="en", first_name="John", group=SECRETARIAT_GROUP)
    await press_on_card(running, staff, "🔎 Commencer l’examen")
    card = await card_saying(api, "Statut : En cours d’examen")
    assert "John Smith" in card["text"] and card["text"].startswith("📥 Dossier FC-")

    asked = await press_on_card(running, staff, "✏️ Demander des modifications")
    assert asked.texts[-1].startswith("Que faut-il changer dans FC-")  # the chat's language
    shown = await staff.send("Précisez le quartier et le titre exact du projet.")
    assert "Précisez le quartier" in shown.texts[-1]  # the city's words, before they go
    assert "Ce que 1 responsable lira, en العربية :" in shown.texts[-1]
    await staff.press(shown[-1], "📤 Envoyer")
    await card_saying(api, "Statut : Modifications demandées")

    # The city edits two answers and submits again.
    dossier_id = (
        int(applicant.last["reply_markup"]["inline_keyboard"][0][0]["callback_data"].split(":")[1])
        if False
        else None
    )
    async with running.sessions() as session:
        dossier = await session.scalar(select(Dossier))
        dossier_id = dossier.id
    await city.send("/dossiers")
    await city.press_data(city.chat_messages()[-1], f"m:{dossier_id}:jump:title")
    await city.send("إنارة شمسية لحي المدينة القديمة")
    await city.press_data(city.chat_messages()[-1], f"m:{dossier_id}:jump:district")
    await city.send("المدينة القديمة")
    review = city.chat_messages()[-1]
    await city.press_data(review, f"m:{dossier_id}:submit:")
    await city.press_data(city.chat_messages()[-1], f"m:{dossier_id}:submit_ok:")
    card = await card_saying(api, "soumis de nouveau")
    assert "2 réponses ont changé depuis la dernière soumission" in card["text"]
    assert "→ إنارة شمسية لحي المدينة القديمة" in card["text"]
    assert card["text"].count("\n• ") == 2
    news = await said_anew(api, "a soumis à nouveau le dossier")  # notified: a new message
    assert "2 réponses ont changé" in news["text"] and "Modifications demandées →" in news["text"]

    await press_on_card(running, staff, "✅ Éligible")
    await card_saying(api, "Statut : Éligible")
    await staff.send("/sessions add 2027-04-28 2027-03-01 Paris")
    picker = await press_on_card(running, staff, "📅 Inscrire à une session du Bureau")
    await staff.press(picker[-1], "Paris")
    await card_saying(api, "Session du Bureau : 28 avril 2027")

    asked = await press_on_card(running, staff, "🏅 Approuvé par le Bureau")
    assert asked.texts[-1].startswith("Montant accordé par le Bureau pour FC-")
    shown = await staff.send("900 000")
    assert "900\u202f000\xa0€" in shown.texts[-1] and "منح المكتب" in shown.texts[-1]
    await staff.press(shown[-1], "📤 Envoyer")
    card = await card_saying(api, "Statut : Approuvé")
    assert "Statut : Approuvé" in card["text"] and "Accordé : 900\u202f000\xa0€" in card["text"]

    async with running.sessions() as session:
        dossier = await session.get(Dossier, dossier_id)
        assert dossier.status == "approved" and dossier.granted_amount == "900000"
        assert dossier.answers["district"] == "المدينة القديمة"
        steps = [c.to_status for c in await session.scalars(select(StatusChange))]
    assert steps == [
        "submitted", "in_review", "changes_requested", "in_review", "eligible", "scheduled",
        "approved",
    ]  # fmt: skip

    # Every message the city received since its submission is in Arabic, the last one the grant.
    told = api.messages(700)[told_from:]
    assert told and all(ARABIC.search(m["text"]) for m in told)
    assert "Dossier" not in " ".join(m["text"] for m in told)
    assert "منح المكتب" in told[-1]["text"]
    status = await city.send("/status")
    assert "FC-2026-0001" in status.texts[0]
    assert "الخطوة التالية: تُعِدّ الأمانة اتفاقية المنحة؛ وستتلقونها هنا لقبولها." in status.texts[0]
    history = await city.press(status[-1], "📂 FC-2026-0001")
    whole = "\n".join(history.texts)
    assert whole.count("John Smith") >= 5 and "Précisez le quartier" in whole  # the history
