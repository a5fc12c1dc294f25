"""Reading and writing numbers and money the way each locale writes them.

People type `1 250 000`, `1.250.000,50`, `1,250,000.50`, `١٢٥٠٠٠٠` or `1 250 000 FCFA`;
all of these must be read exactly (Decimal, never float), and anything doubtful echoed back.
"""

import copy
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from functools import cache

from babel.numbers import (
    NumberPattern,
    format_currency,
    format_decimal,
    get_currency_precision,
    get_currency_symbol,
)

from bot.domain.locales import babel_locale
from bot.domain.refusals import Refused

MAX_AMOUNT = Decimal(10) ** 13
MAX_WHOLE = 10**9

_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
# Arabic decimal separator becomes '.', Arabic thousands separator and every space kind a space.
_SEPARATORS = str.maketrans(
    {"٫": ".", "٬": " ", "،": ",", "\u00a0": " ", "\u202f": " ", "\u2009": " ", "'": " ", "’": " "}
)
_MINUS = ("-", "−", "–", "(")
_CORE = re.compile(r"\d[\d ., ]*")


class NumberError(Refused):
    """Why a typed number was refused."""


@dataclass(frozen=True)
class ParsedNumber:
    value: Decimal
    ambiguous: bool


@cache
def _currency_words() -> frozenset[str]:
    """Units a number may carry: codes, symbols and names of currencies in fr, en and ar."""
    words = {
        "fcfa",
        "cfa",
        "f",
        "fr",
        "francs",
        "franc",
        "euros",
        "dollars",
        "dinars",
        "dirhams",
        "livres",
        "ariary",
        "gourdes",
        "dongs",
        "riels",
        "kips",
        "$",
        "€",
        "ل.ل",
        "د.ت",
        "د.م",
        "د.ج",
        "فرنك",
        "يورو",
        "دولار",
        "دينار",
        "درهم",
        "ليرة",
    }
    for locale in ("fr", "en", "ar"):
        data = babel_locale(locale)
        for code, name in data.currencies.items():
            words.add(code.casefold())
            words.update(part.casefold() for part in name.split())
        for symbol in data.currency_symbols.values():
            words.add(symbol.casefold())
    return frozenset(words)


def _only_units(text: str) -> bool:
    tokens = re.findall(r"[^\s\d]+", text.replace("\u200f", " ").casefold())
    return all(token.strip(".:") in _currency_words() or not token.strip(".:") for token in tokens)


def _normalize(text: str) -> str:
    return text.translate(_DIGITS).translate(_SEPARATORS).strip()


def _split_number(text: str) -> tuple[str, bool]:
    """The numeric part of `text` and whether it is negative; the rest may only be a unit."""
    cleaned = _normalize(text)
    if not cleaned:
        raise NumberError("empty")
    cores = _CORE.findall(cleaned)
    if len(cores) != 1:
        raise NumberError("not_a_number")
    core = cores[0].strip(" .,")
    before, _, after = cleaned.partition(cores[0])
    negative = any(sign in before for sign in _MINUS)
    unit = "".join(" " if ch in "-−–()" else ch for ch in f"{before} {after}")
    if any(ch.isdigit() for ch in unit) or not _only_units(unit):
        raise NumberError("not_a_number")
    return core, negative


def _groups_valid(parts: list[str]) -> bool:
    return 1 <= len(parts[0]) <= 3 and all(len(p) == 3 for p in parts[1:])


def _read_core(core: str, decimal_symbol: str) -> ParsedNumber:
    marks = [ch for ch in core if ch in ".,"]
    kinds = set(marks)
    decimal: str | None = None
    ambiguous = False
    if len(kinds) == 2:
        decimal = marks[-1]
        if marks.count(decimal) != 1:
            raise NumberError("not_a_number")
    elif len(kinds) == 1 and len(marks) == 1:
        mark = marks[0]
        whole, _, fraction = core.partition(mark)
        if len(fraction.replace(" ", "")) != 3 or whole.replace(" ", "") == "0":
            decimal = mark
        else:
            ambiguous = True
            decimal = mark if mark == decimal_symbol else None
    whole, fraction = core.rsplit(decimal, 1) if decimal else (core, "")
    if " " in fraction:
        raise NumberError("not_a_number")
    parts = re.split(r"[ .,]+", whole) if len(whole) > 3 and re.search(r"[ .,]", whole) else [whole]
    digits = "".join(parts)
    if not digits.isdigit() or (len(parts) > 1 and not _groups_valid(parts)):
        raise NumberError("not_a_number")
    value = Decimal(f"{digits}.{fraction}" if fraction else digits)
    return ParsedNumber(value, ambiguous)


def parse_amount(
    text: str, locale: str, currency: str | None = None, *, allow_zero: bool = False
) -> ParsedNumber:
    """Read money typed in `locale`; refuse negatives, zero, excess decimals, absurd sizes."""
    core, negative = _split_number(text)
    parsed = _read_core(core, babel_locale(locale).number_symbols["latn"]["decimal"])
    if negative:
        raise NumberError("negative")
    if parsed.value == 0 and not allow_zero:
        raise NumberError("zero")
    if parsed.value >= MAX_AMOUNT:
        raise NumberError("too_large")
    places = get_currency_precision(currency) if currency else 2
    exponent = parsed.value.normalize().as_tuple().exponent
    if isinstance(exponent, int) and -exponent > places:
        raise NumberError("too_many_decimals", places=places)
    return parsed


def parse_whole(
    text: str, locale: str, *, minimum: int = 0, maximum: int = MAX_WHOLE
) -> ParsedNumber:
    """Read a count (people, months): a whole number between `minimum` and `maximum`."""
    core, negative = _split_number(text)
    parsed = _read_core(core, babel_locale(locale).number_symbols["latn"]["decimal"])
    if negative:
        raise NumberError("negative")
    if parsed.value != parsed.value.to_integral_value():
        raise NumberError("not_whole")
    if not minimum <= parsed.value <= maximum:
        raise NumberError("out_of_range", minimum=minimum, maximum=maximum)
    return parsed


def format_money(amount: Decimal, currency: str, locale: str) -> str:
    """`1 250 000 €` in fr, `€1,250,000` and `F CFA 656,000,000` in en: cents only when there
    are some, and never a letter glued to a digit."""
    data = babel_locale(locale)
    pattern = _spaced(data.currency_formats["standard"], get_currency_symbol(currency, data))
    if amount == amount.to_integral_value():
        pattern.frac_prec = (0, 0)
        return format_currency(amount, currency, format=pattern, locale=data, currency_digits=False)
    return format_currency(amount, currency, format=pattern, locale=data)


def _spaced(standard: NumberPattern, symbol: str) -> NumberPattern:
    """The locale's currency pattern for this symbol. CLDR's rule (its `alphaNextToNumber`
    pattern, which Babel does not carry): when the symbol's character beside the number is a
    letter, a no-break space stands between them (`TND 2,000,000`, but `€2,000,000`)."""
    pattern = copy.copy(standard)
    if symbol and unicodedata.category(symbol[-1])[0] == "L":
        pattern.prefix = tuple(_gap(p, before=True) for p in pattern.prefix)
    if symbol and unicodedata.category(symbol[0])[0] == "L":
        pattern.suffix = tuple(_gap(p, before=False) for p in pattern.suffix)
    return pattern


def _gap(affix: str, *, before: bool) -> str:
    """A prefix ending in `¤` (or a suffix starting with it) with a no-break space added."""
    if before and affix.endswith("¤"):
        return affix + "\u00a0"
    if not before and affix.startswith("¤"):
        return "\u00a0" + affix
    return affix


def format_number(value: Decimal | int, locale: str) -> str:
    return format_decimal(value, locale=babel_locale(locale))


def format_share(share: Decimal, locale: str) -> str:
    """A share of 1 as a percentage with at most one decimal: `88 %`, `87,5 %`."""
    pattern = copy.copy(babel_locale(locale).percent_formats[None])
    pattern.frac_prec = (0, 1)
    return pattern.apply(share, babel_locale(locale))
