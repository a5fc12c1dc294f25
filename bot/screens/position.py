"""Where a person is in a record: the question asked now (with a device keyboard for a phone
or a location), or the record's review (the profile's screen, for the profile)."""

from aiogram.types import KeyboardButton
from aiogram.utils.i18n import gettext as _

from bot.domain.flow import asked
from bot.domain.forms import Kind
from bot.domain.navigation import REVIEW
from bot.domain.records import Person, Record
from bot.domain.rules import FundingRules
from bot.screens.base import Screen, one_button_keyboard
from bot.screens.checklist import review_screens
from bot.screens.home import profile_screen
from bot.screens.question import question_screen


def device_keyboard(kind: Kind) -> Screen | None:
    """Phone and location can come from the device: a reply keyboard offers that."""
    if kind == Kind.PHONE:
        button = KeyboardButton(text=_("📱 Share my contact"), request_contact=True)
        text = _("Or tap the button below to share your phone number.")
    elif kind == Kind.LOCATION:
        button = KeyboardButton(text=_("📍 Send the location"), request_location=True)
        text = _("Or tap the button below to send where you are now.")
    else:
        return None
    return Screen(text, one_button_keyboard(button))


def position_screens(
    record: Record, person: Person, rules: FundingRules, prefix: str | None = None
) -> list[Screen]:
    """The screens for where the person is in the record, `prefix` above the first."""
    if record.cursor.q == REVIEW:
        screens = [profile_screen(person)] if record.is_profile else review_screens(record, rules)
    else:
        screens = [question_screen(record, rules)]
        question = asked(record.form, record.cursor)
        extra = device_keyboard(question.kind) if question else None
        if extra is not None:
            screens.append(extra)
    if prefix:
        first = screens[0]
        screens[0] = Screen(prefix + "\n\n" + first.text, first.markup)
    return screens
