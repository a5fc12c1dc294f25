"""“▶ Fix what is missing” when the plan no longer balances (issue 16 §2): the answers that can
close the gap, a button each, instead of the Fund's amount again and again; after a change, the
changed section and the financing picture, not the whole review (given on demand)."""

import pytest

from storage.models import Dossier
from testkit.harness import InProcessBot
from testkit.seeds import CITY, complete_dossier

T = {
    "fr": {
        "gap": "Pour combler l’écart de 100 000 €",
        "city": "⬆ Augmenter la contribution de la ville",
        "partner": "➕ Ajouter un partenaire",
        "fund": "⬆ Augmenter le montant demandé au Fonds",
        "budget": "✏️ Modifier le budget (le coût total)",
        "review": "📋 Récapitulatif complet",
        "keep": "Conserver ✔",
        "fix": "▶ Compléter ce qui manque",
        "balanced": "Équilibre : les ressources égalent le coût total ✅",
        "applicant": "Demandeur",
    },
    "en": {
        "gap": "To close the gap of €100,000",
        "city": "⬆ Raise the city's contribution",
        "partner": "➕ Add a partner",
        "fund": "⬆ Raise the amount asked of the Fund",
        "budget": "✏️ Change the budget (the total cost)",
        "review": "📋 Whole review",
        "keep": "Keep ✔",
        "fix": "▶ Fix what is missing",
        "balanced": "Balance: the sources equal the total cost ✅",
        "applicant": "Applicant",
    },
    "ar": {
        "gap": "لسدّ الفارق البالغ",
        "city": "⬆ رفع مساهمة المدينة",
        "partner": "➕ إضافة شريك",
        "fund": "⬆ رفع المبلغ المطلوب من الصندوق",
        "budget": "✏️ تعديل الميزانية (التكلفة الإجمالية)",
        "review": "📋 المراجعة الكاملة",
        "keep": "الإبقاء ✔",
        "fix": "استكمال النواقص",
        "balanced": "التوازن: الموارد تساوي التكلفة الإجمالية ✅",
        "applicant": "الجهة المتقدمة",
    },
}


def plain(text: str) -> str:
    return text.replace("\u202f", " ").replace("\xa0", " ")


@pytest.mark.parametrize("language", ["fr", "en", "ar"])
async def test_a_gap_offers_every_answer_that_closes_it(app: InProcessBot, language: str) -> None:
    t = T[language]
    dossier_id = await complete_dossier(app, CITY, language)
    async with app.sessions() as session:  # the Fund's amount lowered: 100 000 € to find
        dossier = await session.get(Dossier, dossier_id)
        dossier.answers = {**dossier.answers, "fund_amount": "900000"}
        await session.commit()
    city = app.user(CITY, language)
    start = (await city.send("/start"))[-1]
    offered = (await city.press_data(start, f"m:{dossier_id}:fix:"))[-1]
    assert t["gap"] in plain(offered["text"])
    assert city.buttons(offered) == [
        t["city"], t["partner"], t["fund"], t["budget"], t["review"]
    ]  # fmt: skip

    asked = (await city.press(offered, t["city"]))[-1]
    kept = await city.press(asked, t["keep"])  # nothing changed: the picture, not the recap
    assert len(kept) == 1 and t["applicant"] not in kept.texts[0]
    assert kept.texts[0].startswith("❌ 6."), kept.texts[0]  # the section still to fix
    assert "100" in kept.texts[0] and t["review"] in city.buttons(kept[-1])
    again = (await city.press(kept[-1], t["fix"]))[-1]
    assert city.buttons(again) == city.buttons(offered)  # the choices again, not a loop

    asked = (await city.press(again, t["city"]))[-1]
    changed = await city.send("350000")
    assert len(changed) == 1 and t["applicant"] not in changed.texts[0]
    assert t["balanced"] in changed.texts[0]
    assert city.buttons(changed[-1])[1] == t["review"]
    whole = await city.press(changed[-1], t["review"])  # the whole review, on demand
    assert any(t["applicant"] in text for text in whole.texts)
