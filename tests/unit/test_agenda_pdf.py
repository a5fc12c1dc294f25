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
from testkit.agenda_facts import APRIL, AR_CITY, AR_TITLE, session_agenda
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


def test_the_budget_line_against_what_is_asked(made) -> None:
    agenda, data = made["fr"]
    text = flat("\n".join(pages(data)))
    # 10 × 800 000 € + (524 765 600 + 262 382 800) XOF at the peg (1 200 000 €) = 9 200 000 €
    assert agenda.asked == Decimal(9_200_000)
    assert "Budget de la session 10 000 000 €" in text
    assert "Demandé, compté sur le budget 9 200 000 € (92 %)" in text
    assert "Reste : 800 000 €" in text
    assert "Non compté (pas de taux fixe avec EUR) : USD 56 000 $US · 1 dossier" in text

    over = replace(agenda, budget=Budget(Decimal(9_000_000), "EUR"))
    i18n = build_i18n("fr")
    with i18n.context(), i18n.use_locale("fr"):
        tight = flat("\n".join(pages(agenda_pdf(over, TODAY))))
    assert "Dépassement du budget de 200 000 €." in tight and "Reste" not in tight
    empty = build_agenda(APRIL, None, [])
    with i18n.context(), i18n.use_locale("fr"):
        nothing = flat("\n".join(pages(agenda_pdf(empty, TODAY))))
    assert "Aucun dossier n’est encore inscrit" in nothing
    assert "Pas encore de budget pour cette session." in nothing
    assert agenda_pdf_name(agenda) == "agenda-2027-04-28.pdf"


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
