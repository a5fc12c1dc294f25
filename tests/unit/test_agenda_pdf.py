"""A Bureau session's agenda as a PDF, read back with pypdf, in French and in Arabic (each made
once): every dossier's reference and amounts as that language writes them, the totals, the
budget line, the session on every page, Arabic text as typed and drawn with real glyphs."""

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from bot.documents.agenda import agenda_pdf, agenda_pdf_name, agenda_reference
from bot.domain.agenda import Agenda, Budget, build_agenda
from bot.domain.dates import format_long
from bot.domain.numbers import format_money, format_share
from bot.telegram.i18n import build_i18n
from testkit.agenda_facts import APRIL, AR_CITY, AR_TITLE, facts, session_agenda
from testkit.pdf_kit import PRESENTATION_FORMS, embedded_glyphs, flat, found, pages, words_of

TODAY = date(2026, 12, 2)


@pytest.fixture(scope="module")
def made() -> dict[str, tuple[Agenda, bytes]]:
    i18n = build_i18n("fr")
    agenda = session_agenda()
    out = {}
    for language in ("fr", "en", "ar"):
        with i18n.context(), i18n.use_locale(language):
            out[language] = agenda, agenda_pdf(agenda, TODAY)
    return out


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_every_dossier_with_its_amounts_as_the_language_writes_them(made, language) -> None:
    agenda, data = made[language]
    text, rtl = "\n".join(pages(data)), language == "ar"
    assert len(agenda.items) == 13
    missing = []
    for d in agenda.items:
        plan = d.plan
        expected = [d.reference, format_money(plan.fund, d.currency, language)]
        expected.append(format_share(plan.fund / plan.total, language))
        if d.status == "approved":
            expected.append(format_money(d.granted, d.currency, language))
        missing += [e for e in expected if not found(e, text, rtl, cell=True)]
    for currency, total in agenda.by_currency.items():  # the totals per currency
        if not found(asked := format_money(total.asked, currency, language), text, rtl, True):
            missing.append(asked)
    assert not missing, missing
    assert "FC-2027-0014" not in text  # withdrawn: not on the agenda
    assert agenda_reference(agenda) in text  # the document's own reference, on its cover
    if language == "fr":
        assert "7 200 000 €" in flat(text)  # 9 EUR dossiers of 800 000 €
        assert "Approuvé" in text and "Rejeté" in text and "Marchés" in text
        assert "Dernier jour d’envoi des dossiers" in text and "1 mars 2027" in flat(text)


def budget_text(agenda: Agenda, language: str) -> str:
    i18n = build_i18n("fr")
    with i18n.context(), i18n.use_locale(language):
        return flat("\n".join(pages(agenda_pdf(agenda, TODAY))))


def test_the_budget_while_the_bureau_decides(made) -> None:
    """Some dossiers decided, some waiting: what was granted (approved only), what the waiting
    ones ask, and what would remain if they got it."""
    agenda, data = made["fr"]
    text = flat("\n".join(pages(data)))
    # 10 × 800 000 € + (524 765 600 + 262 382 800) XOF at the peg (1 200 000 €) = 9 200 000 €
    assert agenda.asked == Decimal(9_200_000)
    assert "Budget de la session 10 000 000 €" in text
    assert "Demandé, compté sur le budget 9 200 000 € (92 %)" in text
    assert "Accordé par le Bureau (dossiers approuvés) 650 000 € (6,5 %)" in text
    # waiting: 9 × 800 000 € and 262 382 800 XOF (400 000 €); the rejected one counts for nothing
    assert "Demandé par les dossiers en attente de la décision du Bureau 7 600 000 €" in text
    assert "Reste si les dossiers en attente obtiennent ce qu’ils demandent : 1 750 000 €" in text
    assert "Non compté (pas de taux fixe avec EUR) : USD 56 000 $US · 1 dossier" in text

    tight = budget_text(replace(agenda, budget=Budget(Decimal(8_000_000), "EUR")), "fr")
    assert "Dépassement du budget de 250 000 € si les dossiers en attente" in tight
    assert "Reste" not in tight
    empty = build_agenda(APRIL, None, [])
    nothing = budget_text(empty, "fr")
    assert "Aucun dossier n’est encore inscrit" in nothing
    assert "Pas encore de budget pour cette session." in nothing
    assert agenda_pdf_name(agenda) == "agenda-2027-04-28.pdf"


BEFORE = {
    "fr": [
        "Demandé, en attente de la décision du Bureau 2 400 000 € (80 %)",
        "Reste avant les décisions du Bureau (budget moins les montants demandés) : 600 000 €",
    ],
    "en": [
        "Asked, awaiting the Bureau's decision €2,400,000 (80%)",
        "Remaining before the Bureau's decisions (budget less the amounts asked): €600,000",
    ],
    "ar": ["المطلوب، في انتظار قرار المكتب", "المتبقي قبل قرارات المكتب", "600"],
}
AFTER = {
    "fr": [
        "Accordé par le Bureau (dossiers approuvés) 500 000 € (16,7 %)",
        "Reste après les décisions du Bureau (budget moins les montants accordés) : 2 500 000 €",
    ],
    "en": [
        "Granted by the Bureau (approved dossiers) €500,000 (16.7%)",
        "Remaining after the Bureau's decisions (budget less the amounts granted): €2,500,000",
    ],
    "ar": ["الممنوح من المكتب (الملفات المقبولة)", "المتبقي بعد قرارات المكتب", "2500000"],
}


@pytest.mark.parametrize("language", ["fr", "en", "ar"])
def test_the_budget_before_and_after_the_bureau_decides(language: str) -> None:
    """Before the decisions, the amounts asked against the budget, said so; after them, the
    budget less what was granted: a dossier granted less, rejected or deferred takes no more."""
    budget = Budget(Decimal(3_000_000), "EUR")
    waiting = [facts(n) for n in (1, 2, 3)]
    before = budget_text(build_agenda(APRIL, budget, waiting), language)
    decided = [facts(1, "approved", granted=500_000), facts(2, "rejected"), facts(3, "deferred")]
    after = budget_text(build_agenda(APRIL, budget, decided), language)
    for expected in BEFORE[language]:
        assert found(expected, before, language == "ar"), (expected, before[-600:])
    for expected in AFTER[language]:
        assert found(expected, after, language == "ar"), (expected, after[-600:])
    over = build_agenda(APRIL, Budget(Decimal(2_000_000), "EUR"), waiting)
    exceeded = {"fr": "Les montants demandés dépassent le budget de 400 000 €.",
                "en": "The amounts asked exceed the budget by €400,000.",
                "ar": "تتجاوز المبالغ المطلوبة الميزانية بمقدار"}  # fmt: skip
    assert found(exceeded[language], budget_text(over, language), language == "ar")


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_the_session_and_the_page_number_on_every_page(made, language) -> None:
    texts = pages(made[language][1])
    assert len(texts) >= 2
    day = format_long(APRIL.held_on, language)
    session = {"fr": "Ordre du jour de la session du Bureau du {}", "ar": "بتاريخ {}"}
    for number, text in enumerate(texts, 1):
        footer = flat(text.rsplit("\n", 1)[-1])
        assert found(session[language].format(day), footer, language == "ar"), (number, footer)
        assert "Paris" in footer
        page = {"fr": "Page {}", "ar": "الصفحة {}"}[language].format(number)
        assert page in footer or f"{number} الصفحة" in footer, footer


def test_arabic_is_shaped_yet_reads_as_typed_with_real_glyphs(made) -> None:
    _agenda, data = made["ar"]
    text = "\n".join(pages(data))
    assert not PRESENTATION_FORMS.search(text), "presentation forms instead of the letters"
    for typed in (AR_TITLE, AR_CITY, "جدول أعمال دورة المكتب", "الميزانية", "حسب القطاع"):
        assert words_of(typed) in words_of(text), typed
    assert "Dakar" in text and "FC-2027-0001" in text  # Latin in the Arabic document
    drawn = embedded_glyphs(data)
    assert all(drawn.values()), [ch for ch, real in drawn.items() if not real]
    assert set(AR_TITLE.replace(" ", "")) <= set(drawn)


@pytest.mark.parametrize("language", ["fr", "en", "ar"])
def test_an_amount_and_a_row_are_never_cut(made, language) -> None:
    """ "524 765 600 F / CFA" was cut over two lines, and a dossier's row over two pages: each
    amount is whole on one line, each row whole on one page, in every language."""
    agenda, data = made[language]
    texts = pages(data)
    for d in agenda.items:
        asked = format_money(d.plan.fund, d.currency, language)
        (page,) = [text for text in texts if d.reference in text]  # the row on one page
        lines = page.split("\n")
        assert any(found(asked, line, language == "ar") for line in lines), (d.reference, asked)
    if language == "en":
        assert "F CFA 524,765,600" in flat("\n".join(texts))  # the symbol apart from the number


@pytest.mark.parametrize("language", ["fr", "en", "ar"])
def test_the_budget_block_stays_on_the_page_it_starts_on(made, language) -> None:
    """The budget's lines and what remains were split over two pages: the block moves whole."""
    _agenda, data = made[language]
    first = {"fr": "Budget de la session", "en": "Budget of the session", "ar": "ميزانية الدورة"}
    last = {"fr": "Reste", "en": "Remaining", "ar": "المتبقي"}
    (page,) = [text for text in pages(data) if first[language] in text]
    assert last[language] in page
