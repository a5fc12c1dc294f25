"""A dossier the Secretariat sent back for changes, from the city's side (issue 16 §3, §4): it
can be withdrawn, never deleted, and a forged delete says so."""

import pytest

from storage.models import Account, Dossier, StatusChange
from tests.harness import InProcessBot
from tests.seeds import CITY, complete_dossier

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
