"""The agenda's totals, the budget typed by staff, the figures of /stats, the XLSX read back with
openpyxl, and the charts' Arabic labels: pure functions, no bot."""

import os
import re
from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal
from io import BytesIO

import pytest
from openpyxl import load_workbook

from bot.domain.agenda import Budget, build_agenda, parse_budget
from bot.domain.numbers import NumberError
from bot.domain.rules import FundingRules
from bot.domain.sessions import BureauSession
from bot.domain.sheets import Flag, convert
from bot.domain.stats import compute_stats
from bot.screens.charts import render_chart, stats_charts
from bot.screens.sheets import agenda_tables, money_format, queue_tables, write_workbook
from bot.telegram.i18n import build_i18n
from testkit.agenda_facts import APRIL, facts

NOVEMBER = BureauSession(date(2027, 11, 20), date(2027, 9, 30), "Dakar", 2)
LETTERS = re.compile("[\u0621-\u064a]")  # Arabic letters in logical (unshaped) form
RULES = FundingRules(Decimal("0.80"), Decimal("0.20"))


def test_the_agenda_totals_per_sector_country_and_currency_against_the_budget() -> None:
    dossiers = [
        facts(
            3, "scheduled", "XOF", 655_957_000, total=819_946_250, sector="markets", country="CI"
        ),
        facts(1, fund=800_000, granted=700_000, status="approved"),
        facts(2, fund=200_000, status="rejected"),
        facts(4, currency="USD", fund=500_000, country="LB"),
        facts(5, session=NOVEMBER),  # another session's
        facts(6, status="eligible", session=None),  # not scheduled
        facts(7, status="withdrawn"),  # no longer on the agenda
    ]
    agenda = build_agenda(APRIL, Budget(Decimal(1_500_000), "EUR"), dossiers)
    assert [d.id for d in agenda.items] == [1, 2, 3, 4]
    water = agenda.by_sector[("water", "EUR")]
    assert (water.count, water.asked, water.granted) == (2, Decimal(1_000_000), Decimal(700_000))
    assert agenda.by_sector[("markets", "XOF")].asked == Decimal(655_957_000)
    assert list(agenda.by_country) == [("CI", "XOF"), ("LB", "USD"), ("SN", "EUR")]
    assert {c: t.count for c, t in agenda.by_currency.items()} == {"EUR": 2, "USD": 1, "XOF": 1}
    # EUR as asked, XOF at the peg (655 957 000 XOF = 1 000 000 €), USD left out
    assert agenda.asked == Decimal(2_000_000) and agenda.granted == Decimal(700_000)
    assert list(agenda.uncounted) == ["USD"]
    # 1 500 000 € less the 700 000 € granted and the 1 000 000 € the scheduled one asks; the
    # rejected one takes nothing
    assert agenda.phase == "during" and agenda.waiting == Decimal(1_000_000)
    assert agenda.remaining == Decimal(-200_000) and agenda.over_budget
    assert agenda.share_of_budget == Decimal(2_000_000) / Decimal(1_500_000)

    without = build_agenda(APRIL, None, dossiers)
    assert without.asked is None and without.remaining is None and not without.over_budget


def test_conversion_only_at_a_fixed_rate() -> None:
    assert convert(Decimal(655_957), "XOF", "EUR") == Decimal(1000)
    assert convert(Decimal(1000), "EUR", "XAF") == Decimal(655_957)
    assert convert(Decimal(1), "XOF", "XAF") == Decimal(1)
    assert convert(Decimal(1), "USD", "EUR") is None and convert(Decimal(1), "EUR", "CAD") is None


@pytest.mark.parametrize(
    ("typed", "language", "default", "expected"),
    [
        ("1 500 000 EUR", "fr", "EUR", Budget(Decimal(1_500_000), "EUR")),
        ("1 500 000,50", "fr", "XOF", None),  # too many decimals for the CFA franc
        ("€1,500,000.50", "en", "XOF", Budget(Decimal("1500000.50"), "EUR")),
        ("١٥٠٠٠٠٠ xof", "ar", "EUR", Budget(Decimal(1_500_000), "XOF")),
        ("2 000 000", "fr", "CAD", Budget(Decimal(2_000_000), "CAD")),
        ("100 EUR 200 USD", "fr", "EUR", None),
        ("0 EUR", "fr", "EUR", None),
        ("-5 EUR", "fr", "EUR", None),
        ("beaucoup", "fr", "EUR", None),
    ],
)
def test_a_typed_budget(typed: str, language: str, default: str, expected: Budget | None) -> None:
    if expected is None:
        with pytest.raises(NumberError):
            parse_budget(typed, language, default)
    else:
        assert parse_budget(typed, language, default) == expected


def test_flags_of_a_row() -> None:
    assert facts(1, fund=800_000).flags(RULES) == []
    assert facts(1, fund=900_000).flags(RULES) == [Flag.FUND_OVER, Flag.CITY_UNDER]
    assert facts(1, fund=800_000, city=100_000).flags(RULES) == [Flag.CITY_UNDER, Flag.UNBALANCED]


def test_the_figures_of_stats() -> None:
    stats = compute_stats(
        [
            facts(1, "approved", granted=600_000, decided_days=30),
            facts(2, "rejected", decided_days=50, country="LB", sector="health"),
            facts(
                3,
                "approved",
                "XOF",
                655_957_000,
                granted=655_957_000,
                decided_days=100,
                session=NOVEMBER,
            ),
            facts(4, "submitted", "USD", session=None, country="LB"),
            facts(5, "draft", session=None),  # not in the pipeline
        ]
    )
    assert stats.by_status["approved"] == 2 and stats.by_status["submitted"] == 1
    assert "draft" not in stats.by_status and sum(stats.by_status.values()) == 4
    april, november = stats.sessions
    assert (april.asked, april.granted) == (Decimal(1_600_000), Decimal(600_000))
    assert (november.asked, november.granted) == (Decimal(1_000_000), Decimal(1_000_000))
    assert april.median_days == 40 and november.median_days == 100 and stats.median_days == 50
    assert stats.by_country["LB"].count == 2 and stats.by_country["LB"].asked == 800_000
    assert stats.not_converted == 1


def test_the_queue_and_the_agenda_as_xlsx_read_back() -> None:
    rows = [
        facts(1, fund=800_000),
        facts(2, "approved", "XOF", 524_765_600, total=655_957_000, granted=393_574_200),
        facts(3, "scheduled", "EUR", 900_000),
    ]
    rows[0] = replace(rows[0], title='=HYPERLINK("x")\x07 bell')
    i18n = build_i18n("fr")
    with i18n.context(), i18n.use_locale("ar"):
        tables = queue_tables(rows, RULES)
        agenda = agenda_tables(build_agenda(APRIL, Budget(Decimal(10**6), "EUR"), rows))
    book = load_workbook(BytesIO(write_workbook(tables, right_to_left=True)))
    sheet = book.active
    assert sheet.sheet_view.rightToLeft and sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:R4"
    header = [c.value for c in sheet[1]]
    assert header[0] == "المرجع"
    values = list(sheet.iter_rows(min_row=2, values_only=True))
    assert values[0][4] == '=HYPERLINK("x") bell' and sheet["E2"].data_type == "s"
    assert [type(v) for v in values[1][7:14]] == [int, int, float, int, float, int, int]
    assert values[1][9] == pytest.approx(0.8) and values[1][13] == 393_574_200
    assert isinstance(values[0][14], datetime) and values[0][14].date() == date(2027, 4, 28)
    assert sheet["H2"].number_format == '#,##0.00 "EUR"' == money_format("EUR")
    assert sheet["H3"].number_format == '#,##0 "XOF"' and sheet["J3"].number_format == "0.0%"
    assert sheet["O2"].number_format == "DD/MM/YYYY"
    assert values[2][17] == "حصة الصندوق فوق حدها الأقصى، حصة المدينة دون حدها الأدنى"

    sheets = load_workbook(BytesIO(write_workbook(agenda))).worksheets
    assert [s.title for s in sheets] == ["جدول الأعمال", "حسب القطاع", "حسب البلد", "الميزانية"]
    assert all(s.freeze_panes == "A2" and s.auto_filter.ref for s in sheets)
    by_currency = [r for r in sheets[3].iter_rows(min_row=2, values_only=True) if r[1] == "EUR"]
    # the budget less the 600 000 € granted and the 1 700 000 € the scheduled ones still ask
    assert [r[2] for r in by_currency] == [
        1_700_000,
        10**6,
        2_500_000,
        600_000,
        1_700_000,
        -1_300_000,
    ]


def _arabic_charts() -> list:
    stats = compute_stats(
        [facts(1, "approved", granted=10, decided_days=3, country="LB"), facts(2, "submitted")]
    )
    i18n = build_i18n("fr")
    with i18n.context(), i18n.use_locale("ar"):
        return stats_charts(stats)


def test_chart_texts_are_drawn_as_typed_and_covered_by_the_font() -> None:
    """Every text of an Arabic chart is plain letters in logical order (no presentation forms:
    matplotlib shapes and orders them), in the glyphs of the font shipped with matplotlib."""
    import matplotlib  # here: the other tests need not import it
    from matplotlib.ft2font import FT2Font

    charts = _arabic_charts()
    font = FT2Font(os.path.join(matplotlib.get_data_path(), "fonts/ttf/DejaVuSans.ttf"))
    glyphs = font.get_charmap()
    drawn = [t for c in charts for t in (c.title, c.note, *c.labels, *(s.name for s in c.series))]
    assert any(LETTERS.search(t) for t in drawn)
    assert not any("\ufb50" <= ch <= "\ufeff" for t in drawn for ch in t)  # no presentation forms
    assert {ch for t in drawn for ch in t if ord(ch) not in glyphs} == set()


def test_an_arabic_title_is_shaped_once_in_reading_order() -> None:
    """The title of an Arabic chart, drawn through the bot's own path (as SVG, whose glyphs are
    named by their index in the font), shows the very glyphs, in the very order, that HarfBuzz
    gives for the plain title: joined forms, right to left. Shaping or reordering it before
    matplotlib (which does both since 3.11) would reverse the words and break the joins."""
    import matplotlib
    import uharfbuzz as hb

    chart = _arabic_charts()[0]
    svg = render_chart(chart, "svg").decode()
    start = svg.index('<g id="title">')
    end = svg.find('<g id="', start + 1)
    drawn = re.findall(r'<use xlink:href="#DejaVuSans-([0-9a-f]+)"', svg[start:end])
    path = os.path.join(matplotlib.get_data_path(), "fonts/ttf/DejaVuSans.ttf")
    font = hb.Font(hb.Face(hb.Blob.from_file_path(path)))
    buffer = hb.Buffer()
    buffer.add_str(chart.title)
    buffer.guess_segment_properties()  # Arabic, right to left
    hb.shape(font, buffer, {})
    expected = [glyph.codepoint for glyph in buffer.glyph_infos]  # in visual order
    assert [int(glyph, 16) for glyph in drawn] == expected
    assert len(set(expected)) > 5
    assert f"<!-- {chart.title} -->" in svg[start:end]  # given to matplotlib as typed
