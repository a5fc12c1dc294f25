"""Money and counts as people type them in fr, en and ar."""

import re
from decimal import Decimal

import pytest
from babel.numbers import get_currency_precision
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.fund_form import CURRENCIES
from bot.domain.numbers import (
    NumberError,
    format_money,
    format_share,
    parse_amount,
    parse_whole,
    read_money,
)

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


# Money typed outside the forms (issue 18): one reading for everyone, ambiguity never guessed.

LOCALES = ("fr", "en", "ar")


@pytest.mark.parametrize(
    ("typed", "locale", "value", "alternative"),
    [
        ("700,000", "fr", "700", "700000"),  # French staff: 700 €, or 700 000 € written in English
        ("700,000", "en", "700000", "700"),
        ("700.000", "fr", "700000", "700"),
        ("1,255", "fr", None, None),  # 1,255 € has too many decimals: refused as before
        ("1,250", "ar", "1250", "1.25"),
    ],
)
def test_an_ambiguous_amount_keeps_its_other_reading(
    typed: str, locale: str, value: str | None, alternative: str | None
) -> None:
    if value is None:
        with pytest.raises(NumberError):
            parse_amount(typed, locale, "EUR")
        return
    parsed = parse_amount(typed, locale, "EUR")
    assert (parsed.value, parsed.alternative) == (Decimal(value), Decimal(alternative))
    assert parsed.ambiguous


@pytest.mark.parametrize(
    ("typed", "locale", "code"),
    [
        ("500-", "fr", "negative"),  # a sign after the number is a sign
        ("500 -", "en", "negative"),
        ("1 250 000 € –", "fr", "negative"),
        ("1 250 000,505", "en", "not_a_number"),  # not 1 250 000 505: two kinds of separators
        ("1 250 000.505", "fr", "not_a_number"),
        ("1.250 000", "fr", "not_a_number"),
    ],
)
def test_signs_after_the_number_and_mixed_separators_are_refused(
    typed: str, locale: str, code: str
) -> None:
    with pytest.raises(NumberError) as refused:
        parse_amount(typed, locale, "EUR")
    assert refused.value.code == code


def test_three_decimals_where_the_currency_has_them() -> None:
    parsed = parse_amount("1 250 000,505", "fr", "TND")
    assert parsed.value == Decimal("1250000.505") and parsed.alternative is None


@pytest.mark.parametrize(
    ("typed", "locale", "allowed", "default", "expected"),
    [
        ("30 000 EUR", "fr", CURRENCIES, None, ("30000", "EUR", None)),
        ("EUR 30 000", "en", CURRENCIES, None, ("30000", "EUR", None)),
        ("€1,500,000", "en", CURRENCIES, "XOF", ("1500000", "EUR", None)),
        ("١٥٠٠٠٠٠ xof", "ar", CURRENCIES, "EUR", ("1500000", "XOF", None)),
        ("1 500 000 FCFA", "fr", ("XOF",), "XOF", ("1500000", "XOF", None)),
        ("30,000 EUR", "en", CURRENCIES, None, ("30000", "EUR", "30")),
        ("2 000 000", "fr", CURRENCIES, "CAD", ("2000000", "CAD", None)),
        ("1,50 د.م.", "ar", CURRENCIES, "EUR", ("1.50", "MAD", None)),
    ],
)
def test_money_typed_with_its_currency(
    typed: str,
    locale: str,
    allowed: tuple[str, ...],
    default: str | None,
    expected: tuple[str, str, str | None],
) -> None:
    money = read_money(typed, locale, allowed, default=default)
    value, currency, alternative = expected
    assert money.amount.value == Decimal(value) and money.currency == currency
    assert money.amount.alternative == (Decimal(alternative) if alternative else None)


@pytest.mark.parametrize(
    ("typed", "allowed", "default", "code"),
    [
        ("30 000", CURRENCIES, None, "no_currency"),  # no currency, none to assume
        ("30 000 GBP", CURRENCIES, None, "currency"),  # not one of the Fund's
        ("30 000 EUR", ("XOF",), "XOF", "currency"),  # not the dossier's
        ("30 000 $", ("EUR",), "EUR", "currency_unclear"),  # dollars are not euros
        ("100 EUR 200 USD", CURRENCIES, "EUR", "currency_unclear"),
        ("1 500 000 F CFA", CURRENCIES, "EUR", "currency_unclear"),  # XOF or XAF?
        ("500- EUR", CURRENCIES, None, "negative"),
    ],
)
def test_money_whose_currency_is_not_clear_is_refused(
    typed: str, allowed: tuple[str, ...], default: str | None, code: str
) -> None:
    with pytest.raises(NumberError) as refused:
        read_money(typed, "fr", allowed, default=default)
    assert refused.value.code == code


@pytest.mark.parametrize(
    ("typed", "locale", "expected"),
    [
        ("50,000 EUR shelters", "en", ("50000", "EUR", "shelters", "50")),
        ("50,000 EUR abris", "fr", ("50", "EUR", "abris", "50000")),  # asked back, never 50 €
        ("50 000 EUR : abris provisoires", "fr", ("50000", "EUR", "abris provisoires", None)),
        ("EUR 50000 rebuilding the port", "en", ("50000", "EUR", "rebuilding the port", None)),
        ("€20,000 - tents", "en", ("20000", "EUR", "tents", "20")),
        ("٥٠٠٠٠ EUR ملاجئ", "ar", ("50000", "EUR", "ملاجئ", None)),
    ],
)
def test_an_amount_its_currency_and_what_it_is_for(
    typed: str, locale: str, expected: tuple[str, str, str, str | None]
) -> None:
    money = read_money(typed, locale, CURRENCIES, rest=True)
    value, currency, rest, alternative = expected
    assert (money.amount.value, money.currency, money.rest) == (Decimal(value), currency, rest)
    assert money.amount.alternative == (Decimal(alternative) if alternative else None)


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("50000 for shelters", "no_currency"),
        ("50000 EUR", "no_purpose"),
        ("50000- EUR shelters", "negative"),
        ("-50000 EUR shelters", "negative"),
        ("fifty thousand EUR", "not_a_number"),
        ("50000 GBP shelters", "currency"),
    ],
)
def test_a_proposal_that_cannot_be_read_is_refused(typed: str, code: str) -> None:
    with pytest.raises(NumberError) as refused:
        read_money(typed, "en", CURRENCIES, rest=True)
    assert refused.value.code == code


def _amounts(currency: str) -> st.SearchStrategy[Decimal]:
    places = get_currency_precision(currency)
    return st.decimals(
        min_value=Decimal(1) / 10**places, max_value=Decimal(10**12), places=places
    ).filter(lambda d: d.is_finite())


@given(st.data(), st.sampled_from(LOCALES), st.sampled_from(CURRENCIES))
def test_any_amount_formatted_in_a_locale_reads_back_to_itself(
    data: st.DataObject, locale: str, currency: str
) -> None:
    """Every currency of the network in fr, en and ar: what the bot writes, staff can type back
    (with its currency sign, or bare), and it reads as the same amount in the same currency."""
    amount = data.draw(_amounts(currency))
    text = format_money(amount, currency, locale)
    assert parse_amount(text, locale, currency).value == amount
    money = read_money(text, locale, CURRENCIES, default=currency)
    assert (money.amount.value, money.currency) == (amount, currency)
    arabic = format_money(amount, currency, locale).translate(ARABIC_DIGITS)
    assert read_money(arabic, locale, CURRENCIES, default=currency).amount.value == amount


ANY_TYPING = st.lists(st.sampled_from("0123456789., ٠١٢٣٤٥٦٧٨٩٬٫"), min_size=1, max_size=14)
LONE_SEPARATOR = st.builds(  # `700,000`, `1.250`: where locales disagree
    "{}{}{:03d}".format, st.integers(1, 999_999), st.sampled_from(".,٫٬"), st.integers(0, 999)
)


@given(st.one_of(ANY_TYPING.map("".join), LONE_SEPARATOR), st.sampled_from(CURRENCIES))
def test_an_ambiguous_amount_is_never_read_silently(typed: str, currency: str) -> None:
    """When two locales read the same text as two different amounts, each of them keeps the
    other reading (and staff are asked which one they mean): never one silently."""
    readings = {}
    for locale in LOCALES:
        try:
            readings[locale] = parse_amount(typed, locale, currency)
        except NumberError:
            continue
    for one, first in readings.items():
        for other, second in readings.items():
            if first.value != second.value:
                assert first.alternative == second.value, (typed, one, other)
                money = read_money(typed, one, CURRENCIES, default=currency)
                assert money.amount.alternative == second.value
