"""A city's dossiers after submission, from the city's side (issue 16 §3, §4, §7): one sent back
for changes can be withdrawn, never deleted, a forged delete says so, and the Secretariat's
request stands above it until it is sent again; a message typed outside any question is offered
to the Secretariat about one of the city's dossiers."""

import pytest

from storage.models import Account, Dossier, StatusChange
from testkit.harness import SECRETARIAT, InProcessBot
from testkit.seeds import CITY, complete_dossier, submitted

pytestmark = pytest.mark.parametrize("language", ["fr", "en", "ar"])

REQUEST = "Joignez le devis signé de l’entreprise."
NOT_A_DRAFT = {
    "fr": "n’est plus un brouillon (« Modifications demandées ») : il ne peut pas être supprimé.",
    "en": "is no longer a draft (“Changes requested”): it cannot be deleted.",
    "ar": "لم يعد مسودة («طُلبت تعديلات»)، فلا يمكن حذفه.",
}
WITHDRAW = {"fr": "↩ Retirer le dossier", "en": "↩ Withdraw the dossier", "ar": "↩ سحب الملف"}
DELETE = {"fr": "🗑 Supprimer", "en": "🗑 Delete", "ar": "🗑"}


async def changes_requested(app: InProcessBot, language: str) -> int:
    """Dakar's complete dossier, submitted, then sent back with the Secretariat's request."""
    dossier_id = await complete_dossier(app, CITY, language)
    async with app.sessions() as session:
        dossier = await session.get(Dossier, dossier_id)
        dossier.status, dossier.reference = "changes_requested", "FC-2026-0042"
        for source, target, reason in (
            ("submitted", "in_review", None),
            ("in_review", "changes_requested", REQUEST),
        ):
            change = StatusChange(dossier_id=dossier_id, from_status=source, to_status=target)
            change.by_user, change.reason = 603, reason
            session.add(change)
        await session.commit()
    return dossier_id


async def test_a_dossier_sent_back_offers_withdrawal_never_deletion(
    app: InProcessBot, language: str
) -> None:
    dossier_id = await changes_requested(app, language)
    city = app.user(CITY, language)
    shown = await city.press_data((await city.send("/start"))[-1], f"m:{dossier_id}:sections:")
    buttons = city.buttons(shown[-1])
    assert WITHDRAW[language] in buttons
    assert not [b for b in buttons if b.startswith("🗑")]

    for forged in ("delete", "delete_ok"):
        refused = await city.press_data(shown[-1], f"m:{dossier_id}:{forged}:")
        assert NOT_A_DRAFT[language] in refused.texts[-1], refused.texts
        assert city.buttons(refused[-1]) == [WITHDRAW[language]]
    assert (await app.dossier(dossier_id)).status == "changes_requested"

    asked = await city.press(refused[-1], WITHDRAW[language])
    await city.press(asked[-1], asked[-1]["reply_markup"]["inline_keyboard"][0][0]["text"])
    assert (await app.dossier(dossier_id)).status == "withdrawn"


REQUEST_HEADING = {
    "fr": "✏️ Le Secrétariat demande des modifications",
    "en": "✏️ The Secretariat asks for changes",
    "ar": "✏️ تطلب الأمانة تعديلات",
}


async def test_the_secretariats_request_tops_the_dossier_until_it_is_sent_again(
    app: InProcessBot, language: str
) -> None:
    dossier_id = await changes_requested(app, language)
    async with app.sessions() as session:
        (await session.get(Account, CITY)).verification = "verified"
        await session.commit()
    city = app.user(CITY, language)
    start = (await city.send("/start"))[-1]
    for action in ("edit", "open", "review", "sections"):
        shown = await city.press_data(start, f"m:{dossier_id}:{action}:")
        assert shown.texts[0].startswith(REQUEST_HEADING[language]), (action, shown.texts[0])
        assert REQUEST in shown.texts[0]
    edited = await city.press_data(start, f"m:{dossier_id}:edit:")
    assert WITHDRAW[language] in city.buttons(edited[-1])  # the sections, to change answers

    sent = await city.press_data(start, f"m:{dossier_id}:submit_ok:")
    assert "FC-2026-0042" in sent.texts[-1]
    assert (await app.dossier(dossier_id)).status == "in_review"
    for action in ("open", "review", "edit"):
        shown = await city.press_data(start, f"m:{dossier_id}:{action}:")
        assert not any(REQUEST_HEADING[language] in text for text in shown.texts), action


OFFER = {
    "fr": "Dois-je envoyer ce message au Secrétariat permanent ?",
    "en": "Shall I send this message to the Permanent Secretariat?",
    "ar": "هل نرسل هذه الرسالة إلى الأمانة الدائمة؟",
}
SENT = {"fr": "✔ Message envoyé.", "en": "✔ Message sent.", "ar": "✔"}


async def test_free_text_from_a_city_is_offered_to_the_secretariat(
    app: InProcessBot, language: str
) -> None:
    """ "Where is our dossier?" typed outside any question: offered to the Secretariat about
    one of the city's dossiers (issue 16 §7), never "I did not expect this message" alone."""
    await submitted(app)
    async with app.sessions() as session:
        (await session.get(Account, CITY)).language = language
        await session.commit()
    city = app.user(CITY, language)
    before = len(app.api.messages(SECRETARIAT))
    asked = await city.send("Où en est notre dossier d’éclairage ?")
    assert OFFER[language] in asked.texts[-1] and "/status" in asked.texts[-1]
    (button,) = city.buttons(asked[-1])
    assert button.startswith("✉️ FC-2026-0042")
    sent = await city.press(asked[-1], button)
    assert sent.texts[-1].startswith(SENT[language])
    await app.drain_outbox()
    told = [m.get("text", "") for m in app.api.messages(SECRETARIAT)[before:]]
    assert any("Où en est notre dossier d’éclairage ?" in text for text in told), told
    again = await city.press(asked[-1], button)  # pressed twice: the message is asked for
    assert "FC-2026-0042" in again.texts[-1] and len(app.api.messages(SECRETARIAT)) == before + 1
