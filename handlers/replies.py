"""Showing a person where they are in a record, and what they can do when they are nowhere."""

from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, KeyboardButton, Message
from aiogram.utils.i18n import gettext as _

from bot.domain.flow import asked
from bot.domain.forms import Kind
from bot.domain.navigation import REVIEW
from bot.domain.records import Record
from bot.domain.rules import FundingRules
from bot.screens.base import Screen, one_button_keyboard
from bot.screens.checklist import review_screens
from bot.screens.home import profile_screen, welcome
from bot.screens.question import question_screen
from bot.services.acting import Acting
from bot.services.records import Records
from bot.telegram.reply import Reply


def chat_of(event: Message | CallbackQuery) -> int:
    if isinstance(event, Message):
        return event.chat.id
    return event.message.chat.id if event.message else event.from_user.id


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
    record: Record, rules: FundingRules, prefix: str | None = None, *, acting: Acting
) -> list[Screen]:
    """The screens for where the person is in the record, `prefix` above the first."""
    if record.cursor.q == REVIEW:
        screens = (
            [profile_screen(acting.person)] if record.is_profile else review_screens(record, rules)
        )
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


async def show_position(
    record: Record, prefix: str | None = None, *, acting: Acting, reply: Reply, rules: FundingRules
) -> None:
    await reply.send(*position_screens(record, rules, prefix, acting=acting))


async def show_where(
    *, acting: Acting, reply: Reply, state: FSMContext, records: Records, rules: FundingRules
) -> None:
    """After a stale button or an unexpected message: show what the person can do now."""
    record = await records.current(state)
    if record is not None and record.editable:
        await show_position(record, acting=acting, reply=reply, rules=rules)
        return
    await state.clear()
    await reply.send(welcome(acting.person))
