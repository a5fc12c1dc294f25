"""Reading an answer out of a message: typed text, or a shared contact or location."""

from datetime import UTC, date, datetime

from aiogram.types import Message

from bot.domain.answers import AnswerError, Parsed, parse_phone, parse_typed
from bot.domain.forms import Kind, Question
from bot.domain.records import Record


def today() -> date:
    return datetime.now(UTC).date()


def answer_from(question: Question, message: Message, locale: str, record: Record) -> Parsed:
    """The value `question` gets from `message`, or AnswerError saying what was expected."""
    if question.kind == Kind.PHONE and message.contact is not None:
        sender = message.from_user.id if message.from_user else None
        if message.contact.user_id not in (None, sender):
            raise AnswerError("own_contact")
        number = message.contact.phone_number
        return Parsed(parse_phone(number, question.region_of(record.answers), international=True))
    if question.kind == Kind.LOCATION and message.location is not None:
        return Parsed({"lat": message.location.latitude, "lon": message.location.longitude})
    if message.document is not None or message.photo:
        raise AnswerError("not_expecting_file")
    if message.text is None:
        raise AnswerError("location" if question.kind == Kind.LOCATION else "text_expected")
    return parse_typed(question, message.text, locale, record.answers, today(), record.currency)
