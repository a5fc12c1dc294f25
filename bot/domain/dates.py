"""Dates typed as people write them in each locale, read to a `date` and echoed back in full."""

import re
from datetime import date

from babel.dates import format_date

from bot.domain.locales import babel_locale
from bot.domain.numbers import _DIGITS

_NUMERIC = re.compile(r"^(\d{1,4})\s*[./\-\s]\s*(\d{1,2})\s*[./\-\s]\s*(\d{1,4})$")


def _day_first(locale: str) -> bool:
    pattern = babel_locale(locale).date_formats["short"].pattern.lower()
    return pattern.find("d") < pattern.find("m")


def parse_date(text: str, locale: str) -> date:
    """`15/03/2027`, `15.03.2027`, `2027-03-15`: day first in fr, en and ar; `27` is 2027.

    A day above 12 in the month's place is read as the day (`3/15/2027` is 15 March).
    """
    cleaned = text.translate(_DIGITS).replace("\u200f", "").strip()
    match = _NUMERIC.match(cleaned)
    if not match:
        raise ValueError("not a date")
    first, second, third = match.groups()
    if len(first) == 4:
        year, month, day = int(first), int(second), int(third)
        return date(year, month, day)
    year = int(third) + (2000 if len(third) <= 2 else 0)
    a, b = int(first), int(second)
    day, month = (a, b) if _day_first(locale) else (b, a)
    if month > 12 and day <= 12:
        day, month = month, day
    return date(year, month, day)


def format_long(value: date, locale: str) -> str:
    """`1 March 2027` (en), `1 mars 2027` (fr)."""
    return format_date(value, format="long", locale=babel_locale(locale))


def format_short(value: date, locale: str) -> str:
    """`15/03/2027` (en and fr): how the locale writes a date with digits."""
    return format_date(value, format="short", locale=babel_locale(locale))
