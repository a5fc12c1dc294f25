"""Registration (once) and the profile: who the person is and which city they act for."""

from aiogram import Bot, F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.answers import AnswerError
from bot.domain.profile_form import PROFILE
from bot.domain.rules import FundingRules
from bot.screens.base import Screen
from bot.screens.common import locale
from bot.screens.errors import refusal
from bot.screens.home import profile_screen
from bot.screens.registration import profile_question, registration_screens
from bot.telegram.callbacks import Profile
from bot.telegram.filters import NotCommand
from bot.telegram.states import Flow
from handlers import actions
from handlers.inputs import answer_from
from handlers.replies import chat_of, say, send
from storage.accounts import link_city, missing_profile_fields
from storage.models import Account


async def save_field(session: AsyncSession, account: Account, key: str, value: str) -> None:
    """Store one profile answer; a new city or country re-links the person to their city."""
    setattr(account, key, value)
    if key in ("city_name", "country"):
        previous_city = account.city_id
        await link_city(session, account)
        if account.city_id != previous_city:
            account.active_dossier_id = None
    await session.commit()


def router() -> Router:
    r = Router(name="profile")

    @r.message(Command("profile"))
    async def profile(message: Message, bot: Bot, account: Account, state: FSMContext) -> None:
        if missing_profile_fields(account):
            await actions.begin_registration(bot, message.chat.id, account, state, then=None)
            return
        await send(bot, message.chat.id, [profile_screen(account)])

    @r.message(StateFilter(Flow.registering), NotCommand())
    async def registering(
        message: Message,
        bot: Bot,
        account: Account,
        session: AsyncSession,
        state: FSMContext,
        rules: FundingRules,
    ) -> None:
        missing = missing_profile_fields(account)
        if missing:
            question = PROFILE[missing[0]]
            try:
                parsed = answer_from(question, message, locale(), {"country": account.country})
            except AnswerError as error:
                await send(bot, message.chat.id, [Screen("⚠️ " + refusal(error))])
                await send(bot, message.chat.id, registration_screens(account))
                return
            await save_field(session, account, question.key, parsed.value)
        if missing_profile_fields(account):
            await send(bot, message.chat.id, registration_screens(account))
            return
        then = (await state.get_data()).get("then")
        await state.clear()
        await say(bot, message.chat.id, _("Thank you, your profile is saved."))
        if then == "new":
            await actions.new_dossier(bot, message.chat.id, session, account, state, rules)
        else:
            await send(bot, message.chat.id, [profile_screen(account)])
            await actions.list_dossiers(bot, message.chat.id, session, account, state)

    @r.callback_query(Profile.filter(F.action == "edit"))
    async def edit(
        query: CallbackQuery, callback_data: Profile, bot: Bot, state: FSMContext
    ) -> None:
        await query.answer()
        question = PROFILE.get(callback_data.value)
        if question is None:
            return
        await state.set_state(Flow.profile_field)
        await state.set_data({"field": question.key})
        await send(bot, chat_of(query), profile_question(question, editing=True))

    @r.callback_query(Profile.filter(F.action == "show"))
    async def show(query: CallbackQuery, bot: Bot, account: Account, state: FSMContext) -> None:
        await query.answer()
        if await state.get_state() == Flow.profile_field.state:
            await state.clear()
        await send(bot, chat_of(query), [profile_screen(account)])

    @r.message(StateFilter(Flow.profile_field), NotCommand())
    async def editing(
        message: Message, bot: Bot, account: Account, session: AsyncSession, state: FSMContext
    ) -> None:
        question = PROFILE.get((await state.get_data()).get("field", ""))
        if question is None:
            await state.clear()
            await send(bot, message.chat.id, [profile_screen(account)])
            return
        try:
            parsed = answer_from(question, message, locale(), {"country": account.country})
        except AnswerError as error:
            await send(bot, message.chat.id, [Screen("⚠️ " + refusal(error))])
            await send(bot, message.chat.id, profile_question(question, editing=True))
            return
        await save_field(session, account, question.key, parsed.value)
        await state.clear()
        await say(bot, message.chat.id, _("Saved."))
        await send(bot, message.chat.id, [profile_screen(account)])

    return r
