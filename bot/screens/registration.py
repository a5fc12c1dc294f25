"""Registration and profile questions."""

from aiogram import html
from aiogram.types import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardRemove,
)
from aiogram.utils.i18n import gettext as _

from bot.domain.forms import Kind, Question
from bot.domain.profile_form import PROFILE, PROFILE_QUESTIONS
from bot.screens.base import Screen, one_button_keyboard
from bot.screens.question import hint
from bot.telegram.callbacks import Profile
from storage.accounts import missing_profile_fields
from storage.models import Account


def profile_question(question: Question, editing: bool) -> list[Screen]:
    number = PROFILE_QUESTIONS.index(question) + 1
    parts = []
    if not editing:
        parts.append(
            "<i>"
            + _("Registration · {number}/{count}").format(
                number=number, count=len(PROFILE_QUESTIONS)
            )
            + "</i>"
        )
    parts.append("<b>" + html.quote(_(question.prompt)) + "</b>")
    if (text := hint(question, {})) is not None:
        parts.append("<i>" + text + "</i>")
    if question.kind == Kind.PHONE:
        button = KeyboardButton(text=_("📱 Share my contact"), request_contact=True)
        screens = [Screen("\n\n".join(parts), one_button_keyboard(button))]
    else:
        screens = [Screen("\n\n".join(parts), ReplyKeyboardRemove())]
    if editing:
        cancel = InlineKeyboardButton(
            text=_("↩ Cancel"), callback_data=Profile(action="show").pack()
        )
        screens.append(
            Screen(
                _("Or keep the current value:"), InlineKeyboardMarkup(inline_keyboard=[[cancel]])
            )
        )
    return screens


def registration_screens(account: Account) -> list[Screen]:
    """The next registration question; the first missing field of the profile."""
    missing = missing_profile_fields(account)
    return profile_question(PROFILE[missing[0]], editing=False) if missing else []
