"""Reading and writing numbers and money the way each locale writes them.

People type `1 250 000`, `1.250.000,50`, `1,250,000.50`, `١٢٥٠٠٠٠` or `1 250 000 FCFA`;
all of these must be read exactly (Decimal, never float), and anything doubtful echoed back or
asked back: `700,000` is 700 000 in English and 700 in French, so the other reading is kept
(`ParsedNumber.alternative`) for whoever must choose. Money typed outside the forms (an amount
granted, an emergency proposal, a budget: `50 000 EUR shelters`) is read by `read_money`, with the
same rules and the currency it names.
"""

import copy
import re
import unicodedata
from dataclasses import dataclass, replace
from decimal import Decimal
from functools import cache

from babel.numbers import (
    NumberPattern,
    format_currency,
    format_decimal,
    get_currency_precision,
    get_currency_symbol,
    list_currencies,
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
_TRAILING_MINUS = ("-", "−", "–")  # `500-`: a sign after the number is a sign all the same
_CORE = re.compile(r"\d[\d ., ]*")


class NumberError(Refused):
    """Why a typed number was refused."""


@dataclass(frozen=True)
class ParsedNumber:
    """`value`: the reading in the locale. `ambiguous`: a lone `.` or `,` before three digits,
    which another locale reads otherwise. `alternative`: that other reading, when it is a valid
    amount too (whoever typed it must then choose: it is never guessed)."""

    value: Decimal
    ambiguous: bool
    alternative: Decimal | None = None


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
    negative = negative or any(sign in after for sign in _TRAILING_MINUS)
    unit = "".join(" " if ch in "-−–()" else ch for ch in f"{before} {after}")
    if any(ch.isdigit() for ch in unit) or not _only_units(unit):
        raise NumberError("not_a_number")
    return core, negative


def _groups_valid(parts: list[str]) -> bool:
    return 1 <= len(parts[0]) <= 3 and all(len(p) == 3 for p in parts[1:])


def _number(core: str, decimal: str | None) -> Decimal:
    """`core` read with `decimal` as its decimal mark (None: a whole number); the whole part is
    grouped by threes with one kind of separator (`1 250 000,505` has two: not a number)."""
    whole, fraction = core.rsplit(decimal, 1) if decimal else (core, "")
    if " " in fraction:
        raise NumberError("not_a_number")
    if len(set("".join(re.findall(r"[ .,]+", whole)))) > 1:
        raise NumberError("not_a_number")
    parts = re.split(r"[ .,]+", whole) if len(whole) > 3 and re.search(r"[ .,]", whole) else [whole]
    digits = "".join(parts)
    if not digits.isdigit() or (len(parts) > 1 and not _groups_valid(parts)):
        raise NumberError("not_a_number")
    return Decimal(f"{digits}.{fraction}" if fraction else digits)


def _read_core(core: str, decimal_symbol: str) -> ParsedNumber:
    marks = [ch for ch in core if ch in ".,"]
    kinds = set(marks)
    if len(kinds) == 2:
        decimal = marks[-1]
        if marks.count(decimal) != 1:
            raise NumberError("not_a_number")
        return ParsedNumber(_number(core, decimal), False)
    if len(kinds) == 1 and len(marks) == 1:
        mark = marks[0]
        whole, _, fraction = core.partition(mark)
        if len(fraction.replace(" ", "")) != 3 or whole.replace(" ", "") == "0":
            return ParsedNumber(_number(core, mark), False)
        # `1,250`: 1250 where `,` groups thousands, 1.25 where it marks decimals. The locale's
        # reading is the value (refused if it is not a number); the other is kept if it is one.
        ours, other = (mark, None) if mark == decimal_symbol else (None, mark)
        value = _number(core, ours)
        try:
            alternative: Decimal | None = _number(core, other)
        except NumberError:
            alternative = None
        return ParsedNumber(value, True, alternative)
    return ParsedNumber(_number(core, None), False)


def _check_amount(value: Decimal, currency: str | None, allow_zero: bool) -> None:
    if value == 0 and not allow_zero:
        raise NumberError("zero")
    if value >= MAX_AMOUNT:
        raise NumberError("too_large")
    places = get_currency_precision(currency) if currency else 2
    exponent = value.normalize().as_tuple().exponent
    if isinstance(exponent, int) and -exponent > places:
        raise NumberError("too_many_decimals", places=places)


def parse_amount(
    text: str, locale: str, currency: str | None = None, *, allow_zero: bool = False
) -> ParsedNumber:
    """Read money typed in `locale`; refuse negatives (a sign before or after), zero, excess
    decimals, absurd sizes. The other reading of an ambiguous text is kept only if it is a
    valid amount too."""
    core, negative = _split_number(text)
    parsed = _read_core(core, babel_locale(locale).number_symbols["latn"]["decimal"])
    if negative:
        raise NumberError("negative")
    _check_amount(parsed.value, currency, allow_zero)
    if parsed.alternative is not None:
        try:
            _check_amount(parsed.alternative, currency, allow_zero)
        except NumberError:
            return replace(parsed, alternative=None)
    return parsed


@dataclass(frozen=True)
class TypedMoney:
    """Money typed in a message: the amount as read (see ParsedNumber), its currency, and the
    words after it when they were asked for (an emergency proposal's purpose)."""

    amount: ParsedNumber
    currency: str
    rest: str = ""
    typed: str = ""  # the amount as it was typed (to ask back which reading is meant)


# Signs that name one currency, or a family of them: a sign that does not fit the currency
# read refuses the amount (`30 000 $` for a dossier in euros is not 30 000 €).
_SIGNS: dict[str, frozenset[str]] = {
    "€": frozenset({"EUR"}),
    "euro": frozenset({"EUR"}),
    "euros": frozenset({"EUR"}),
    "يورو": frozenset({"EUR"}),
    "$": frozenset({"USD", "CAD"}),
    "dollar": frozenset({"USD", "CAD"}),
    "dollars": frozenset({"USD", "CAD"}),
    "دولار": frozenset({"USD", "CAD"}),
    "fcfa": frozenset({"XOF", "XAF"}),
    "cfa": frozenset({"XOF", "XAF"}),
}
_CODE = re.compile(r"\s*([A-Za-z]{3}(?![A-Za-z])|€)")
_HEAD = re.compile(r"^\s*(?:([A-Za-z]{3}|€)\s*)?(\d(?:[\d., ]*\d)?)", re.S)


@cache
def _codes() -> frozenset[str]:
    return frozenset(list_currencies())


@cache
def _signs() -> dict[str, frozenset[str]]:
    """Each currency sign the bot's languages write (`$US`, `د.م.`, `£LB`), with its code."""
    signs = dict(_SIGNS)
    for locale in ("fr", "en", "ar"):
        for code, symbol in babel_locale(locale).currency_symbols.items():
            key = symbol.replace("\u200f", "").strip(".").casefold()
            if key and not key.isalpha():  # `$us`, `د.م`, `£lb`; not letters such as `f`
                signs.setdefault(key, frozenset({code}))
    return signs


def _is_code(word: str, allowed: tuple[str, ...]) -> bool:
    """A currency's code: `EUR`, or `eur` when it is one of those allowed (`top` is a word)."""
    if len(word) != 3 or not word.isalpha() or word.upper() not in _codes():
        return False
    return word.isupper() or word.upper() in allowed


def _named(text: str, allowed: tuple[str, ...]) -> list[frozenset[str]]:
    """The currencies each word or sign of `text` names (a code: one; `$`: two)."""
    named = []
    for token in re.findall(r"[^\s\d]+", text.translate(_DIGITS).replace("\u200f", " ")):
        word = token.strip(".,:;()")
        if _is_code(word, allowed):
            named.append(frozenset({word.upper()}))
            continue
        word = word.casefold()
        if word in _signs():
            named.append(_signs()[word])
    return named


def _currency(named: list[frozenset[str]], allowed: tuple[str, ...], default: str | None) -> str:
    """The one currency the text names (else `default`); refused when it names none and there
    is no default, when it is not allowed here, or when another sign names something else."""
    listed = ", ".join(allowed)
    exact = {next(iter(names)) for names in named if len(names) == 1}
    currency = next(iter(exact)) if len(exact) == 1 else default
    if len(exact) > 1 or (currency is not None and any(currency not in n for n in named)):
        raise NumberError("currency_unclear", allowed=listed)
    if currency is None:
        raise NumberError("no_currency", allowed=listed)
    if currency not in allowed:
        raise NumberError("currency", currency=currency, allowed=listed)
    return currency


def read_money(
    text: str,
    locale: str,
    allowed: tuple[str, ...],
    *,
    default: str | None = None,
    rest: bool = False,
) -> TypedMoney:
    """Money typed by anyone outside the forms, read as the forms read it (`parse_amount`):
    `30 000 EUR`, `EUR 30 000`, `€1,500,000`, `١٥٠٠٠٠٠ XOF`, or a bare amount in `default`.
    The currency must be one of `allowed`, and no sign may name another. With `rest`, words
    follow the amount and its currency (`50,000 EUR shelters`: a purpose); they are required.
    NumberError says why it was refused; an ambiguous amount keeps its other reading."""
    if not rest:
        named = _named(text, allowed)
        currency = _currency(named, allowed, default)
        amount = parse_amount(text, locale, currency)
        found = _CORE.search(text.translate(_DIGITS).translate(_SEPARATORS))
        typed = text[found.start() : found.end()].strip(" .,") if found else text.strip()
        return TypedMoney(amount, currency, typed=typed)
    plain = text.translate(_DIGITS).translate(_SEPARATORS)  # the same positions as `text`
    head = _HEAD.match(plain)
    if head is None:
        before = plain[: next((i for i, ch in enumerate(plain) if ch.isdigit()), len(plain))]
        raise NumberError("negative" if any(s in before for s in _MINUS) else "not_a_number")
    after = plain[head.end() :]
    if after[:1] in _TRAILING_MINUS or after.strip() in _TRAILING_MINUS:  # `500-`, `500 -`
        raise NumberError("negative")
    post = _CODE.match(after)
    if post is not None and not (post.group(1) == "€" or _is_code(post.group(1), allowed)):
        post = None  # `50000 for the shelters`: a word, not a currency
    codes = [c for c in (head.group(1), post.group(1) if post else None) if c]
    if any(c != "€" and not _is_code(c, allowed) for c in codes):
        raise NumberError("not_a_number")
    named = [_SIGNS["€"] if c == "€" else frozenset({c.upper()}) for c in codes]
    currency = _currency(named, allowed, default)
    words = text[head.end() + (post.end() if post else 0) :].strip().lstrip(":;,—–-").strip()
    if not words:
        raise NumberError("no_purpose")
    typed = text[head.start(2) : head.end(2)]
    return TypedMoney(parse_amount(typed, locale, currency), currency, words, typed)


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
