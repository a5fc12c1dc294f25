"""Steps several routers lead to: registration, a new dossier, the list of dossiers."""

from aiogram import Bot
from aiogram.fsm.context import FSMContext
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.profile_form import PROFILE_QUESTIONS
from bot.domain.rules import FundingRules
from bot.screens.base import Screen
from bot.screens.home import dossiers_screen
from bot.screens.registration import registration_screens
from bot.services.dossiers import open_new
from bot.telegram.states import Flow
from handlers.replies import send, show_position
from storage.accounts import missing_profile_fields
from storage.dossiers import city_dossiers
from storage.models import Account


async def begin_registration(
    bot: Bot, chat_id: int, account: Account, state: FSMContext, then: str | None
) -> None:
    """Ask the first missing profile field; `then="new"` opens a dossier when done."""
    await state.set_state(Flow.registering)
    await state.set_data({"then": then})
    count = len(PROFILE_QUESTIONS)
    intro = Screen(
        ngettext(
            "First, a few words about you and your city ({count} short question).",
            "First, a few words about you and your city ({count} short questions).",
            count,
        ).format(count=count)
    )
    await send(bot, chat_id, [intro, *registration_screens(account)])


async def new_dossier(
    bot: Bot,
    chat_id: int,
    session: AsyncSession,
    account: Account,
    state: FSMContext,
    rules: FundingRules,
) -> None:
    if missing_profile_fields(account) or account.city_id is None:
        await begin_registration(bot, chat_id, account, state, then="new")
        return
    dossier_state = await open_new(session, account)
    await state.set_state(Flow.dossier)
    intro = _(
        "A new dossier is open. I ask one question at a time; every answer is saved at once, "
        "so you can stop and come back whenever you like."
    )
    await show_position(bot, chat_id, dossier_state, rules, prefix=intro)


async def list_dossiers(
    bot: Bot, chat_id: int, session: AsyncSession, account: Account, state: FSMContext
) -> None:
    if account.city_id is None:
        await begin_registration(bot, chat_id, account, state, then=None)
        return
    await send(bot, chat_id, [dossiers_screen(await city_dossiers(session, account.city_id))])
