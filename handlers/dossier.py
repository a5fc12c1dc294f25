"""Dossier commands and the dossier menu: open, sections, jump, review, submit, delete."""

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from aiogram import Bot, Router, html
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.domain.dates import format_long
from bot.domain.flow import jump
from bot.domain.forms import QUESTIONS, SECTIONS
from bot.domain.navigation import Cursor
from bot.domain.rules import FundingRules
from bot.domain.workflow import applicant_can_delete
from bot.screens.base import Screen
from bot.screens.cards import secretariat_card
from bot.screens.common import locale
from bot.screens.home import dossier_title, statuses_screen
from bot.screens.review import first_missing, review_screens, section_screen, sections_screen
from bot.services import dossiers as service
from bot.telegram.callbacks import Menu
from bot.telegram.states import Flow
from bot.workers.outbox import OutboxWorker
from handlers import actions
from handlers.inputs import today
from handlers.replies import chat_of, send, show_position
from storage.dossiers import city_dossiers
from storage.models import Account, Dossier
from storage.outbox import enqueue

log = logging.getLogger(__name__)


@dataclass
class MenuContext:
    bot: Bot
    chat_id: int
    session: AsyncSession
    account: Account
    fsm: FSMContext
    state: service.DossierState
    rules: FundingRules
    settings: Settings
    outbox: OutboxWorker
    i18n: I18n
    value: str

    async def go(self, cursor: Cursor) -> None:
        await service.move_to(self.session, self.account, self.state, cursor)
        await self.fsm.set_state(Flow.dossier)
        await show_position(self.bot, self.chat_id, self.state, self.rules)

    async def show(self, *screens: Screen) -> None:
        await send(self.bot, self.chat_id, list(screens))

    async def review(self) -> None:
        s = self.state
        await self.show(*review_screens(s.dossier, s.files, s.counts, self.rules, s.editable))


def _confirm(dossier_id: int, yes: str, yes_action: str, no: str) -> InlineKeyboardMarkup:
    def button(text: str, action: str) -> list[InlineKeyboardButton]:
        data = Menu(dossier=dossier_id, action=action).pack()
        return [InlineKeyboardButton(text=text, callback_data=data)]

    return InlineKeyboardMarkup(inline_keyboard=[button(yes, yes_action), button(no, "resume")])


async def _resume(c: MenuContext) -> None:
    if not c.state.editable:
        await c.review()
        return
    await service.activate(c.session, c.account, c.state)
    await c.fsm.set_state(Flow.dossier)
    await show_position(c.bot, c.chat_id, c.state, c.rules)


async def _sections(c: MenuContext) -> None:
    await c.show(sections_screen(c.state.dossier, c.state.checks(c.rules)))


async def _section(c: MenuContext) -> None:
    if not c.value.isdigit() or int(c.value) >= len(SECTIONS):
        await _sections(c)
        return
    index = int(c.value)
    check = c.state.checks(c.rules)[index]
    await c.show(section_screen(c.state.dossier, index, c.state.counts, check))


async def _jump(c: MenuContext) -> None:
    if c.value in QUESTIONS:
        await c.go(jump(c.value))
    else:
        await _sections(c)


async def _fix(c: MenuContext) -> None:
    target = first_missing(c.state.checks(c.rules), c.state.dossier.answers)
    if target is None:
        await c.review()
    else:
        await c.go(jump(target))


async def _ask_submit(c: MenuContext) -> None:
    title = html.quote(dossier_title(c.state.dossier))
    text = _(
        "Submit “{title}” to the Permanent Secretariat? After this it can no longer be changed "
        "here."
    ).format(title=title)
    markup = _confirm(c.state.dossier.id, _("📤 Yes, submit"), "submit_ok", _("✖ Not now"))
    await c.show(Screen(text, markup))


async def _submit(c: MenuContext) -> None:
    def notify(dossier: Dossier) -> None:
        if c.settings.secretariat_chat_id is None:
            log.warning("SECRETARIAT_CHAT_ID is not set: no card for %s", dossier.reference)
            return
        with c.i18n.use_locale(c.settings.notify_language):
            card = secretariat_card(dossier, c.account)
        enqueue(c.session, c.settings.secretariat_chat_id, card)

    day = today()
    result = await service.submit(
        c.session, c.account, c.state, c.rules, c.settings.sessions(day), day, notify
    )
    if result is None:
        await c.review()
        return
    c.outbox.wake()
    await c.fsm.clear()
    lines = [
        "<b>"
        + _("📤 Dossier submitted. Its reference is {reference}.").format(
            reference=result.reference
        )
        + "</b>",
        _(
            "It is now in the Permanent Secretariat's queue; you will be told here of every "
            "change of its status."
        ),
    ]
    if result.session is not None:
        lines.append(
            _("Next Bureau session it can go to: {session} (dossiers due by {deadline}).").format(
                session=format_long(result.session.held_on, locale()),
                deadline=format_long(result.session.deadline, locale()),
            )
        )
    lines.append(_("/status shows where each of your dossiers stands."))
    await c.show(Screen("\n\n".join(lines)))


async def _ask_delete(c: MenuContext) -> None:
    title = html.quote(dossier_title(c.state.dossier))
    text = _("Delete the draft “{title}” and its files? This cannot be undone.").format(title=title)
    markup = _confirm(c.state.dossier.id, _("🗑 Yes, delete it"), "delete_ok", _("✖ No, keep it"))
    await c.show(Screen(text, markup))


async def _delete(c: MenuContext) -> None:
    if not applicant_can_delete(c.state.dossier.status):
        await c.review()
        return
    await service.delete(c.session, c.state)
    await c.fsm.clear()
    await c.show(Screen(_("The draft has been deleted.")))
    await actions.list_dossiers(c.bot, c.chat_id, c.session, c.account, c.fsm)


ACTIONS: dict[str, Callable[[MenuContext], Awaitable[None]]] = {
    "open": _resume,
    "resume": _resume,
    "review": lambda c: c.review(),
    "sections": _sections,
    "section": _section,
    "jump": _jump,
    "fix": _fix,
    "submit": _ask_submit,
    "submit_ok": _submit,
    "delete": _ask_delete,
    "delete_ok": _delete,
}
READ_ONLY_ACTIONS = frozenset({"open", "review"})


def router() -> Router:
    r = Router(name="dossier")

    @r.message(Command("new"))
    async def new(
        message: Message,
        bot: Bot,
        session: AsyncSession,
        account: Account,
        state: FSMContext,
        rules: FundingRules,
    ) -> None:
        """Open a new dossier (registering first if needed)."""
        await actions.new_dossier(bot, message.chat.id, session, account, state, rules)

    @r.message(Command("dossiers"))
    async def dossiers(
        message: Message, bot: Bot, session: AsyncSession, account: Account, state: FSMContext
    ) -> None:
        """List the city's dossiers, to continue a draft or view a submitted one."""
        await actions.list_dossiers(bot, message.chat.id, session, account, state)

    @r.message(Command("status"))
    async def status(message: Message, bot: Bot, session: AsyncSession, account: Account) -> None:
        """Show each of the city's dossiers with its status."""
        if account.city_id is None:
            await send(bot, message.chat.id, [Screen(_("Register first with /start."))])
            return
        dossiers = await city_dossiers(session, account.city_id)
        await send(bot, message.chat.id, [statuses_screen(dossiers)])

    @r.callback_query(Menu.filter())
    async def menu(
        query: CallbackQuery,
        callback_data: Menu,
        bot: Bot,
        session: AsyncSession,
        account: Account,
        state: FSMContext,
        rules: FundingRules,
        settings: Settings,
        outbox: OutboxWorker,
        i18n: I18n,
    ) -> None:
        """A dossier-level button: checked against owner and status before anything happens."""
        chat_id = chat_of(query)
        dossier_state = await service.load(session, account, callback_data.dossier)
        if dossier_state is None:
            await query.answer(_("This dossier is not available to you."), show_alert=True)
            await actions.list_dossiers(bot, chat_id, session, account, state)
            return
        action = callback_data.action
        if action not in ACTIONS:
            action = "resume"
        if not dossier_state.editable and action not in READ_ONLY_ACTIONS:
            await query.answer(_("This dossier has been submitted: it is read-only."), True)
            action = "review"
        else:
            await query.answer()
        context = MenuContext(
            bot,
            chat_id,
            session,
            account,
            state,
            dossier_state,
            rules,
            settings,
            outbox,
            i18n,
            callback_data.value,
        )
        await ACTIONS[action](context)

    return r
