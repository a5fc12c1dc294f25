"""The dossier as a PDF, read back: a full dossier in French, English and Arabic, each made once.

Text is extracted with pypdf; every answer must be in it, amounts as that language writes them,
the reference on every page. For Arabic: the answers as typed (joined letters drawn from the
font's contextual glyphs, yet the text is the plain letters, no presentation forms), and every
character drawn with a real glyph of the embedded fonts (checked with fontTools).
"""

import re
import shutil
import subprocess
from datetime import date
from decimal import Decimal
from pathlib import Path
from unittest import mock

import pytest
from PIL import Image

from bot.documents.dossier import dossier_pdf, pdf_name
from bot.documents.pdf import MUTED, TEXT, PdfDocument, Style, printable
from bot.domain.countries import country_name
from bot.domain.dates import format_long
from bot.domain.forms import ATTACHMENTS, Kind
from bot.domain.fund_form import FUND_FORM
from bot.domain.numbers import format_money, format_number
from bot.domain.phones import format_phone
from bot.domain.review import Case
from bot.domain.rules import FundingRules
from bot.telegram.i18n import build_i18n
from testkit.factories import (
    AR_CONTEXT,
    AR_TITLE,
    LONG_FR,
    MARKUP,
    REFERENCE,
    full_case,
)
from testkit.pdf_kit import (
    PRESENTATION_FORMS,
    embedded_glyphs,
    flat,
    found,
    pages,
    words_of,
)

ARABIC = re.compile("[\u0600-\u06ff]")
BREAKING = re.compile(r"[^\S\u00a0\u2007\u202f]+")  # white space but the no-break kinds


def words(text: str) -> list[str]:
    """Words between breaking spaces (an amount with its no-break spaces is one)."""
    return [word for word in BREAKING.split(text) if word]


@pytest.fixture(scope="module")
def i18n():
    return build_i18n("fr")


DRAWN: dict[str, set[str]] = {}  # every character given to the PDF to draw, per language
LINES: dict[str, list[tuple[str, Style]]] = {}  # every line drawn, with its style
WRAPPED: dict[str, list[tuple[str, list[str]]]] = {}  # every text wrapped, and its lines


@pytest.fixture(scope="module")
def made(i18n) -> dict[str, tuple[Case, bytes]]:
    """One PDF per language, made once for the module (noting every text it draws)."""
    out = {}
    line, wrap = PdfDocument._line, PdfDocument.wrap
    for language in ("fr", "en", "ar"):
        case = full_case(language)
        DRAWN[language] = used = set()
        LINES[language] = drawn = []
        WRAPPED[language] = wrapped = []

        def noting(self, x, y, width, text, style, align, used=used, drawn=drawn):
            used.update(text)
            drawn.append((text, style))
            return line(self, x, y, width, text, style, align)

        def wrapping(self, text, width, style, wrapped=wrapped):
            lines = wrap(self, text, width, style)
            wrapped.append((text, lines))
            return lines

        spy = mock.patch.object(PdfDocument, "_line", noting)
        spy_wrap = mock.patch.object(PdfDocument, "wrap", wrapping)
        with spy, spy_wrap, i18n.context(), i18n.use_locale(language):
            out[language] = case, dossier_pdf(case, FundingRules(), date(2026, 12, 2))
    return out


def body(data: bytes) -> str:
    """The text of every page without its footer (the last line drawn), so that an answer
    that goes on over the next page reads on."""
    return "\n".join(text.rsplit("\n", 1)[0] for text in pages(data))


def shown(question, value, language: str, i18n, currency: str) -> str:
    """An answer as the reader must find it, formatted here from its kind."""
    gettext = i18n.gettext
    kind = question.kind
    if kind == Kind.CHOICE:
        return gettext(question.choice_label(value), locale=language)
    if kind == Kind.YES_NO:
        return gettext("Yes" if value else "No", locale=language)
    if kind == Kind.WHOLE:
        return format_number(value, language)
    if kind == Kind.MONEY:
        return format_money(Decimal(value), currency, language)
    if kind == Kind.DATE:
        return format_long(date.fromisoformat(value), language)
    if kind == Kind.COUNTRY:
        return country_name(value, language)
    if kind == Kind.PHONE:
        return format_phone(value)
    return str(value)


@pytest.mark.parametrize("language", ["fr", "en", "ar"])
def test_every_answer_is_in_the_pdf(made, i18n, language: str) -> None:
    case, data = made[language]
    text = body(data)
    answers, rtl = case.record.answers, language == "ar"
    expected, cells = [], []
    for question in FUND_FORM.visible_questions(answers):
        value = answers.get(question.key)
        if question.kind in ATTACHMENTS or value is None or question.kind == Kind.LOCATION:
            continue
        if question.kind == Kind.LIST:
            for item in value:
                for field in question.fields:
                    if field.key in item and field.kind != Kind.YES_NO:
                        cells.append(shown(field, item[field.key], language, i18n, "EUR"))
            continue
        expected.append(shown(question, value, language, i18n, "EUR"))
    for info in case.record.files:
        expected += [info.name, info.sha256]
    missing = [e for e in expected if not found(e, text, rtl)]
    missing += [e for e in cells if not found(e, text, rtl, cell=True)]
    assert not missing, missing
    assert len(expected) > 30 and len(cells) > 40


def test_amounts_as_each_language_writes_them(made) -> None:
    fr, en, ar = ("\n".join(pages(made[language][1])) for language in ("fr", "en", "ar"))
    assert found("1 250 000 €", fr, False) and "€1,250,000" not in fr
    assert found("€1,250,000", en, False) and "1 250 000" not in flat(en)
    assert found("\u200f1,250,000\xa0€", ar, True) and "1 250 000" not in flat(ar)
    assert found("Total cost €1,250,000", en, False)  # the financing table's total
    assert found("80 %", fr, False) and found("10 %", fr, False)  # shares, French spacing
    assert "The Fund pays at most 80% of the total cost: holds" in flat(en)
    assert "Coût total" in fr and "التكلفة الإجمالية" in ar


@pytest.mark.parametrize("language", ["fr", "en", "ar"])
def test_the_reference_and_the_number_on_every_page(made, language: str) -> None:
    texts = pages(made[language][1])
    assert len(texts) >= 3
    for number, text in enumerate(texts, 1):
        assert REFERENCE in text, number
        page = {"fr": "Page {}", "en": "Page {}", "ar": "الصفحة {}"}[language].format(number)
        assert page in text or f"{number} الصفحة" in text, (number, text[-80:])


def test_arabic_is_shaped_yet_reads_as_typed(made) -> None:
    _case, data = made["ar"]
    text = body(data)
    assert not PRESENTATION_FORMS.search(text), "presentation forms instead of the letters"
    typed_in = (AR_TITLE, AR_CONTEXT * 15, "المدينة القديمة", "خالد بن سعيد")
    labels = ("الإنارة العمومية الشمسية", "قيد الدراسة", "قائمة التحقق من الاكتمال")
    for typed in typed_in + labels:
        assert words_of(typed) in words_of(text), typed
    assert "Partenariat avec la Ville de Lyon" in text and "شراكة مع مدينة ليون" in text
    assert "Dakar" in text and "awa@dakar.sn" in text  # Latin answers in the Arabic document


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_the_embedded_fonts_draw_every_character(made, language: str) -> None:
    case, data = made[language]
    drawn = embedded_glyphs(data)
    assert all(drawn.values()), [ch for ch, real in drawn.items() if not real]
    used = DRAWN[language] - {" "}
    typed = {ch for v in case.record.answers.values() if isinstance(v, str) for ch in v}
    assert typed - {" ", "\n"} <= used
    assert used <= set(drawn), used - set(drawn)
    if language == "ar":
        assert {ch for ch in drawn if ARABIC.match(ch)} >= set("الإنارةشمسية")


def test_typed_markup_and_long_answers_stay_text_on_the_page(made) -> None:
    _case, data = made["fr"]
    text = body(data)
    assert MARKUP in flat(text)  # literally: no bold, no link, nothing dropped
    assert "Bien reçu <i>merci</i>" in text
    assert flat(LONG_FR) in flat(text)


@pytest.mark.parametrize("language", ["fr", "en", "ar"])
def test_lines_break_between_words_never_inside_one_or_an_amount(made, language) -> None:
    """The results framework's thirteen columns cut "intermédiai/re" and "personne/s", and an
    amount's no-break spaces were taken for breaks: every text is now wrapped between its
    words, each amount whole on its line."""
    made[language]
    cut = []
    for text, lines in WRAPPED[language]:
        given = [w for w in words(printable(text.replace("\r", ""))) if len(w) <= 30]
        drawn = [w for line in lines for w in words(line)]
        if not set(given) <= set(drawn):
            cut.append((text, lines))
    assert not cut, cut[:5]
    texts = [text for text, _lines in WRAPPED[language]]
    level = {"fr": "Résultat intermédiaire", "en": "Intermediate outcome", "ar": "النتيجة الوسيطة"}
    assert level[language] in texts  # the narrow column's words were among those checked
    amounts = [text for text, _style in LINES[language] if "250" in text]
    assert format_money(Decimal(1_250_000), "EUR", language) in amounts


def test_the_arabic_history_arrow_points_at_the_new_status(made) -> None:
    """Read right to left, "مسودة → مُقدَّم" pointed back at the draft: Arabic draws "←"."""
    history = {
        language: [text for text, _style in LINES[language] if "→" in text or "←" in text]
        for language in ("fr", "en", "ar")
    }
    assert "Brouillon → Soumis" in history["fr"] and "Draft → Submitted" in history["en"]
    assert history["ar"] and all("←" in t and "→" not in t for t in history["ar"]), history
    assert flat("مسودة ← مُقدَّم") in [flat(t) for t in history["ar"]]


@pytest.mark.parametrize("language", ["fr", "en", "ar"])
def test_the_partners_subtotal_is_marked_and_its_parts_drawn_lighter(made, language) -> None:
    """The financing table listed "Partners" beside each partner in the same style, so its
    column seemed to add up to more than the cost: the subtotal says so, and each partner is
    "of which", drawn lighter."""
    made[language]
    words_for = {
        "fr": ("Partenaires (sous-total)", "dont Ville de Lyon"),
        "en": ("Partners (subtotal)", "of which Ville de Lyon"),
        "ar": ("الشركاء (مجموع فرعي)", "منها Ville de Lyon"),
    }
    subtotal, part = words_for[language]
    styles = {flat(text): style for text, style in LINES[language]}
    assert styles[flat(subtotal)].color == TEXT
    assert styles[flat(part)].color == MUTED
    assert not any(text.startswith(("Partner:", "Partenaire :")) for text in styles)


def test_wrapped_lines_fit_their_column() -> None:
    doc = PdfDocument(rtl=False, footer=lambda n: ("", ""))
    style = Style()
    width = 40.0
    lines = doc.wrap("mot " * 50 + "x" * 120 + " fin\nligne", width, style)
    assert lines[-1] == "ligne" and len(lines) > 10
    room = width - 2 * doc.pdf.c_margin
    doc.pdf.set_font("DejaVuSans", "", style.size)
    assert all(doc.pdf.get_string_width(line) <= room + 0.01 for line in lines)
    assert "".join(lines).count("x") == 120  # a word too long for the column is cut, not lost
    assert printable("ok 😀") == "ok □"  # what the font lacks shows as a box, never a blank


def test_the_file_name_is_the_reference(made) -> None:
    case, data = made["fr"]
    assert pdf_name(case.record) == "FC-2026-0042.pdf" and data.startswith(b"%PDF-")


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="pdftoppm (poppler-utils) missing")
@pytest.mark.parametrize("language", ["fr", "ar"])
def test_a_page_renders_not_blank(made, tmp_path: Path, language: str) -> None:
    source = tmp_path / f"{language}.pdf"
    source.write_bytes(made[language][1])
    subprocess.run(
        ["pdftoppm", "-r", "40", "-f", "1", "-l", "1", "-png", str(source), str(tmp_path / "p")],
        check=True,
        timeout=30,
    )
    (png,) = tmp_path.glob("p*.png")
    image = Image.open(png).convert("L")
    dark = sum(image.histogram()[:160])
    assert dark > image.width * image.height * 0.01, "the page is (nearly) blank"
