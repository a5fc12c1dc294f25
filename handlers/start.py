"""First contact, help, language and /cancel."""

from aiogram import F, Router
from aiogram.filters import Command, CommandObject, CommandStart
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _

from bot.config import Settings
from bot.conversation import registration
from bot.conversation.emergency_report import open_report
from bot.conversation.invites import redeem
from bot.conversation.menus import refresh_own_menu
from bot.domain.rules import FundingRules
from bot.screens.base import Screen
from bot.screens.home import help_screen, language_screen, welcome
from bot.services.acting import Acting
from bot.services.dossiers import Dossiers
from bot.services.invites import Invites
from bot.services.people import Profiles
from bot.telegram.callbacks import Home, Lang
from bot.telegram.i18n import LANGUAGES
from bot.telegram.reply import Reply
from bot.telegram.states import Flow

HOME_ACTIONS = frozenset({"language", "register", "new", "emergency", "list", "home"})


def router() -> Router:
    r = Router(name="start")

    @r.message(CommandStart(deep_link=True))
    async def start_with_invite(
        message: Message,
        command: CommandObject,
        *,
        acting: Acting,
        reply: Reply,
        state: FSMContext,
        profiles: Profiles,
        invites: Invites,
        settings: Settings,
        rules: FundingRules,
        i18n: I18n,
    ) -> None:
        """An invite link (`https://t.me/<bot>?start=<token>`)."""
        await redeem(
            command.args or "",
            acting=acting,
            reply=reply,
            state=state,
            profiles=profiles,
            invites=invites,
            settings=settings,
            rules=rules,
            i18n=i18n,
        )

    @r.message(CommandStart())
    async def start(
        message: Message, *, acting: Acting, reply: Reply, settings: Settings, i18n: I18n
    ) -> None:
        """Greet in the person's language and offer the next step (staff: their tools, and
        their own menu set)."""
        await reply.send(welcome(acting.person, acting.role))
        await refresh_own_menu(acting=acting, reply=reply, settings=settings, i18n=i18n)

    @r.message(Command("help"))
    async def help_command(
        message: Message, *, acting: Acting, reply: Reply, settings: Settings, i18n: I18n
    ) -> None:
        await reply.send(help_screen(acting.role))
        await refresh_own_menu(acting=acting, reply=reply, settings=settings, i18n=i18n)

    @r.message(Command("language"))
    async def language(message: Message, *, reply: Reply) -> None:
        await reply.send(language_screen())

    @r.callback_query(Lang.filter(F.code.in_(LANGUAGES)))
    async def chosen(
        query: CallbackQuery,
        callback_data: Lang,
        *,
        acting: Acting,
        reply: Reply,
        profiles: Profiles,
        settings: Settings,
        i18n: I18n,
    ) -> None:
        """Store the language; everything sent to this person uses it from now on."""
        await profiles.set_language(callback_data.code)
        await query.answer()
        with i18n.use_locale(callback_data.code):
            await reply.send(Screen(_("Language changed.")), help_screen(acting.role))
            await refresh_own_menu(acting=acting, reply=reply, settings=settings, i18n=i18n)

    @r.message(Command("cancel"))
    async def cancel(message: Message, *, reply: Reply, state: FSMContext) -> None:
        """Leave the current question; every answer already given stays saved."""
        current = await state.get_state()
        await state.clear()
        if current == Flow.dossier.state:
            text = _("Stopped. Your draft is saved: /dossiers to continue it.")
        elif current == Flow.registering.state:
            text = _("Stopped. What you entered is saved: /profile to continue.")
        else:
            text = _("Nothing to cancel.")
        await reply.say(text)

    @r.callback_query(Home.filter())
    async def home(
        query: CallbackQuery,
        callback_data: Home,
        *,
        acting: Acting,
        reply: Reply,
        state: FSMContext,
        dossiers: Dossiers,
        profiles: Profiles,
        rules: FundingRules,
    ) -> None:
        if callback_data.action not in HOME_ACTIONS:  # forged, or of an older version
            await query.answer(_("This button is no longer valid."), show_alert=True)
            await reply.send(welcome(acting.person))
            return
        await query.answer()
        if callback_data.action == "language":
            await reply.send(language_screen())
        elif callback_data.action == "register":
            await registration.begin_registration(
                then=None, acting=acting, reply=reply, state=state, profiles=profiles, rules=rules
            )
        elif callback_data.action == "new":
            await registration.new_dossier(
                acting=acting,
                reply=reply,
                state=state,
                dossiers=dossiers,
                profiles=profiles,
                rules=rules,
            )
        elif callback_data.action == "emergency":
            await open_report(
                acting=acting,
                reply=reply,
                state=state,
                dossiers=dossiers,
                profiles=profiles,
                rules=rules,
            )
        elif callback_data.action == "list":
            await registration.list_dossiers(
                acting=acting,
                reply=reply,
                state=state,
                dossiers=dossiers,
                profiles=profiles,
                rules=rules,
            )
        else:
            await reply.send(welcome(acting.person))

    return r
