"""Phone numbers (phonenumbers) and email addresses (email-validator) as typed answers."""

from datetime import date

import pytest

from bot.domain.answers import AnswerError, parse_email, parse_phone, parse_typed
from bot.domain.fund_form import FUND_FORM
from bot.domain.phones import format_phone

TODAY = date(2026, 11, 26)


@pytest.mark.parametrize(
    ("typed", "region", "stored"),
    [
        ("77 123 45 67", "SN", "+221771234567"),  # Dakar, as dialled at home
        ("0788 123 456", "RW", "+250788123456"),  # Kigali, with the trunk 0
        ("+33 1 23 45 67 89", "SN", "+33123456789"),  # a French number typed from Dakar
        ("+33 1 23 45 67 89", None, "+33123456789"),
        ("00221 77 123 45 67", "SN", "+221771234567"),
        ("00221 77 123 45 67", None, "+221771234567"),  # 00 works without a country
        ("00221771234567", "RW", "+221771234567"),
        ("+221 77 123 45 67", "RW", "+221771234567"),
        ("01 123 456", "LB", "+9611123456"),  # Beirut
        ("+961 1 123 456", None, "+9611123456"),
        ("(+961) 1-123-456", "LB", "+9611123456"),
        ("٧٧ ١٢٣ ٤٥ ٦٧", "SN", "+221771234567"),  # Arabic-Indic digits
        ("77.123.45.67", "sn", "+221771234567"),
    ],
)
def test_phones_are_read_as_dialled_in_the_country_and_stored_as_e164(
    typed: str, region: str | None, stored: str
) -> None:
    assert parse_phone(typed, region) == stored


@pytest.mark.parametrize(
    ("typed", "region"),
    [
        ("+221 77 12", "SN"),  # too short
        ("77 123", "SN"),
        ("123", "SN"),
        ("+" + "1" * 16, None),  # longer than E.164 allows
        ("+221 17 123 45 67", "SN"),  # impossible: no Senegalese number starts so
        ("+999 12 345 678", None),  # no such country code
        ("77 123 45 67", None),  # national number, country unknown
        ("77 123 45 67", "XX"),  # not a region phonenumbers knows
        ("phone me", "SN"),  # letters
        ("77 123 45 AB", "SN"),
        ("+1 800 FLOWERS", None),  # vanity letters are not digits here
        ("", "SN"),
        ("   ", "SN"),
    ],
)
def test_impossible_numbers_and_letters_are_refused(typed: str, region: str | None) -> None:
    with pytest.raises(AnswerError) as refused:
        parse_phone(typed, region)
    assert refused.value.code == "phone"


def test_a_shared_contact_is_international_with_or_without_plus() -> None:
    # Telegram sends the contact's number with its country code, often without "+".
    assert parse_phone("221771234567", "SN", international=True) == "+221771234567"
    assert parse_phone("250788123456", "SN", international=True) == "+250788123456"
    assert parse_phone("+250788123456", "SN", international=True) == "+250788123456"
    assert parse_phone("33123456789", None, international=True) == "+33123456789"
    with pytest.raises(AnswerError):
        parse_phone("12", "SN", international=True)


def test_the_questionnaire_reads_the_phone_with_the_answered_country() -> None:
    question = FUND_FORM.questions["focal_phone"]
    assert parse_typed(question, "0788 123 456", "fr", {"country": "RW"}, TODAY).value == (
        "+250788123456"
    )
    assert parse_typed(question, "77 123 45 67", "fr", {"country": "SN"}, TODAY).value == (
        "+221771234567"
    )
    with pytest.raises(AnswerError):
        parse_typed(question, "77 123 45 67", "fr", {}, TODAY)


def test_phones_are_shown_in_international_format() -> None:
    assert format_phone("+221771234567") == "+221 77 123 45 67"
    assert format_phone("+250788123456") == "+250 788 123 456"
    assert format_phone("+9611123456") == "+961 1 123 456"
    assert format_phone("+33123456789") == "+33 1 23 45 67 89"
    assert format_phone("not a number") == "not a number"  # an old stored value, left as is


def test_the_test_data_numbers_are_valid() -> None:
    for typed in ("+221 77 123 45 67", "+250 788 123 456", "+961 1 123 456", "+221771234567"):
        assert parse_phone(typed, None).startswith("+")


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        (" awa@dakar.sn ", "awa@dakar.sn"),
        ("awa@DAKAR.SN", "awa@dakar.sn"),  # the domain is lowercased
        ("Awa.Ndiaye@Dakar.Sn", "Awa.Ndiaye@dakar.sn"),  # the local part is kept
        ("awa@ville.sénégal", "awa@ville.sénégal"),  # a Unicode domain
        ("awa@xn--mnchen-3ya.de", "awa@münchen.de"),  # IDNA shown as Unicode
        ("élodie@ville.fr", "élodie@ville.fr"),
    ],
)
def test_emails_are_stored_normalised(typed: str, stored: str) -> None:
    assert parse_email(typed) == stored
    assert parse_typed(FUND_FORM.questions["focal_email"], typed, "fr", {}, TODAY).value == stored


@pytest.mark.parametrize(
    "typed",
    [
        "a@b",  # no dot in the domain
        "awa@",
        "@dakar.sn",
        "awa dakar.sn",
        "awa @dakar.sn",  # a space inside
        "awa@dakar .sn",
        "<b>@x.y</b>",  # HTML
        "<script>alert(1)</script>@dakar.sn",
        'awa@dakar.sn"><b>x</b>',
        "awa@@dakar.sn",
        "awa@localhost",
        "x" * 250 + "@dakar.sn",  # too long
        "",
    ],
)
def test_bad_emails_are_refused(typed: str) -> None:
    with pytest.raises(AnswerError) as refused:
        parse_email(typed)
    assert refused.value.code == "email"
