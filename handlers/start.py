"""First contact, help, language and /cancel."""

from aiogram import Bot, F, Router
from aiogram.filters import Command, CommandStart
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.rules import FundingRules
from bot.screens.base import Screen
from bot.screens.home import help_screen, language_screen, welcome
from bot.telegram.callbacks import Home, Lang
from bot.telegram.i18n import LANGUAGES
from bot.telegram.states import Flow
from handlers import actions
from handlers.replies import chat_of, say, send
from storage.accounts import missing_profile_fields
from storage.models import Account


def router() -> Router:
    r = Router(name="start")

    @r.message(CommandStart())
    async def start(message: Message, bot: Bot, account: Account) -> None:
        """Greet in the person's language and offer the next step."""
        registered = not missing_profile_fields(account)
        await send(bot, message.chat.id, [welcome(account, registered)])

    @r.message(Command("help"))
    async def help_command(message: Message, bot: Bot) -> None:
        await send(bot, message.chat.id, [help_screen()])

    @r.message(Command("language"))
    async def language(message: Message, bot: Bot) -> None:
        await send(bot, message.chat.id, [language_screen()])

    @r.callback_query(Lang.filter(F.code.in_(LANGUAGES)))
    async def chosen(
        query: CallbackQuery,
        callback_data: Lang,
        bot: Bot,
        account: Account,
        session: AsyncSession,
        i18n: I18n,
    ) -> None:
        """Store the language; everything sent to this person uses it from now on."""
        account.language = callback_data.code
        await session.commit()
        await query.answer()
        with i18n.use_locale(callback_data.code):
            await send(bot, chat_of(query), [Screen(_("Language changed.")), help_screen()])

    @r.message(Command("cancel"))
    async def cancel(message: Message, bot: Bot, state: FSMContext, account: Account) -> None:
        """Leave the current question; every answer already given stays saved."""
        current = await state.get_state()
        await state.clear()
        if current == Flow.dossier.state:
            text = _("Stopped. Your draft is saved: /dossiers to continue it.")
        elif current in (Flow.registering.state, Flow.profile_field.state):
            text = _("Stopped. What you entered is saved: /profile to continue.")
        else:
            text = _("Nothing to cancel.")
        await say(bot, message.chat.id, text)

    @r.callback_query(Home.filter())
    async def home(
        query: CallbackQuery,
        callback_data: Home,
        bot: Bot,
        account: Account,
        session: AsyncSession,
        state: FSMContext,
        rules: FundingRules,
    ) -> None:
        await query.answer()
        chat_id = chat_of(query)
        if callback_data.action == "language":
            await send(bot, chat_id, [language_screen()])
        elif callback_data.action == "register":
            await actions.begin_registration(bot, chat_id, account, state, then=None)
        elif callback_data.action == "new":
            await actions.new_dossier(bot, chat_id, session, account, state, rules)
        elif callback_data.action == "list":
            await actions.list_dossiers(bot, chat_id, session, account, state)
        else:
            await send(bot, chat_id, [welcome(account, not missing_profile_fields(account))])

    return r
