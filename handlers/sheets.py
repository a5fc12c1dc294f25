"""Spreadsheets and charts: `/export` (the Secretariat's queue as XLSX), `/agenda` and the
session buttons (a Bureau session's agenda, its budget), `/stats` (charts), and a city's own
dossiers as XLSX for its officials. Files are generated in a worker thread, never on the event
loop; every command and button checks the presser's right again, whatever the button says."""

import asyncio
from datetime import date

from aiogram import F, Router
from aiogram.filters import Command, CommandObject
from aiogram.fsm.context import FSMContext
from aiogram.types import BufferedInputFile, CallbackQuery, InputMediaPhoto, Message
from aiogram.utils.i18n import I18n, ngettext
from aiogram.utils.i18n import gettext as _

from bot.conversation import registration
from bot.conversation.decisions import DraftSteps, settle_amount
from bot.conversation.documents import send_workbook
from bot.conversation.dossier_views import read_filter
from bot.conversation.notes import Asked, NoteHandler, Purpose, ask_note
from bot.conversation.rights import deny
from bot.domain.agenda import Agenda, Budget
from bot.domain.answers import AnswerError
from bot.domain.decisions import BUDGET, Draft
from bot.domain.fund_form import CURRENCIES
from bot.domain.numbers import NumberError, read_money
from bot.domain.refusals import Gone
from bot.domain.review import QueueFilter
from bot.domain.roles import Action
from bot.domain.rules import FundingRules
from bot.domain.sessions import BureauSession
from bot.screens.base import Screen
from bot.screens.charts import render_chart, stats_charts
from bot.screens.common import locale
from bot.screens.errors import refusal
from bot.screens.projects import grant_figures_text
from bot.screens.sheets import (
    agenda_keyboard,
    agenda_summary,
    agenda_tables,
    city_tables,
    long_day,
    nothing_to_export,
    queue_tables,
)
from bot.services.acting import Acting
from bot.services.documents import agenda_pdf
from bot.services.projects import Projects
from bot.services.rights import NotAllowed
from bot.services.sheets import Sheets
from bot.telegram.callbacks import Sheet
from bot.telegram.inject import Inject
from bot.telegram.inputs import today
from bot.telegram.reply import Reply

EVERY = frozenset({"all", "tout", "tous", "الكل"})  # `/export all`: every submitted dossier


def _count(count: int) -> str:
    return ngettext("{count} dossier", "{count} dossiers", count).format(count=count)


async def export_queue(
    words: list[str],
    *,
    acting: Acting,
    reply: Reply,
    sheets: Sheets,
    rules: FundingRules,
    i18n: I18n,
) -> None:
    if not acting.may(Action.REVIEW_DOSSIERS):
        await deny(reply=reply)
        return
    every = any(w.casefold() in EVERY for w in words)
    typed = " ".join(w for w in words if w.casefold() not in EVERY)
    wanted = await read_filter(typed, await sheets.sessions(), reply=reply)
    if wanted is not None:
        await export_filtered(wanted, every, reply=reply, sheets=sheets, rules=rules, i18n=i18n)


async def export_filtered(
    wanted: QueueFilter,
    every: bool = False,
    *,
    reply: Reply,
    sheets: Sheets,
    rules: FundingRules,
    i18n: I18n,
) -> None:
    dossiers = await sheets.queue(wanted, every=every)
    if not dossiers:
        filtered = wanted.narrowed
        await reply.send(Screen(nothing_to_export(filtered=filtered, every=every)))
        return
    caption = _("The queue as a spreadsheet: {count}.").format(count=_count(len(dossiers)))
    name = f"queue-{today().isoformat()}.xlsx"
    await send_workbook(
        lambda: queue_tables(dossiers, rules), name, caption, reply=reply, i18n=i18n
    )


async def export_city(
    *, acting: Acting, reply: Reply, sheets: Sheets, rules: FundingRules, i18n: I18n
) -> None:
    """The person's own city's dossiers: no payload names a city, so no other can be asked."""
    if await registration.refused_here(acting=acting, reply=reply):
        return
    dossiers = await sheets.city()  # none of a city: the glue asks to register first
    if not dossiers:
        await reply.send(Screen(nothing_to_export(filtered=False, every=True, city=True)))
        return
    caption = _("Your city's dossiers as a spreadsheet: {count}.").format(
        count=_count(len(dossiers))
    )
    name = f"dossiers-{today().isoformat()}.xlsx"
    await send_workbook(lambda: city_tables(dossiers, rules), name, caption, reply=reply, i18n=i18n)


async def send_agenda(agenda: Agenda, *, reply: Reply, i18n: I18n) -> None:
    """The summary, then the agenda as XLSX (to work in) and as PDF (to circulate)."""
    await reply.send(Screen(agenda_summary(agenda), agenda_keyboard(agenda.session)))
    held_on = agenda.session.held_on.isoformat()
    caption = _("Agenda of the Bureau session of {day}: {count}.").format(
        day=long_day(agenda.session.held_on), count=_count(len(agenda.items))
    )
    await send_workbook(
        lambda: agenda_tables(agenda), f"agenda-{held_on}.xlsx", caption, reply=reply, i18n=i18n
    )
    name, content = await agenda_pdf(agenda, today())
    await reply.bot.send_document(
        reply.chat_id,
        BufferedInputFile(content, filename=name),
        caption="📄 " + caption,
        message_thread_id=reply.thread_id,
    )


def _pick(sessions: list[BureauSession], words: list[str], now: date) -> BureauSession | None:
    """The session named by its date, else the next one (else the last one held)."""
    if words:
        return next((s for s in sessions if s.held_on.isoformat() == words[0]), None)
    coming = [s for s in sessions if s.held_on >= now]
    if coming:
        return coming[0]
    return sessions[-1] if sessions else None


async def agenda_command(
    words: list[str], *, acting: Acting, reply: Reply, sheets: Sheets, i18n: I18n
) -> None:
    if not acting.may(Action.REVIEW_DOSSIERS):
        await deny(reply=reply)
        return
    sessions = await sheets.sessions()
    chosen = _pick(sessions, words, today())
    if chosen is None or chosen.id is None:
        await reply.send(
            Screen(
                _("No Bureau session has this date.")
                if words and sessions
                else _("No Bureau session is planned yet: add one with /sessions add.")
            )
        )
        return
    await send_agenda(await sheets.agenda(chosen.id), reply=reply, i18n=i18n)


async def ask_budget(session_id: int, *, reply: Reply, state: FSMContext, sheets: Sheets) -> None:
    await _ask_budget(await sheets.agenda(session_id), reply=reply, state=state)


async def _ask_budget(agenda: Agenda, *, reply: Reply, state: FSMContext) -> None:
    session_id = agenda.session.id or 0
    prompt = _(
        "Budget of the Bureau session of {day}? An amount and its currency, "
        "for example 1 500 000 EUR."
    ).format(day=long_day(agenda.session.held_on))
    await ask_note(Purpose.SESSION_BUDGET, session_id, prompt, reply=reply, state=state)


def notes() -> dict[Purpose, NoteHandler]:
    return {Purpose.SESSION_BUDGET: budget_typed}


async def budget_typed(
    asked: Asked, text: str, *, reply: Reply, state: FSMContext, inject: Inject, sheets: Sheets
) -> None:
    """The budget typed after "💶 Budget": read as money in the staff member's locale."""
    session_id = asked.target
    current = await sheets.agenda(session_id)  # refused (the right, the session): the glue
    default = current.budget.currency if current.budget is not None else "EUR"
    try:
        typed = read_money(text, locale(), CURRENCIES, default=default)
    except NumberError as error:
        problem = AnswerError(f"number_{error.code}", **error.details)
        await reply.send(Screen("⚠️ " + refusal(problem)))
        await ask_budget(session_id, reply=reply, state=state, sheets=sheets)
        return
    draft = Draft(BUDGET, session_id, "budget", currency=typed.currency)
    await settle_amount(
        draft, typed.amount, typed.typed, _budget_read, reply=reply, state=state, inject=inject
    )  # one asked back


async def _budget_read(draft: Draft, *, reply: Reply, state: FSMContext, sheets: Sheets) -> None:
    """The budget's amount is known (chosen, if it read two ways): stored, the summary shown."""
    if draft.amount is None or draft.currency is None:
        await ask_budget(draft.target, reply=reply, state=state, sheets=sheets)
        return
    await sheets.set_budget(draft.target, Budget(draft.amount, draft.currency))
    agenda = await sheets.agenda(draft.target)
    await reply.send(Screen(agenda_summary(agenda), agenda_keyboard(agenda.session)))


async def _budget_again(draft: Draft, *, reply: Reply, state: FSMContext, sheets: Sheets) -> None:
    await ask_budget(draft.target, reply=reply, state=state, sheets=sheets)


def steps() -> DraftSteps:
    """A budget is not a decision told to a city: no preview, only an ambiguous amount asked
    back."""
    return DraftSteps(_budget_read, _budget_read, _budget_again)


async def send_stats(*, reply: Reply, projects: Projects, sheets: Sheets) -> None:
    stats = await sheets.stats()  # staff only: the glue refuses anyone else
    if stats.empty:
        await reply.send(Screen(_("No dossier has been submitted yet: nothing to chart.")))
        return
    images = await asyncio.to_thread(lambda: [render_chart(c) for c in stats_charts(stats)])
    caption = _("The Secretariat's figures on {day}: {count} submitted.").format(
        day=long_day(today()), count=_count(sum(stats.by_status.values()))
    )
    media = [
        InputMediaPhoto(
            media=BufferedInputFile(png, filename=f"chart-{n}.png"),
            caption=caption if n == 1 else None,
        )
        for n, png in enumerate(images, 1)
    ]
    await reply.bot.send_media_group(reply.chat_id, media, message_thread_id=reply.thread_id)
    grants = await projects.figures()
    if grants is not None and grants[0]:
        await reply.send(Screen(grant_figures_text(*grants)))


def _staff(*, acting: Acting) -> None:
    """Staff only, before a button is answered (the use case checks again)."""
    if not acting.may(Action.REVIEW_DOSSIERS):
        raise NotAllowed(Action.REVIEW_DOSSIERS)


def router() -> Router:
    r = Router(name="sheets")

    @r.message(Command("export"))
    async def export(
        message: Message,
        command: CommandObject,
        *,
        acting: Acting,
        reply: Reply,
        sheets: Sheets,
        rules: FundingRules,
        i18n: I18n,
    ) -> None:
        """`/export [status] [country] [sector] [session date] [flagged] [all]`: the queue."""
        await export_queue(
            (command.args or "").split(),
            acting=acting,
            reply=reply,
            sheets=sheets,
            rules=rules,
            i18n=i18n,
        )

    @r.message(Command("agenda"))
    async def agenda(
        message: Message,
        command: CommandObject,
        *,
        acting: Acting,
        reply: Reply,
        sheets: Sheets,
        i18n: I18n,
    ) -> None:
        """`/agenda [2027-04-28]`: a Bureau session's agenda (the next one by default)."""
        await agenda_command(
            (command.args or "").split(), acting=acting, reply=reply, sheets=sheets, i18n=i18n
        )

    @r.message(Command("stats"))
    async def stats(message: Message, *, reply: Reply, projects: Projects, sheets: Sheets) -> None:
        await send_stats(reply=reply, projects=projects, sheets=sheets)

    @r.callback_query(Sheet.filter(F.action == "city"))
    async def city_sheet(
        query: CallbackQuery,
        *,
        acting: Acting,
        reply: Reply,
        sheets: Sheets,
        rules: FundingRules,
        i18n: I18n,
    ) -> None:
        """A city's own dossiers: the button names no city, so no other can be asked."""
        await query.answer()
        await export_city(acting=acting, reply=reply, sheets=sheets, rules=rules, i18n=i18n)

    @r.callback_query(Sheet.filter(F.action == "agenda"))
    async def agenda_sheet(
        query: CallbackQuery, callback_data: Sheet, *, reply: Reply, sheets: Sheets, i18n: I18n
    ) -> None:
        agenda = await sheets.agenda(callback_data.session)  # refused: the glue says why
        await query.answer()
        await send_agenda(agenda, reply=reply, i18n=i18n)

    @r.callback_query(Sheet.filter(F.action == "budget"))
    async def budget(
        query: CallbackQuery,
        callback_data: Sheet,
        *,
        reply: Reply,
        state: FSMContext,
        sheets: Sheets,
    ) -> None:
        agenda = await sheets.agenda(callback_data.session)
        await query.answer()
        await _ask_budget(agenda, reply=reply, state=state)

    @r.callback_query(Sheet.filter(F.action == "queue"))
    async def queue_sheet(
        query: CallbackQuery,
        callback_data: Sheet,
        *,
        acting: Acting,
        reply: Reply,
        sheets: Sheets,
        rules: FundingRules,
        i18n: I18n,
    ) -> None:
        """ "📊" under /queue: the same filter, every page."""
        _staff(acting=acting)
        await query.answer()
        await export_filtered(
            QueueFilter.unpack(callback_data.value),
            reply=reply,
            sheets=sheets,
            rules=rules,
            i18n=i18n,
        )

    @r.callback_query(Sheet.filter())
    async def unknown(query: CallbackQuery, *, acting: Acting) -> None:
        """Any other action: an old or forged button."""
        _staff(acting=acting)
        raise Gone("button")

    return r
