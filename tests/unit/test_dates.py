"""Dates read and written day first in English too (world English, CLDR en_001)."""

from datetime import date

import pytest

from bot.domain.dates import format_long, format_short, parse_date
from bot.domain.forms import Kind
from bot.domain.fund_form import FUND_FORM
from bot.domain.locales import babel_locale
from bot.screens.common import shown_answer
from bot.screens.question import example_date
from bot.telegram.i18n import build_i18n


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("01/03/2027", "en", date(2027, 3, 1)),
        ("1/3/27", "en", date(2027, 3, 1)),
        ("15/03/2027", "en", date(2027, 3, 15)),
        ("3/15/2027", "en", date(2027, 3, 15)),  # a day above 12 is the day wherever it stands
        ("2027-03-01", "en", date(2027, 3, 1)),
        ("01/03/2027", "fr", date(2027, 3, 1)),
        ("01.03.2027", "fr", date(2027, 3, 1)),
        ("01/03/2027", "ar", date(2027, 3, 1)),
        ("٠١/٠٣/٢٠٢٧", "ar", date(2027, 3, 1)),
    ],
)
def test_dates_are_read_day_first(text: str, language: str, expected: date) -> None:
    assert parse_date(text, language) == expected


@pytest.mark.parametrize(
    ("language", "long", "short"),
    [
        ("en", "1 March 2027", "01/03/2027"),
        ("fr", "1 mars 2027", "01/03/2027"),
    ],
)
def test_dates_are_written_day_first(language: str, long: str, short: str) -> None:
    assert format_long(date(2027, 3, 1), language) == long
    assert format_short(date(2027, 3, 1), language) == short


def test_arabic_dates_are_unchanged() -> None:
    assert format_long(date(2027, 3, 1), "ar") == "1 مارس 2027"


def test_english_is_world_english_in_one_place() -> None:
    assert str(babel_locale("en")) == "en_001"
    assert str(babel_locale("fr")) == "fr"
    assert str(babel_locale("ar")) == "ar"


def test_the_date_hint_and_the_echo_are_day_first() -> None:
    i18n = build_i18n("fr")
    question = next(q for q in FUND_FORM.questions.values() if q.kind == Kind.DATE)
    with i18n.context(), i18n.use_locale("en"):
        assert example_date() == "15/03/2027"
        value = parse_date("01/03/2027", "en").isoformat()
        assert shown_answer(question, value) == "1 March 2027"
