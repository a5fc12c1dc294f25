"""First contact, help, language and /cancel."""

from aiogram import F, Router
from aiogram.filters import Command, CommandObject, CommandStart
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _

from bot.screens.base import Screen
from bot.screens.home import help_screen, language_screen, welcome
from bot.telegram.callbacks import Home, Lang
from bot.telegram.context import Context
from bot.telegram.i18n import LANGUAGES
from bot.telegram.states import Flow
from handlers import actions, emergency, invites
from handlers.menus import refresh_own_menu

HOME_ACTIONS = frozenset({"language", "register", "new", "emergency", "list", "home"})


def router() -> Router:
    r = Router(name="start")

    @r.message(CommandStart(deep_link=True))
    async def start_with_invite(message: Message, command: CommandObject, ctx: Context) -> None:
        """An invite link (`https://t.me/<bot>?start=<token>`)."""
        await invites.redeem(ctx, command.args or "")

    @r.message(CommandStart())
    async def start(message: Message, ctx: Context) -> None:
        """Greet in the person's language and offer the next step (staff: their tools, and
        their own menu set)."""
        await ctx.send(welcome(ctx.person, ctx.role))
        await refresh_own_menu(ctx)

    @r.message(Command("help"))
    async def help_command(message: Message, ctx: Context) -> None:
        await ctx.send(help_screen(ctx.role))
        await refresh_own_menu(ctx)

    @r.message(Command("language"))
    async def language(message: Message, ctx: Context) -> None:
        await ctx.send(language_screen())

    @r.callback_query(Lang.filter(F.code.in_(LANGUAGES)))
    async def chosen(query: CallbackQuery, callback_data: Lang, ctx: Context) -> None:
        """Store the language; everything sent to this person uses it from now on."""
        await ctx.profiles.set_language(callback_data.code)
        await query.answer()
        with ctx.i18n.use_locale(callback_data.code):
            await ctx.send(Screen(_("Language changed.")), help_screen(ctx.role))
            await refresh_own_menu(ctx)

    @r.message(Command("cancel"))
    async def cancel(message: Message, ctx: Context) -> None:
        """Leave the current question; every answer already given stays saved."""
        current = await ctx.fsm.get_state()
        await ctx.fsm.clear()
        if current == Flow.dossier.state:
            text = _("Stopped. Your draft is saved: /dossiers to continue it.")
        elif current == Flow.registering.state:
            text = _("Stopped. What you entered is saved: /profile to continue.")
        else:
            text = _("Nothing to cancel.")
        await ctx.say(text)

    @r.callback_query(Home.filter())
    async def home(query: CallbackQuery, callback_data: Home, ctx: Context) -> None:
        if callback_data.action not in HOME_ACTIONS:  # forged, or of an older version
            await query.answer(_("This button is no longer valid."), show_alert=True)
            await ctx.send(welcome(ctx.person))
            return
        await query.answer()
        if callback_data.action == "language":
            await ctx.send(language_screen())
        elif callback_data.action == "register":
            await actions.begin_registration(ctx, then=None)
        elif callback_data.action == "new":
            await actions.new_dossier(ctx)
        elif callback_data.action == "emergency":
            await emergency.open_report(ctx)
        elif callback_data.action == "list":
            await actions.list_dossiers(ctx)
        else:
            await ctx.send(welcome(ctx.person))

    return r
