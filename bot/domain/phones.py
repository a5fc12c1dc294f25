"""Phone numbers, with Google's libphonenumber rules (`phonenumbers`): read as the person dials
them in their own country, stored as E.164, shown in international format."""

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumber, PhoneNumberFormat


class PhoneError(ValueError):
    """Not a valid phone number."""


def _region(region: str | None) -> str | None:
    code = (region or "").upper()
    return code if code in phonenumbers.SUPPORTED_REGIONS else None


def _parse(text: str, region: str | None) -> PhoneNumber | None:
    try:
        number = phonenumbers.parse(text, region)
    except NumberParseException:
        return None
    return number if phonenumbers.is_valid_number(number) else None


def parse_phone(text: str, region: str | None = None, *, international: bool = False) -> str:
    """`text` as E.164 (`+221771234567`). Without `+` or `00`, the number is read as dialled in
    `region` (an ISO country code such as "SN"). A number from a shared Telegram contact is
    `international` (country code first, often without `+`). Raises PhoneError."""
    text = text.strip()
    if not text or len(text) > 40 or any(ch.isalpha() for ch in text):
        raise PhoneError(text)  # no vanity letters (1-800-FLOWERS), no words
    home = _region(region)
    candidates = [text]
    if text.startswith("00"):  # the international prefix almost everywhere, region or not
        candidates.append("+" + text[2:])
    if international and not text.startswith("+"):
        candidates.insert(0, "+" + text.removeprefix("00"))
    for candidate in candidates:
        number = _parse(candidate, home)
        if number is not None:
            return phonenumbers.format_number(number, PhoneNumberFormat.E164)
    raise PhoneError(text)


def format_phone(value: str) -> str:
    """A stored number in international format (`+221 77 123 45 67`); as stored if unreadable."""
    try:
        number = phonenumbers.parse(value, None)
    except NumberParseException:
        return value
    return phonenumbers.format_number(number, PhoneNumberFormat.INTERNATIONAL)
