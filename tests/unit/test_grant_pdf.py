"""The convention's and the reports' PDFs, read back with pypdf: each made once per language.
The convention states the parties, the project, the amount granted and its share of the total
cost, the city's contribution and the partners, each tranche with its amount and condition, the
reporting calendar and the results framework's targets, amounts as that language writes them; a
report states each indicator's value against its target (with the share), women and men, the
spending against the budget, the narrative, the photos and what was returned. Arabic is shaped
(no presentation forms) and every character is a real glyph of the embedded fonts."""

from datetime import date
from decimal import Decimal

import pytest

from bot.documents.convention import convention_pdf, convention_pdf_name
from bot.documents.report import report_pdf, report_pdf_name
from bot.domain.dates import format_long
from bot.domain.numbers import format_money, format_number
from bot.telegram.i18n import build_i18n
from testkit.factories import AR_CONTEXT, AR_TITLE, REFERENCE
from testkit.grant_facts import (
    AR_INDICATOR,
    FR_INDICATOR,
    GRANT,
    aid_case,
    convention_for,
    report_case,
)
from testkit.pdf_kit import PRESENTATION_FORMS, embedded_glyphs, flat, found, pages, words_of

LANGUAGES = ("fr", "en", "ar")
TODAY = date(2027, 9, 20)


@pytest.fixture(scope="module")
def made() -> dict[tuple[str, str], bytes]:
    """The convention, a returned progress report and an aid's report, per language."""
    i18n = build_i18n("fr")
    out = {}
    for language in LANGUAGES:
        with i18n.context(), i18n.use_locale(language):
            out["convention", language] = convention_pdf(convention_for(language))
            out["report", language] = report_pdf(report_case(language, "report_returned"), TODAY)
            out["aid", language] = report_pdf(aid_case(language), TODAY)
    return out


def text_of(data: bytes) -> str:
    return "\n".join(pages(data))


def money(amount: str, language: str) -> str:
    return format_money(Decimal(amount), "EUR", language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_convention_states_the_grant_and_how_it_is_paid(made, language: str) -> None:
    text, rtl = text_of(made["convention", language]), language == "ar"
    expected = [
        REFERENCE,
        "Dakar" if not rtl else "داكار",
        AR_TITLE if rtl else "Solar street lighting in Medina",
        "Barthélémy Dias" if not rtl else "خالد بن سعيد",
        money(str(GRANT), language),  # the amount granted
        money("1250000", language),  # the total cost
        money("125000", language),  # the city's contribution, and Lyon's
        "Ville de Lyon",
        # each tranche: 50, 40 and 10 % of the grant, the last one the remainder
        money("475000", language), money("380000", language), money("95000", language),
        format_long(date(2027, 9, 15), language),  # progress report 1 due
        format_long(date(2028, 3, 15), language),  # progress report 2 due
        format_long(date(2028, 9, 15), language),  # the end, the final report
    ]  # fmt: skip
    missing = [e for e in expected if not found(e, text, rtl, cell=True)]
    assert not missing, missing
    numbers = [format_number(n, language) for n in (950000, 475000, 380000, 95000)]
    assert all(flat(n) in flat(text) for n in numbers), numbers  # each whole, any direction
    words = {
        "fr": ["Convention de financement du Fonds de coopération", "76 %",
               "À l’acceptation de cette convention", "À l’approbation du rapport d’étape 1",
               "À l’approbation du rapport final", "Nous acceptons la convention", "version 1",
               "Reste à financer"],
        "en": ["Grant agreement of the Cooperation Fund", "76%",
               "When this convention is accepted", "When progress report 1 is approved",
               "When the final report is approved", "We accept the convention"],
        "ar": ["اتفاقية منحة صندوق التعاون", "عند قبول هذه الاتفاقية",
               "عند الموافقة على التقرير المرحلي 1", "عند الموافقة على التقرير النهائي",
               "نقبل الاتفاقية"],
    }[language]  # fmt: skip
    assert not [w for w in words if not found(w, text, rtl, cell=True)], words
    assert "✅" not in text and "□" not in text  # no emoji the font would draw as a box


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_convention_states_the_framework_targets(made, language: str) -> None:
    text, rtl = text_of(made["convention", language]), language == "ar"
    unit = "أسرة" if rtl else "ménages"
    target = f"{format_number(1200, language)}\u00a0{unit}"
    assert found(target, text, rtl, cell=True), target
    assert found(AR_INDICATOR if rtl else FR_INDICATOR, text, rtl, cell=True)
    women = {"fr": "femmes 650, hommes 550", "en": "women 650, men 550",
             "ar": "النساء 650، الرجال 550"}[language]  # fmt: skip
    assert found(women, text, rtl, cell=True)
    assert found(f"{format_number(1200, language)}\u00a0households", text, rtl, cell=True)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_report_reads_against_the_targets(made, language: str) -> None:
    text, rtl = text_of(made["report", language]), language == "ar"
    unit = "أسرة" if rtl else "ménages"
    share = {"fr": "75 %", "en": "75%", "ar": "75%"}[language]
    expected = [
        f"900\u00a0{unit}", f"{format_number(1200, language)}\u00a0{unit}", share,
        "400\u00a0households",  # the last report's value
        money("640000", language), money("1000000", language), money("80000", language),
        "chantier-1.jpg", "d4" * 32, "14.69370, -17.44410",
        "Les chiffres des femmes sont à vérifier.",
    ]  # fmt: skip
    missing = [e for e in expected if not found(e, text, rtl, cell=True)]
    assert not missing, missing
    titles = {"fr": ["Rapport d’étape 1", "Renvoyé pour révision", "Avancement"],
              "en": ["Progress report 1", "Returned for revision", "Progress"],
              "ar": ["التقرير المرحلي 1", "أُعيد للمراجعة"]}[language]  # fmt: skip
    assert all(found(t, text, rtl, cell=True) for t in titles), titles
    if rtl:
        assert words_of(AR_CONTEXT * 6) in words_of(text)


def test_the_aid_report_states_its_uses_against_the_aid(made) -> None:
    text = flat(text_of(made["aid", "fr"]))
    used = "Aide accordée : 50 000 € ; utilisée : 45 000 € (90 %)"
    for expected in ("Rapport sur l’utilisation de l’aide d’urgence", "FU-2027-0003", "Tentes",
                     "30 000 €", "45 000 €", used, "abris.jpg"):  # fmt: skip
        assert flat(expected) in text, expected
    assert found("خيام للأسر المهجرة", text_of(made["aid", "ar"]), True, cell=True)


@pytest.mark.parametrize("document", ["convention", "report"])
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_reference_and_the_number_on_every_page(made, document, language) -> None:
    texts = pages(made[document, language])
    assert len(texts) >= 2
    for number, text in enumerate(texts, 1):
        assert REFERENCE in text, number
        page = {"fr": "Page {}", "en": "Page {}", "ar": "الصفحة {}"}[language].format(number)
        assert page in text or f"{number} الصفحة" in text, (number, text[-80:])


@pytest.mark.parametrize("document", ["convention", "report", "aid"])
def test_arabic_is_shaped_and_every_character_a_real_glyph(made, document) -> None:
    data = made[document, "ar"]
    assert not PRESENTATION_FORMS.search(text_of(data))
    drawn = embedded_glyphs(data)
    assert all(drawn.values()), [ch for ch, real in drawn.items() if not real]
    assert {ch for ch in drawn if "\u0600" <= ch <= "\u06ff"} >= set("الاتفاقيةمنح")


def test_file_names() -> None:
    assert convention_pdf_name(convention_for("fr", version=2)) == (
        "FC-2026-0042-convention-v2.pdf"
    )
    assert report_pdf_name(report_case("fr")) == "FC-2026-0042-progress-1.pdf"
    assert report_pdf_name(aid_case("fr")) == "FU-2027-0003-aid.pdf"
