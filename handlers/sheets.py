"""Spreadsheets and charts: `/export` (the Secretariat's queue as XLSX), `/agenda` and the
session buttons (a Bureau session's agenda, its budget), `/stats` (charts), and a city's own
dossiers as XLSX for its officials. Files are generated in a worker thread, never on the event
loop; every command and button checks the presser's right again, whatever the button says."""

import asyncio
from collections.abc import Callable
from datetime import date

from aiogram import F, Router
from aiogram.filters import Command, CommandObject
from aiogram.types import BufferedInputFile, CallbackQuery, InputMediaPhoto, Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext

from bot.domain.agenda import Agenda, Budget
from bot.domain.answers import AnswerError
from bot.domain.decisions import BUDGET, Draft
from bot.domain.fund_form import CURRENCIES
from bot.domain.numbers import NumberError, read_money
from bot.domain.refusals import Gone
from bot.domain.review import QueueFilter
from bot.domain.roles import Action
from bot.domain.sessions import BureauSession
from bot.screens.base import Screen
from bot.screens.charts import render_chart, stats_charts
from bot.screens.common import locale
from bot.screens.errors import refusal
from bot.screens.projects import grant_figures_text
from bot.screens.sheets import (
    Table,
    agenda_keyboard,
    agenda_summary,
    agenda_tables,
    city_tables,
    long_day,
    nothing_to_export,
    queue_tables,
    write_workbook,
)
from bot.services.documents import agenda_pdf
from bot.services.rights import NotAllowed
from bot.telegram.callbacks import Sheet
from bot.telegram.context import Context
from handlers import actions
from handlers.decisions import DraftSteps, settle_amount
from handlers.inputs import today
from handlers.notes import Asked, NoteHandler, Purpose, ask_note
from handlers.review import read_filter
from handlers.rights import deny

EVERY = frozenset({"all", "tout", "tous", "الكل"})  # `/export all`: every submitted dossier


async def send_workbook(
    ctx: Context, tables: Callable[[], list[Table]], name: str, caption: str
) -> None:
    """Build the tables and write the file in a worker thread (it inherits this update's
    context, so the reader's language), then send it as a document."""
    right_to_left = ctx.language == "ar"
    data = await asyncio.to_thread(lambda: write_workbook(tables(), right_to_left))
    await ctx.bot.send_document(
        ctx.chat_id,
        BufferedInputFile(data, filename=name),
        caption=caption,
        message_thread_id=ctx.thread_id,
    )


def _count(count: int) -> str:
    return ngettext("{count} dossier", "{count} dossiers", count).format(count=count)


async def export_queue(ctx: Context, words: list[str]) -> None:
    if not ctx.may(Action.REVIEW_DOSSIERS):
        await deny(ctx)
        return
    every = any(w.casefold() in EVERY for w in words)
    typed = " ".join(w for w in words if w.casefold() not in EVERY)
    wanted = await read_filter(ctx, typed, await ctx.sheets.sessions())
    if wanted is not None:
        await export_filtered(ctx, wanted, every)


async def export_filtered(ctx: Context, wanted: QueueFilter, every: bool = False) -> None:
    dossiers = await ctx.sheets.queue(wanted, every=every)
    if not dossiers:
        filtered = wanted.narrowed
        await ctx.send(Screen(nothing_to_export(filtered=filtered, every=every)))
        return
    caption = _("The queue as a spreadsheet: {count}.").format(count=_count(len(dossiers)))
    name = f"queue-{today().isoformat()}.xlsx"
    await send_workbook(ctx, lambda: queue_tables(dossiers, ctx.rules), name, caption)


async def export_city(ctx: Context) -> None:
    """The person's own city's dossiers: no payload names a city, so no other can be asked."""
    if await actions.refused_here(ctx):
        return
    dossiers = await ctx.sheets.city()  # none of a city: the glue asks to register first
    if not dossiers:
        await ctx.send(Screen(nothing_to_export(filtered=False, every=True, city=True)))
        return
    caption = _("Your city's dossiers as a spreadsheet: {count}.").format(
        count=_count(len(dossiers))
    )
    name = f"dossiers-{today().isoformat()}.xlsx"
    await send_workbook(ctx, lambda: city_tables(dossiers, ctx.rules), name, caption)


async def send_agenda(ctx: Context, agenda: Agenda) -> None:
    """The summary, then the agenda as XLSX (to work in) and as PDF (to circulate)."""
    await ctx.send(Screen(agenda_summary(agenda), agenda_keyboard(agenda.session)))
    held_on = agenda.session.held_on.isoformat()
    caption = _("Agenda of the Bureau session of {day}: {count}.").format(
        day=long_day(agenda.session.held_on), count=_count(len(agenda.items))
    )
    await send_workbook(ctx, lambda: agenda_tables(agenda), f"agenda-{held_on}.xlsx", caption)
    name, content = await agenda_pdf(agenda, today())
    await ctx.bot.send_document(
        ctx.chat_id,
        BufferedInputFile(content, filename=name),
        caption="📄 " + caption,
        message_thread_id=ctx.thread_id,
    )


def _pick(sessions: list[BureauSession], words: list[str], now: date) -> BureauSession | None:
    """The session named by its date, else the next one (else the last one held)."""
    if words:
        return next((s for s in sessions if s.held_on.isoformat() == words[0]), None)
    coming = [s for s in sessions if s.held_on >= now]
    if coming:
        return coming[0]
    return sessions[-1] if sessions else None


async def agenda_command(ctx: Context, words: list[str]) -> None:
    if not ctx.may(Action.REVIEW_DOSSIERS):
        await deny(ctx)
        return
    sessions = await ctx.sheets.sessions()
    chosen = _pick(sessions, words, today())
    if chosen is None or chosen.id is None:
        await ctx.send(
            Screen(
                _("No Bureau session has this date.")
                if words and sessions
                else _("No Bureau session is planned yet: add one with /sessions add.")
            )
        )
        return
    await send_agenda(ctx, await ctx.sheets.agenda(chosen.id))


async def ask_budget(ctx: Context, session_id: int) -> None:
    await _ask_budget(ctx, await ctx.sheets.agenda(session_id))


async def _ask_budget(ctx: Context, agenda: Agenda) -> None:
    session_id = agenda.session.id or 0
    prompt = _(
        "Budget of the Bureau session of {day}? An amount and its currency, "
        "for example 1 500 000 EUR."
    ).format(day=long_day(agenda.session.held_on))
    await ask_note(ctx, Purpose.SESSION_BUDGET, session_id, prompt)


def notes() -> dict[Purpose, NoteHandler]:
    return {Purpose.SESSION_BUDGET: budget_typed}


async def budget_typed(ctx: Context, asked: Asked, text: str) -> None:
    """The budget typed after "💶 Budget": read as money in the staff member's locale."""
    session_id = asked.target
    current = await ctx.sheets.agenda(session_id)  # refused (the right, the session): the glue
    default = current.budget.currency if current.budget is not None else "EUR"
    try:
        typed = read_money(text, locale(), CURRENCIES, default=default)
    except NumberError as error:
        problem = AnswerError(f"number_{error.code}", **error.details)
        await ctx.send(Screen("⚠️ " + refusal(problem)))
        await ask_budget(ctx, session_id)
        return
    draft = Draft(BUDGET, session_id, "budget", currency=typed.currency)
    await settle_amount(ctx, draft, typed.amount, typed.typed, _budget_read)  # one asked back


async def _budget_read(ctx: Context, draft: Draft) -> None:
    """The budget's amount is known (chosen, if it read two ways): stored, the summary shown."""
    if draft.amount is None or draft.currency is None:
        await ask_budget(ctx, draft.target)
        return
    await ctx.sheets.set_budget(draft.target, Budget(draft.amount, draft.currency))
    agenda = await ctx.sheets.agenda(draft.target)
    await ctx.send(Screen(agenda_summary(agenda), agenda_keyboard(agenda.session)))


async def _budget_again(ctx: Context, draft: Draft) -> None:
    await ask_budget(ctx, draft.target)


def steps() -> DraftSteps:
    """A budget is not a decision told to a city: no preview, only an ambiguous amount asked
    back."""
    return DraftSteps(_budget_read, _budget_read, _budget_again)


async def send_stats(ctx: Context) -> None:
    stats = await ctx.sheets.stats()  # staff only: the glue refuses anyone else
    if stats.empty:
        await ctx.send(Screen(_("No dossier has been submitted yet: nothing to chart.")))
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
    await ctx.bot.send_media_group(ctx.chat_id, media, message_thread_id=ctx.thread_id)
    grants = await ctx.projects.figures()
    if grants is not None and grants[0]:
        await ctx.send(Screen(grant_figures_text(*grants)))


def _staff(ctx: Context) -> None:
    """Staff only, before a button is answered (the use case checks again)."""
    if not ctx.may(Action.REVIEW_DOSSIERS):
        raise NotAllowed(Action.REVIEW_DOSSIERS)


def router() -> Router:
    r = Router(name="sheets")

    @r.message(Command("export"))
    async def export(message: Message, command: CommandObject, ctx: Context) -> None:
        """`/export [status] [country] [sector] [session date] [flagged] [all]`: the queue."""
        await export_queue(ctx, (command.args or "").split())

    @r.message(Command("agenda"))
    async def agenda(message: Message, command: CommandObject, ctx: Context) -> None:
        """`/agenda [2027-04-28]`: a Bureau session's agenda (the next one by default)."""
        await agenda_command(ctx, (command.args or "").split())

    @r.message(Command("stats"))
    async def stats(message: Message, ctx: Context) -> None:
        await send_stats(ctx)

    @r.callback_query(Sheet.filter(F.action == "city"))
    async def city_sheet(query: CallbackQuery, ctx: Context) -> None:
        """A city's own dossiers: the button names no city, so no other can be asked."""
        await query.answer()
        await export_city(ctx)

    @r.callback_query(Sheet.filter(F.action == "agenda"))
    async def agenda_sheet(query: CallbackQuery, callback_data: Sheet, ctx: Context) -> None:
        agenda = await ctx.sheets.agenda(callback_data.session)  # refused: the glue says why
        await query.answer()
        await send_agenda(ctx, agenda)

    @r.callback_query(Sheet.filter(F.action == "budget"))
    async def budget(query: CallbackQuery, callback_data: Sheet, ctx: Context) -> None:
        agenda = await ctx.sheets.agenda(callback_data.session)
        await query.answer()
        await _ask_budget(ctx, agenda)

    @r.callback_query(Sheet.filter(F.action == "queue"))
    async def queue_sheet(query: CallbackQuery, callback_data: Sheet, ctx: Context) -> None:
        """ "📊" under /queue: the same filter, every page."""
        _staff(ctx)
        await query.answer()
        await export_filtered(ctx, QueueFilter.unpack(callback_data.value))

    @r.callback_query(Sheet.filter())
    async def unknown(query: CallbackQuery, ctx: Context) -> None:
        """Any other action: an old or forged button."""
        _staff(ctx)
        raise Gone("button")

    return r
