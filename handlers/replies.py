"""Sending screens, and showing a person where they are."""

from aiogram import Bot
from aiogram.fsm.context import FSMContext
from aiogram.types import (
    CallbackQuery,
    KeyboardButton,
    Message,
    ReplyKeyboardRemove,
)
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.flow import asked
from bot.domain.forms import Kind
from bot.domain.navigation import REVIEW
from bot.domain.rules import FundingRules
from bot.screens.base import Screen, one_button_keyboard
from bot.screens.home import welcome
from bot.screens.question import question_screen
from bot.screens.registration import registration_screens
from bot.screens.review import review_screens
from bot.services.dossiers import DossierState, load_active
from bot.telegram.states import Flow
from storage.accounts import missing_profile_fields
from storage.models import Account


def chat_of(event: Message | CallbackQuery) -> int:
    if isinstance(event, Message):
        return event.chat.id
    return event.message.chat.id if event.message else event.from_user.id


async def send(bot: Bot, chat_id: int, screens: list[Screen]) -> None:
    for screen in screens:
        await bot.send_message(chat_id, screen.text, reply_markup=screen.markup)


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
    state: DossierState, rules: FundingRules, prefix: str | None = None
) -> list[Screen]:
    """The screens for where the person is in the dossier, `prefix` above the first."""
    if state.cursor.q == REVIEW:
        screens = review_screens(state.dossier, state.files, state.counts, rules, state.editable)
    else:
        answers, files = state.dossier.answers, state.files
        screens = [question_screen(state.dossier.id, answers, state.cursor, files, rules)]
        question = asked(state.cursor)
        extra = device_keyboard(question.kind) if question else None
        if extra is not None:
            screens.append(extra)
    if prefix:
        first = screens[0]
        screens[0] = Screen(prefix + "\n\n" + first.text, first.markup)
    return screens


async def show_position(
    bot: Bot, chat_id: int, state: DossierState, rules: FundingRules, prefix: str | None = None
) -> None:
    await send(bot, chat_id, position_screens(state, rules, prefix))


async def say(bot: Bot, chat_id: int, text: str) -> None:
    """A plain message that also takes away a device keyboard still shown."""
    await bot.send_message(chat_id, text, reply_markup=ReplyKeyboardRemove())


async def show_where(
    bot: Bot,
    chat_id: int,
    session: AsyncSession,
    account: Account,
    fsm: FSMContext,
    rules: FundingRules,
) -> None:
    """After a stale button or an unexpected message: show what the person can do now."""
    current = await fsm.get_state()
    if current == Flow.dossier.state:
        state = await load_active(session, account)
        if state is not None and state.editable:
            await show_position(bot, chat_id, state, rules)
            return
        await fsm.clear()
    if current == Flow.registering.state and missing_profile_fields(account):
        await send(bot, chat_id, registration_screens(account))
        return
    await send(bot, chat_id, [welcome(account, not missing_profile_fields(account))])
