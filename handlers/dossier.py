"""Dossier commands and the record menu: open, sections, jump, review, submit, delete."""

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from aiogram import Router, html
from aiogram.filters import Command
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _

from bot.domain.all_forms import SENDABLE
from bot.domain.dates import format_long
from bot.domain.flow import MoveRefused, jump
from bot.domain.fund_form import FUND_FORM
from bot.domain.navigation import Cursor
from bot.domain.project import REPORT_FORMS
from bot.domain.records import Record
from bot.domain.rules import first_missing
from bot.domain.workflow import Status, applicant_can_delete, moves
from bot.screens.base import Screen
from bot.screens.checklist import (
    change_request,
    record_title,
    review_screens,
    section_screen,
    sections_screen,
)
from bot.screens.common import locale
from bot.screens.financing import COFINANCING, gap_screen
from bot.screens.home import (
    no_longer_possible,
    not_deletable,
    profile_screen,
    status_label,
    submission_waits_text,
)
from bot.screens.notices import city_update, statuses_screen
from bot.services.dossiers import AlreadySubmitted
from bot.telegram.callbacks import Menu, menu_data
from bot.telegram.context import Context
from bot.telegram.states import Flow
from bot.telegram.topics import topic_name
from handlers import actions, emergency, projects
from handlers.documents import send_dossier_pdf
from handlers.inputs import today
from handlers.notes import Asked, NoteHandler, Purpose, ask_note
from handlers.replies import show_position
from handlers.review import move, show_to_city, write

log = logging.getLogger(__name__)


@dataclass
class MenuAction:
    ctx: Context
    record: Record
    value: str

    async def go(self, cursor: Cursor) -> None:
        if self.record.is_profile:
            await self.ctx.fsm.set_state(Flow.registering)
            await self.ctx.fsm.set_data({})  # one answer to change, then back to the profile
        else:
            await self.ctx.fsm.set_state(Flow.dossier)
        if self.record.is_profile:
            self.ctx.profiles.move_to(self.record, cursor)
        else:
            await self.ctx.dossiers.move_to(self.record, cursor)
        await show_position(self.ctx, self.record)

    async def request(self) -> str | None:
        """The Secretariat's request, shown above a dossier sent back until it is sent again."""
        if self.record.status != Status.CHANGES_REQUESTED:
            return None
        case = await self.ctx.review.case(self.record.id)
        asked = [h for h in case.history if h.target == Status.CHANGES_REQUESTED] if case else []
        if not asked or not asked[-1].note:
            return None
        return change_request(asked[-1].note, asked[-1].at.date())

    async def review(self) -> None:
        if self.record.is_profile:
            await self.ctx.send(profile_screen(self.ctx.person))
            return
        if not self.record.editable:  # submitted: its status, history and messages too
            if await emergency.show_to_city(self.ctx, self.record):
                return
            case = await self.ctx.review.case(self.record.id)
            if case is not None:
                await show_to_city(self.ctx, case)
                return
        await self.ctx.dossiers.load_files(self.record)
        await self.ctx.send(
            *above(await self.request(), review_screens(self.record, self.ctx.rules))
        )


def above(prefix: str | None, screens: list[Screen]) -> list[Screen]:
    if prefix:
        screens[0] = Screen(prefix + "\n\n" + screens[0].text, screens[0].markup)
    return screens


def _confirm(record_id: int, yes: str, yes_action: str, no: str) -> InlineKeyboardMarkup:
    def button(text: str, action: str) -> list[InlineKeyboardButton]:
        return [InlineKeyboardButton(text=text, callback_data=menu_data(record_id, action))]

    return InlineKeyboardMarkup(inline_keyboard=[button(yes, yes_action), button(no, "resume")])


async def _resume(a: MenuAction) -> None:
    if not a.record.editable:
        await a.review()
        return
    await a.ctx.fsm.set_state(Flow.dossier)
    await a.ctx.dossiers.activate(a.record)
    if a.record.shows_files():
        await a.ctx.dossiers.load_files(a.record)
    await show_position(a.ctx, a.record, await a.request())


async def _sections(a: MenuAction) -> None:
    await a.ctx.dossiers.load_files(a.record)
    screen = sections_screen(a.record, a.record.checks(a.ctx.rules))
    await a.ctx.send(*above(await a.request(), [screen]))


async def _edit(a: MenuAction) -> None:
    """“✏️ Open and edit” (a change request's notice): the request above the dossier's sections,
    the dossier made the one typed answers go to."""
    await a.ctx.fsm.set_state(Flow.dossier)
    await a.ctx.dossiers.activate(a.record)
    await _sections(a)


async def _section(a: MenuAction) -> None:
    if not a.value.isdigit() or int(a.value) >= len(a.record.form.sections):
        await _sections(a)
        return
    await a.ctx.dossiers.load_files(a.record)
    index = int(a.value)
    check = a.record.checks(a.ctx.rules)[index]
    await a.ctx.send(section_screen(a.record, index, check))


async def _jump(a: MenuAction) -> None:
    try:
        cursor = jump(a.record.form, a.value, a.record.answers)
    except MoveRefused:
        await (a.review() if a.record.is_profile else _sections(a))
        return
    await a.go(cursor)


async def _fix(a: MenuAction) -> None:
    """“▶ Fix what is missing”: the first missing answer; when only the financing plan fails,
    the picture with a button to each answer that can fix it (not one question again and
    again: lowering the Fund's amount is fixed by the city, a partner or the budget)."""
    await a.ctx.dossiers.load_files(a.record)
    checks = a.record.checks(a.ctx.rules)
    target = first_missing(a.record.form, checks)
    if target is None:
        await a.review()
        return
    missing = any(c.missing for c in checks)
    first = next((p for c in checks for p in c.problems), None)
    if a.record.form.key == FUND_FORM.key and not missing and first and first.code in COFINANCING:
        await a.ctx.send(gap_screen(a.record.id, a.record.answers, a.ctx.rules))
        return
    await a.go(jump(a.record.form, target, a.record.answers))


async def _ask_submit(a: MenuAction) -> None:
    if await a.ctx.dossiers.waits_for_verification():
        await a.ctx.send(Screen(submission_waits_text()))
        return
    title = html.quote(record_title(a.record))
    text = _(
        "Submit “{title}” to the Permanent Secretariat? After this it can no longer be changed "
        "here."
    ).format(title=title)
    markup = _confirm(a.record.id, _("📤 Yes, submit"), "submit_ok", _("✖ Not now"))
    await a.ctx.send(Screen(text, markup))


async def _submit(a: MenuAction) -> None:
    ctx = a.ctx
    settings = ctx.settings

    if await ctx.dossiers.waits_for_verification():  # its draft is kept; said politely
        await ctx.send(Screen(submission_waits_text()))
        return
    await ctx.dossiers.load_files(a.record)
    day = today()
    planned = tuple(await ctx.review.sessions(day)) or settings.sessions(day)
    topic_id = None
    try:
        topic_id = await _open_topic(ctx, a.record)
        result = await ctx.dossiers.submit(a.record, ctx.rules, planned, day, topic_id)
    except AlreadySubmitted as other:
        # Another official of the city pressed "Submit" at the same moment: theirs goes on,
        # with the one reference; this press changed nothing (its topic, if any, goes too).
        if topic_id is not None and ctx.topics is not None:
            await ctx.topics.delete(ctx.bot, topic_id)
        await ctx.fsm.clear()
        if other.status in (Status.DRAFT, Status.SUBMITTED, Status.IN_REVIEW):
            text = _("📤 This dossier has just been submitted. Its reference is {reference}.")
            await ctx.send(Screen(text.format(reference=html.quote(other.reference))))
        elif other.status not in {s.value for s in Status}:  # the draft was deleted meanwhile
            await ctx.send(Screen(_("This dossier is not available to you.")))
        else:  # withdrawn meanwhile, say
            label = status_label(other.status)
            await ctx.send(Screen(no_longer_possible(other.reference, label)))
        return
    if result is None:
        await a.review()
        return
    await ctx.fsm.clear()
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
    await ctx.send(Screen("\n\n".join(lines)))


async def _open_topic(ctx: Context, record: Record) -> int | None:
    """On a first submission to a forum chat: the dossier's own topic, created before the
    submission's transaction (no write lock held over the request); None means the main chat."""
    topics = ctx.topics
    if topics is None or not await topics.is_forum(ctx.bot):
        return None
    reference = await ctx.dossiers.reference_for_topic(record, ctx.rules, today())
    if reference is None:
        return None
    return await topics.create(ctx.bot, topic_name(reference, record.read().city))


async def _not_deletable(a: MenuAction) -> None:
    """Delete pressed on a dossier that is not (or no longer) a draft: said, never silent."""
    record = await a.ctx.record(a.record.id, files=False)
    if record is None:  # deleted a moment ago by another official
        await a.ctx.send(Screen(_("This dossier is not available to you.")))
        return
    withdraw = any(t.key == "withdraw" for t in moves(record.status, a.ctx.role, True))
    await a.ctx.send(not_deletable(record, withdraw))


async def _ask_delete(a: MenuAction) -> None:
    if not applicant_can_delete(a.record.status):
        await _not_deletable(a)
        return
    title = html.quote(record_title(a.record))
    text = _("Delete the draft “{title}” and its files? This cannot be undone.").format(title=title)
    markup = _confirm(a.record.id, _("🗑 Yes, delete it"), "delete_ok", _("✖ No, keep it"))
    await a.ctx.send(Screen(text, markup))


async def _delete(a: MenuAction) -> None:
    await a.ctx.fsm.clear()
    if not await a.ctx.dossiers.delete(a.record):
        await _not_deletable(a)
        return
    await a.ctx.send(Screen(_("The draft has been deleted.")))
    await actions.list_dossiers(a.ctx)


async def _write(a: MenuAction) -> None:
    prompt = _("Your message to the Permanent Secretariat about {reference}?").format(
        reference=a.record.reference or record_title(a.record)
    )
    await ask_note(a.ctx, Purpose.WRITE_STAFF, a.record.id, prompt)


async def _tell(a: MenuAction) -> None:
    """The message typed outside any question (kept by the fallback), sent about this dossier;
    asked for again when it is no longer kept."""
    said = (await a.ctx.fsm.get_data()).get("said")
    if not said or await a.ctx.fsm.get_state() is not None:
        await _write(a)
        return
    case = await a.ctx.review.case(a.record.id)
    if case is None:
        await a.ctx.send(Screen(_("This dossier is not available to you.")))
        return
    await a.ctx.fsm.set_data({})
    await write(a.ctx, case, said)


async def _ask_withdraw(a: MenuAction) -> None:
    title = html.quote(record_title(a.record))
    text = _("Withdraw “{title}”? The Secretariat will stop its review; this cannot be undone.")
    markup = _confirm(a.record.id, _("↩ Yes, withdraw it"), "withdraw_ok", _("✖ No, keep it"))
    await a.ctx.send(Screen(text.format(title=title), markup))


async def _withdraw(a: MenuAction) -> None:
    case = await a.ctx.review.case(a.record.id)
    if case is None:
        await a.review()
        return
    updated = await move(a.ctx, case, "withdraw")
    await a.ctx.send(Screen(city_update(updated)))


def notes() -> dict[Purpose, NoteHandler]:
    return {Purpose.WRITE_STAFF: _write_staff}


async def _write_staff(ctx: Context, asked: Asked, text: str) -> None:
    """A city official's message to the Secretariat about one of the city's dossiers."""
    case = await ctx.review.case(asked.target)
    if case is None:
        await ctx.send(Screen(_("This dossier is not available to you.")))
        return
    await write(ctx, case, text)


async def _review(a: MenuAction) -> None:
    if a.record.is_profile and await a.ctx.fsm.get_state() == Flow.registering.state:
        await a.ctx.fsm.clear()
    await a.review()


async def _pdf(a: MenuAction) -> None:
    await send_dossier_pdf(a.ctx, a.record.id)


async def _send_emergency(a: MenuAction) -> None:
    await emergency.send_now(a.ctx, a.record)


ACTIONS: dict[str, Callable[[MenuAction], Awaitable[None]]] = {
    "open": _resume,
    "resume": _resume,
    "edit": _edit,
    "review": _review,
    "sections": _sections,
    "section": _section,
    "jump": _jump,
    "fix": _fix,
    "submit": _ask_submit,
    "submit_ok": _submit,
    "delete": _ask_delete,
    "delete_ok": _delete,
    "write": _write,
    "tell": _tell,
    "withdraw": _ask_withdraw,
    "withdraw_ok": _withdraw,
    "em_send": _send_emergency,
    "pdf": _pdf,
}
# What may be done to a submitted dossier (the moves are checked again by the workflow's table).
READ_ONLY_ACTIONS = frozenset({"open", "review", "write", "tell", "withdraw", "withdraw_ok", "pdf"})
PROFILE_ACTIONS = frozenset({"review", "jump"})
SENDS = frozenset({"submit", "submit_ok", "em_send"})


def router() -> Router:
    r = Router(name="dossier")

    @r.message(Command("new"))
    async def new(message: Message, ctx: Context) -> None:
        """Open a new dossier (registering first if needed)."""
        await actions.new_dossier(ctx)

    @r.message(Command("dossiers"))
    async def dossiers(message: Message, ctx: Context) -> None:
        """List the city's dossiers, to continue a draft or view a submitted one."""
        await actions.list_dossiers(ctx)

    @r.message(Command("status"))
    async def status(message: Message, ctx: Context) -> None:
        """Show each of the city's dossiers with its status."""
        if ctx.person.city_id is None:
            await ctx.send(Screen(_("Register first with /start.")))
            return
        if await actions.refused_here(ctx):
            return
        records = await ctx.dossiers.city_records()
        await ctx.send(statuses_screen(records, actions.own_only(ctx)))

    @r.callback_query(Menu.filter())
    async def menu(query: CallbackQuery, callback_data: Menu, ctx: Context) -> None:
        """A record-level button: checked against owner and status before anything happens."""
        record = await ctx.record(callback_data.record, files=False)
        if record is None:
            await query.answer(_("This dossier is not available to you."), show_alert=True)
            await actions.list_dossiers(ctx)
            return
        if callback_data.action not in ACTIONS:  # forged, or of an older version
            await query.answer(_("This button is no longer valid."), show_alert=True)
            await ACTIONS["resume"](MenuAction(ctx, record, ""))
            return
        action = callback_data.action
        if (record.form.key in SENDABLE) != (action == "em_send") and action in SENDS:
            action = "review"  # the Fund's submit is not an emergency's, nor the other way round
        if record.is_profile and action not in PROFILE_ACTIONS:
            action = "review"
        if not record.editable and action not in READ_ONLY_ACTIONS:
            await query.answer(_("This dossier has been submitted: it is read-only."), True)
            action = "review"
        else:
            await query.answer()
        if record.form.key in REPORT_FORMS and action == "submit_ok":
            await projects.submit_report(ctx, record)  # a report (project, aid), not the Fund's
            return
        await ACTIONS[action](MenuAction(ctx, record, callback_data.value))

    return r
