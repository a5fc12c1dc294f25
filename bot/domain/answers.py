"""Typed answers checked and converted to what the dossier stores (JSON-friendly values)."""

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from email_validator import EmailNotValidError, validate_email

from bot.domain import phones
from bot.domain.countries import find_country
from bot.domain.dates import parse_date
from bot.domain.forms import Answers, Kind, Question
from bot.domain.numbers import NumberError, parse_amount, parse_whole
from bot.domain.refusals import Refused
from bot.domain.text import trimmed, visible_length


class AnswerError(Refused):
    """A refused answer."""


@dataclass(frozen=True)
class Parsed:
    value: Any
    echo: bool = False
    # An amount that reads two ways (`700,000`): its other reading, to ask which one is meant.
    alternative: str | None = None


def clean_text(text: str) -> str:
    """Drop control characters (but keep line breaks), bidirectional controls, and blanks at
    either end, invisible ones included (see `bot.domain.text`)."""
    return trimmed(text)


def parse_phone(text: str, region: str | None = None, *, international: bool = False) -> str:
    """A phone number as E.164, read as dialled in `region` (ISO code) unless it starts with
    `+` or `00`; see `bot.domain.phones`."""
    try:
        return phones.parse_phone(text, region, international=international)
    except phones.PhoneError:
        raise AnswerError("phone") from None


def parse_email(text: str) -> str:
    """The address's normalised form (domain lowercased, IDNA in Unicode); syntax only, no DNS."""
    value = text.strip()
    if len(value) > 254:
        raise AnswerError("email")
    try:
        checked = validate_email(value, check_deliverability=False)
    except EmailNotValidError:
        raise AnswerError("email") from None
    if len(checked.normalized) > 254:
        raise AnswerError("email")
    return checked.normalized


def parse_typed(
    question: Question,
    text: str,
    locale: str,
    answers: Answers,
    today: date,
    currency: str | None = None,
) -> Parsed:
    """Check `text` against what `question` expects; raise AnswerError with the reason."""
    kind = question.kind
    if kind in (Kind.CHOICE, Kind.YES_NO):
        raise AnswerError("use_buttons")
    if kind == Kind.LOCATION:
        raise AnswerError("location")
    if kind in (Kind.FILES, Kind.LETTERS):
        raise AnswerError("file_expected")
    if kind == Kind.LIST:
        raise AnswerError("use_buttons")
    if kind == Kind.TEXT:
        value = clean_text(text)
        if visible_length(value) < question.min_len:  # zero-width or filler characters: none
            raise AnswerError("too_short", minimum=question.min_len, length=len(value))
        if len(value) > question.max_len:
            raise AnswerError("too_long", maximum=question.max_len, length=len(value))
        return Parsed(value)
    if kind == Kind.EMAIL:
        return Parsed(parse_email(text))
    if kind == Kind.PHONE:
        return Parsed(parse_phone(text, question.region_of(answers)))
    if kind == Kind.COUNTRY:
        code = find_country(clean_text(text)[:100])
        if code is None:
            raise AnswerError("country")
        return Parsed(code)
    if kind == Kind.DATE:
        return Parsed(_parse_date(text, locale, today).isoformat(), echo=True)
    if kind == Kind.WHOLE:
        return _parse_whole(question, text, locale, answers)
    if kind == Kind.NUMBER:
        return _parse_measure(text, locale)
    if kind == Kind.MONEY:
        try:
            parsed = parse_amount(text, locale, currency, allow_zero=question.zero)
        except NumberError as error:
            raise AnswerError(f"number_{error.code}", **error.details) from None
        other = parsed.alternative
        return Parsed(
            str(parsed.value),
            echo=parsed.ambiguous,
            alternative=str(other) if other is not None else None,
        )
    raise AnswerError("use_buttons")


def _parse_date(text: str, locale: str, today: date) -> date:
    try:
        value = parse_date(text, locale)
    except ValueError:
        raise AnswerError("date") from None
    earliest, latest = today - timedelta(days=366), today + timedelta(days=3660)
    if not earliest <= value <= latest:
        raise AnswerError("date_range", earliest=earliest, latest=latest)
    return value


def _parse_measure(text: str, locale: str) -> Parsed:
    """A measure (a baseline, a target, a value reached): zero or more, two decimals at most; a
    percent sign may follow it (`35 %`), the indicator's unit says what it counts."""
    try:
        parsed = parse_amount(text.replace("%", " ").replace("٪", " "), locale, allow_zero=True)
    except NumberError as error:
        raise AnswerError(f"number_{error.code}", **error.details) from None
    return Parsed(str(parsed.value), echo=parsed.ambiguous)


def _parse_whole(question: Question, text: str, locale: str, answers: Answers) -> Parsed:
    maximum = question.maximum
    if question.not_above and isinstance(answers.get(question.not_above), int):
        maximum = min(maximum, answers[question.not_above])
    try:
        parsed = parse_whole(text, locale, minimum=question.minimum, maximum=maximum)
    except NumberError as error:
        raise AnswerError(f"number_{error.code}", **error.details) from None
    return Parsed(int(parsed.value), echo=parsed.ambiguous)
