"""Money and counts as people type them in fr, en and ar."""

import re
from decimal import Decimal

import pytest
from babel.numbers import get_currency_precision
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.fund_form import CURRENCIES
from bot.domain.numbers import NumberError, format_money, format_share, parse_amount, parse_whole

ARABIC_DIGITS = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


@pytest.mark.parametrize(
    ("typed", "locale", "expected"),
    [
        ("1 250 000", "fr", "1250000"),
        ("1\u202f250\u202f000", "fr", "1250000"),
        ("1.250.000,50", "fr", "1250000.50"),
        ("1,250,000.50", "en", "1250000.50"),
        ("١٢٥٠٠٠٠", "ar", "1250000"),
        ("١٬٢٥٠٬٠٠٠٫٥٠", "ar", "1250000.50"),
        ("1 250 000 FCFA", "fr", "1250000"),
        ("€1,250,000", "en", "1250000"),
        ("1250000€", "fr", "1250000"),
        ("EUR 1 250 000,5", "fr", "1250000.5"),
        ("12,5", "fr", "12.5"),
        ("12.5", "en", "12.5"),
    ],
)
def test_amounts_people_type_are_read_exactly(typed: str, locale: str, expected: str) -> None:
    parsed = parse_amount(typed, locale, "EUR")
    assert parsed.value == Decimal(expected)
    assert not parsed.ambiguous


@pytest.mark.parametrize(
    ("typed", "locale", "expected"),
    [("1,250", "en", "1250"), ("1.250", "fr", "1250"), ("1,250", "fr", "1.250")],
)
def test_a_lone_separator_before_three_digits_is_read_by_locale_and_flagged(
    typed: str, locale: str, expected: str
) -> None:
    parsed = parse_amount(typed, locale, "EUR")
    assert parsed.value == Decimal(expected)
    assert parsed.ambiguous


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("-5", "negative"),
        ("(5)", "negative"),
        ("−1 000", "negative"),
        ("abc", "not_a_number"),
        ("NaN", "not_a_number"),
        ("inf", "not_a_number"),
        ("1e6", "not_a_number"),
        ("12.34.56", "not_a_number"),
        ("5 et 6", "not_a_number"),
        ("0", "zero"),
        ("10000000000000", "too_large"),
        ("1,255", "too_many_decimals"),
        ("", "empty"),
        ("🙂", "not_a_number"),
        ("<b>5</b>", "not_a_number"),
    ],
)
def test_bad_amounts_are_refused_with_a_reason(typed: str, code: str) -> None:
    with pytest.raises(NumberError) as refused:
        parse_amount(typed, "fr", "EUR")
    assert refused.value.code == code


def test_currencies_without_cents_refuse_decimals() -> None:
    with pytest.raises(NumberError) as refused:
        parse_amount("1 250 000,50", "fr", "XOF")
    assert refused.value.details == {"places": 0}


def test_a_ten_thousand_character_message_is_not_a_number() -> None:
    with pytest.raises(NumberError):
        parse_amount("1" * 10_000, "fr", "EUR")


@given(st.integers(min_value=1, max_value=10**12 - 1), st.sampled_from(["fr", "en", "ar"]))
def test_formatted_amounts_read_back_to_the_same_value(value: int, locale: str) -> None:
    for currency in ("EUR", "XOF", "USD"):
        text = format_money(Decimal(value), currency, locale)
        assert parse_amount(text, locale, currency).value == value


@given(st.integers(min_value=1, max_value=10**12 - 1))
def test_arabic_indic_digits_read_like_latin_ones(value: int) -> None:
    assert parse_amount(str(value).translate(ARABIC_DIGITS), "ar").value == value


@given(st.decimals(min_value=Decimal("0.01"), max_value=Decimal("99999999.99"), places=2))
def test_cents_survive_formatting_and_reading(value: Decimal) -> None:
    for locale in ("fr", "en"):
        assert parse_amount(format_money(value, "EUR", locale), locale, "EUR").value == value


def test_money_is_shown_per_locale_without_useless_cents() -> None:
    assert format_money(Decimal(1250000), "EUR", "fr") == "1\u202f250\u202f000\u00a0€"
    assert format_money(Decimal(1250000), "EUR", "en") == "€1,250,000"
    assert format_money(Decimal("1250.5"), "EUR", "en") == "€1,250.50"
    assert format_share(Decimal("0.88"), "fr") == "88\u00a0%"
    assert format_share(Decimal("0.875"), "en") == "87.5%"


GLUED = re.compile(r"[^\W\d_]\d|\d[^\W\d_]")  # a letter touching a digit


@pytest.mark.parametrize("currency", CURRENCIES)
@pytest.mark.parametrize("language", ["fr", "en", "ar"])
def test_every_currency_of_the_network_stands_apart_from_its_number(
    currency: str, language: str
) -> None:
    """English wrote "F CFA656,000,000" and "TND2,000,000": a symbol of letters now stands a
    no-break space from the number (CLDR's alphaNextToNumber), in cents too; "€" and "US$"
    still touch it, as English writes them."""
    cents = Decimal("2000000.5") if get_currency_precision(currency) else Decimal(2_000_000)
    for amount in (Decimal(656_000_000), cents):
        text = format_money(amount, currency, language)
        assert not GLUED.search(text), text
        assert parse_amount(text, language, currency).value == amount


def test_english_amounts_of_the_network_as_english_writes_them() -> None:
    shown = {c: format_money(Decimal(2_000_000), c, "en") for c in CURRENCIES}
    assert shown["XOF"] == "F\u202fCFA\u00a02,000,000"
    assert shown["XAF"] == "FCFA\u00a02,000,000"
    assert shown["TND"] == "TND\u00a02,000,000"
    assert shown["EUR"] == "€2,000,000" and shown["USD"] == "US$2,000,000"
    assert shown["VND"] == "₫2,000,000" and shown["CAD"] == "CA$2,000,000"
    assert format_money(Decimal("1250.5"), "MAD", "en") == "MAD\u00a01,250.50"
    assert format_money(Decimal(2_000_000), "TND", "fr") == "2\u202f000\u202f000\u00a0TND"


def test_whole_numbers_have_bounds_and_no_decimals() -> None:
    assert parse_whole("1 250", "fr").value == 1250
    assert parse_whole("١٢", "ar", minimum=1, maximum=120).value == 12
    with pytest.raises(NumberError) as refused:
        parse_whole("121", "fr", minimum=1, maximum=120)
    assert refused.value.code == "out_of_range"
    with pytest.raises(NumberError) as refused:
        parse_whole("12,5", "fr")
    assert refused.value.code == "not_whole"
