"""What staff type when they mark a tranche paid, and what a city types when the amount received
differs: read as the forms read money, never guessed (an amount that reads two ways is refused
and asked again)."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from bot.domain.dates import parse_date
from bot.domain.numbers import NumberError, read_money
from bot.domain.refusals import Refused

MAX_BANK_REFERENCE = 100


@dataclass(frozen=True)
class TypedPayment:
    paid_on: date
    amount: Decimal
    bank_reference: str


def read_amount(text: str, locale: str, currency: str) -> Decimal:
    """An amount in the grant's currency (the code may be typed, no other); Refused when it
    cannot be read or reads two ways."""
    try:
        typed = read_money(text, locale, (currency,), default=currency)
    except NumberError as error:
        raise Refused("unreadable", **error.details) from None
    if typed.amount.alternative is not None:
        raise Refused("ambiguous")
    return typed.amount.value


def read_payment(text: str, locale: str, currency: str) -> TypedPayment:
    """`15/04/2027 500 000 EUR VIR-2027-118`: the date first, the bank reference last, the
    amount between."""
    words = text.split()
    if len(words) < 3 or len(words[-1]) > MAX_BANK_REFERENCE:
        raise Refused("unreadable")
    try:
        paid_on = parse_date(words[0], locale)
    except ValueError:
        raise Refused("unreadable") from None
    amount = read_amount(" ".join(words[1:-1]), locale, currency)
    return TypedPayment(paid_on, amount, words[-1])
