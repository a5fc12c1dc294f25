"""Dossier commands and the record menu: open, sections, jump, review, submit, delete."""

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from aiogram import Router, html
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _

from bot.config import Settings
from bot.conversation import registration
from bot.conversation.documents import send_dossier_pdf
from bot.conversation.dossier_views import show_to_city, write
from bot.conversation.emergency_report import send_now, show_emergency_to_city
from bot.conversation.notes import Asked, NoteHandler, Purpose, ask_note
from bot.conversation.position import show_position
from bot.conversation.projects import submit_report
from bot.domain.all_forms import SENDABLE
from bot.domain.flow import MoveRefused, jump
from bot.domain.fund_form import FUND_FORM
from bot.domain.navigation import Cursor
from bot.domain.project import REPORT_FORMS
from bot.domain.records import PROFILE_RECORD, Record
from bot.domain.rules import FundingRules, first_missing
from bot.domain.workflow import Status, applicant_can_delete, moves
from bot.screens.base import Screen
from bot.screens.checklist import (
    change_request,
    record_title,
    review_screens,
    section_screen,
    sections_screen,
)
from bot.screens.financing import COFINANCING, gap_screen
from bot.screens.home import (
    not_deletable,
    profile_screen,
    submission_waits_text,
    submitted_meanwhile,
    submitted_screen,
)
from bot.screens.notices import city_update, statuses_screen
from bot.services.acting import Acting
from bot.services.documents import Documents
from bot.services.dossiers import AlreadySubmitted, Dossiers
from bot.services.emergencies import Emergencies
from bot.services.people import Profiles
from bot.services.records import Records
from bot.services.review import Review
from bot.telegram.callbacks import Menu, menu_data
from bot.telegram.inject import Inject
from bot.telegram.inputs import today
from bot.telegram.reply import Reply
from bot.telegram.states import Flow
from bot.telegram.topics import SecretariatTopics, topic_name
from bot.workers.scheduler import Scheduler

log = logging.getLogger(__name__)


@dataclass
class MenuAction:
    record: Record
    value: str


async def _go(
    a: MenuAction,
    cursor: Cursor,
    *,
    acting: Acting,
    reply: Reply,
    state: FSMContext,
    dossiers: Dossiers,
    rules: FundingRules,
) -> None:
    await state.set_state(Flow.dossier)
    await dossiers.move_to(a.record, cursor)
    await show_position(a.record, acting=acting, reply=reply, rules=rules)


async def _request(a: MenuAction, *, review: Review) -> str | None:
    """The Secretariat's request, shown above a dossier sent back until it is sent again."""
    if a.record.status != Status.CHANGES_REQUESTED:
        return None
    case = await review.case(a.record.id)
    asked = [h for h in case.history if h.target == Status.CHANGES_REQUESTED] if case else []
    if not asked or not asked[-1].note:
        return None
    return change_request(asked[-1].note, asked[-1].at.date())


async def _overview(
    a: MenuAction,
    *,
    acting: Acting,
    reply: Reply,
    dossiers: Dossiers,
    review: Review,
    emergencies: Emergencies,
    rules: FundingRules,
) -> None:
    if not a.record.editable:  # submitted: its status, history and messages too
        if await show_emergency_to_city(a.record, reply=reply, emergencies=emergencies):
            return
        case = await review.case(a.record.id)
        if case is not None:
            await show_to_city(case, acting=acting, reply=reply, rules=rules)
            return
    await dossiers.load_files(a.record)
    await reply.send(*above(await _request(a, review=review), review_screens(a.record, rules)))


def above(prefix: str | None, screens: list[Screen]) -> list[Screen]:
    if prefix:
        screens[0] = Screen(prefix + "\n\n" + screens[0].text, screens[0].markup)
    return screens


def _confirm(record_id: int, yes: str, yes_action: str, no: str) -> InlineKeyboardMarkup:
    def button(text: str, action: str) -> list[InlineKeyboardButton]:
        return [InlineKeyboardButton(text=text, callback_data=menu_data(record_id, action))]

    return InlineKeyboardMarkup(inline_keyboard=[button(yes, yes_action), button(no, "resume")])


async def _resume(
    a: MenuAction,
    *,
    acting: Acting,
    reply: Reply,
    state: FSMContext,
    dossiers: Dossiers,
    review: Review,
    emergencies: Emergencies,
    rules: FundingRules,
) -> None:
    if not a.record.editable:
        await _overview(
            a,
            acting=acting,
            reply=reply,
            dossiers=dossiers,
            review=review,
            emergencies=emergencies,
            rules=rules,
        )
        return
    await state.set_state(Flow.dossier)
    await dossiers.activate(a.record)
    if a.record.shows_files():
        await dossiers.load_files(a.record)
    await show_position(
        a.record, await _request(a, review=review), acting=acting, reply=reply, rules=rules
    )


async def _sections(
    a: MenuAction, *, reply: Reply, dossiers: Dossiers, review: Review, rules: FundingRules
) -> None:
    await dossiers.load_files(a.record)
    screen = sections_screen(a.record, a.record.checks(rules))
    await reply.send(*above(await _request(a, review=review), [screen]))


async def _edit(
    a: MenuAction,
    *,
    reply: Reply,
    state: FSMContext,
    dossiers: Dossiers,
    review: Review,
    rules: FundingRules,
) -> None:
    """“✏️ Open and edit” (a change request's notice): the request above the dossier's sections,
    the dossier made the one typed answers go to."""
    await state.set_state(Flow.dossier)
    await dossiers.activate(a.record)
    await _sections(a, reply=reply, dossiers=dossiers, review=review, rules=rules)


async def _section(
    a: MenuAction, *, reply: Reply, dossiers: Dossiers, review: Review, rules: FundingRules
) -> None:
    if not a.value.isdigit() or int(a.value) >= len(a.record.form.sections):
        await _sections(a, reply=reply, dossiers=dossiers, review=review, rules=rules)
        return
    await dossiers.load_files(a.record)
    index = int(a.value)
    check = a.record.checks(rules)[index]
    await reply.send(section_screen(a.record, index, check))


async def _jump(
    a: MenuAction,
    *,
    acting: Acting,
    reply: Reply,
    state: FSMContext,
    dossiers: Dossiers,
    review: Review,
    rules: FundingRules,
) -> None:
    try:
        cursor = jump(a.record.form, a.value, a.record.answers)
    except MoveRefused:
        await _sections(a, reply=reply, dossiers=dossiers, review=review, rules=rules)
        return
    await _go(a, cursor, acting=acting, reply=reply, state=state, dossiers=dossiers, rules=rules)


async def _fix(
    a: MenuAction,
    *,
    acting: Acting,
    reply: Reply,
    state: FSMContext,
    dossiers: Dossiers,
    review: Review,
    emergencies: Emergencies,
    rules: FundingRules,
) -> None:
    """“▶ Fix what is missing”: the first missing answer; when only the financing plan fails,
    the picture with a button to each answer that can fix it (not one question again and
    again: lowering the Fund's amount is fixed by the city, a partner or the budget)."""
    await dossiers.load_files(a.record)
    checks = a.record.checks(rules)
    target = first_missing(a.record.form, checks)
    if target is None:
        await _overview(
            a,
            acting=acting,
            reply=reply,
            dossiers=dossiers,
            review=review,
            emergencies=emergencies,
            rules=rules,
        )
        return
    missing = any(c.missing for c in checks)
    first = next((p for c in checks for p in c.problems), None)
    if a.record.form.key == FUND_FORM.key and not missing and first and first.code in COFINANCING:
        await reply.send(gap_screen(a.record.id, a.record.answers, rules))
        return
    await _go(
        a,
        jump(a.record.form, target, a.record.answers),
        acting=acting,
        reply=reply,
        state=state,
        dossiers=dossiers,
        rules=rules,
    )


async def _ask_submit(a: MenuAction, *, reply: Reply, dossiers: Dossiers) -> None:
    if await dossiers.waits_for_verification():
        await reply.send(Screen(submission_waits_text()))
        return
    title = html.quote(record_title(a.record))
    text = _(
        "Submit “{title}” to the Permanent Secretariat? After this it can no longer be changed "
        "here."
    ).format(title=title)
    markup = _confirm(a.record.id, _("📤 Yes, submit"), "submit_ok", _("✖ Not now"))
    await reply.send(Screen(text, markup))


async def _submit(
    a: MenuAction,
    *,
    acting: Acting,
    reply: Reply,
    state: FSMContext,
    dossiers: Dossiers,
    review: Review,
    emergencies: Emergencies,
    settings: Settings,
    rules: FundingRules,
    topics: SecretariatTopics | None,
) -> None:
    """ "📤 Yes, submit": into the Secretariat's queue (bot/services/dossiers.py `submit`)."""
    if await dossiers.waits_for_verification():  # its draft is kept; said politely
        await reply.send(Screen(submission_waits_text()))
        return
    await dossiers.load_files(a.record)
    day = today()
    planned = tuple(await review.sessions(day)) or settings.sessions(day)
    topic_id = None
    try:
        topic_id = await _open_topic(
            a.record, reply=reply, dossiers=dossiers, rules=rules, topics=topics
        )
        result = await dossiers.submit(a.record, rules, planned, day, topic_id)
    except AlreadySubmitted as other:
        # Another official of the city pressed "Submit" at the same moment: theirs goes on,
        # with the one reference; this press changed nothing (its topic, if any, goes too).
        if topic_id is not None and topics is not None:
            await topics.delete(reply.bot, topic_id)
        await state.clear()
        await reply.send(submitted_meanwhile(other.reference, other.status))
        return
    if result is None:  # no longer complete, or no longer a draft: as it stands now
        await _overview(
            a,
            acting=acting,
            reply=reply,
            dossiers=dossiers,
            review=review,
            emergencies=emergencies,
            rules=rules,
        )
        return
    await state.clear()
    await reply.send(submitted_screen(result.reference, result.session))


async def _open_topic(
    record: Record,
    *,
    reply: Reply,
    dossiers: Dossiers,
    rules: FundingRules,
    topics: SecretariatTopics | None,
) -> int | None:
    """On a first submission to a forum chat: the dossier's own topic, created before the
    submission's transaction (no write lock held over the request); None means the main chat."""
    if topics is None or not await topics.is_forum(reply.bot):
        return None
    reference = await dossiers.reference_for_topic(record, rules, today())
    if reference is None:
        return None
    return await topics.create(reply.bot, topic_name(reference, record.read().city))


async def _not_deletable(a: MenuAction, *, acting: Acting, reply: Reply, records: Records) -> None:
    """Delete pressed on a dossier that is not (or no longer) a draft: said, never silent."""
    record = await records.record(a.record.id, files=False)
    if record is None:  # deleted a moment ago by another official
        await reply.send(Screen(_("This dossier is not available to you.")))
        return
    withdraw = any(t.key == "withdraw" for t in moves(record.status, acting.role, True))
    await reply.send(not_deletable(record, withdraw))


async def _ask_delete(a: MenuAction, *, acting: Acting, reply: Reply, records: Records) -> None:
    if not applicant_can_delete(a.record.status):
        await _not_deletable(a, acting=acting, reply=reply, records=records)
        return
    title = html.quote(record_title(a.record))
    text = _("Delete the draft “{title}” and its files? This cannot be undone.").format(title=title)
    markup = _confirm(a.record.id, _("🗑 Yes, delete it"), "delete_ok", _("✖ No, keep it"))
    await reply.send(Screen(text, markup))


async def _delete(
    a: MenuAction,
    *,
    acting: Acting,
    reply: Reply,
    state: FSMContext,
    records: Records,
    dossiers: Dossiers,
    profiles: Profiles,
    rules: FundingRules,
) -> None:
    await state.clear()
    if not await dossiers.delete(a.record):
        await _not_deletable(a, acting=acting, reply=reply, records=records)
        return
    await reply.send(Screen(_("The draft has been deleted.")))
    await registration.list_dossiers(
        acting=acting, reply=reply, state=state, dossiers=dossiers, profiles=profiles, rules=rules
    )


async def _write(a: MenuAction, *, reply: Reply, state: FSMContext) -> None:
    prompt = _("Your message to the Permanent Secretariat about {reference}?").format(
        reference=a.record.reference or record_title(a.record)
    )
    await ask_note(Purpose.WRITE_STAFF, a.record.id, prompt, reply=reply, state=state)


async def _tell(a: MenuAction, *, reply: Reply, state: FSMContext, review: Review) -> None:
    """The message typed outside any question (kept by the fallback), sent about this dossier;
    asked for again when it is no longer kept."""
    said = (await state.get_data()).get("said")
    if not said or await state.get_state() is not None:
        await _write(a, reply=reply, state=state)
        return
    case = await review.visible(a.record.id)
    await state.set_data({})
    await write(case, said, reply=reply, review=review)


async def _ask_withdraw(a: MenuAction, *, reply: Reply) -> None:
    title = html.quote(record_title(a.record))
    text = _("Withdraw “{title}”? The Secretariat will stop its review; this cannot be undone.")
    markup = _confirm(a.record.id, _("↩ Yes, withdraw it"), "withdraw_ok", _("✖ No, keep it"))
    await reply.send(Screen(text.format(title=title), markup))


async def _withdraw(
    a: MenuAction,
    *,
    acting: Acting,
    reply: Reply,
    dossiers: Dossiers,
    review: Review,
    emergencies: Emergencies,
    rules: FundingRules,
) -> None:
    case = await review.case(a.record.id)
    if case is None:
        await _overview(
            a,
            acting=acting,
            reply=reply,
            dossiers=dossiers,
            review=review,
            emergencies=emergencies,
            rules=rules,
        )
        return
    updated = await review.move(case, "withdraw")
    await reply.send(Screen(city_update(updated)))


def notes() -> dict[Purpose, NoteHandler]:
    return {Purpose.WRITE_STAFF: _write_staff}


async def _write_staff(asked: Asked, text: str, *, reply: Reply, review: Review) -> None:
    """A city official's message to the Secretariat about one of the city's dossiers."""
    await write(await review.visible(asked.target), text, reply=reply, review=review)


async def _profile(a: MenuAction, *, acting: Acting, reply: Reply, state: FSMContext) -> None:
    """The profile as it stands (an answer being changed is left)."""
    if await state.get_state() == Flow.registering.state:
        await state.clear()
    await reply.send(profile_screen(acting.person))


async def _profile_jump(
    a: MenuAction,
    *,
    acting: Acting,
    reply: Reply,
    state: FSMContext,
    profiles: Profiles,
    rules: FundingRules,
) -> None:
    """One profile answer to change, then back to the profile."""
    try:
        cursor = jump(a.record.form, a.value, a.record.answers)
    except MoveRefused:
        await _profile(a, acting=acting, reply=reply, state=state)
        return
    await state.set_state(Flow.registering)
    await state.set_data({})  # no `then`: the profile is shown again after this answer
    await profiles.move_to(a.record, cursor)
    await show_position(a.record, acting=acting, reply=reply, rules=rules)


async def _pdf(a: MenuAction, *, reply: Reply, documents: Documents) -> None:
    await send_dossier_pdf(a.record.id, reply=reply, documents=documents)


async def _send_emergency(
    a: MenuAction,
    *,
    acting: Acting,
    reply: Reply,
    state: FSMContext,
    dossiers: Dossiers,
    emergencies: Emergencies,
    rules: FundingRules,
    scheduler: Scheduler,
) -> None:
    await send_now(
        a.record,
        acting=acting,
        reply=reply,
        state=state,
        dossiers=dossiers,
        emergencies=emergencies,
        rules=rules,
        scheduler=scheduler,
    )


ACTIONS: dict[str, Callable[..., Awaitable[None]]] = {  # called through `inject`
    "open": _resume,
    "resume": _resume,
    "edit": _edit,
    "review": _overview,
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
# The profile's screen has two buttons of its own; any other shows it again.
PROFILE_ACTIONS: dict[str, Callable[..., Awaitable[None]]] = {
    "review": _profile,
    "jump": _profile_jump,
}
SENDS = frozenset({"submit", "submit_ok", "em_send"})


def router() -> Router:
    r = Router(name="dossier")

    @r.message(Command("new"))
    async def new(message: Message, *, inject: Inject) -> None:
        """Open a new dossier (registering first if needed)."""
        await inject(registration.new_dossier)

    @r.message(Command("dossiers"))
    async def dossiers(message: Message, *, inject: Inject) -> None:
        """List the city's dossiers, to continue a draft or view a submitted one."""
        await inject(registration.list_dossiers)

    @r.message(Command("status"))
    async def status(message: Message, *, acting: Acting, reply: Reply, dossiers: Dossiers) -> None:
        """Show each of the city's dossiers with its status."""
        if acting.person.city_id is None:
            await reply.send(Screen(_("Register first with /start.")))
            return
        if await registration.refused_here(acting=acting, reply=reply):
            return
        records = await dossiers.city_records()
        await reply.send(statuses_screen(records, registration.own_only(acting=acting)))

    @r.callback_query(Menu.filter())
    async def menu(
        query: CallbackQuery,
        callback_data: Menu,
        *,
        inject: Inject,
        records: Records,
    ) -> None:
        """A record-level button: checked against owner and status before anything happens."""
        record = await records.record(callback_data.record, files=False)
        if record is None:
            await query.answer(_("This dossier is not available to you."), show_alert=True)
            await inject(registration.list_dossiers)
            return
        if record.id == PROFILE_RECORD:
            await query.answer()
            chosen = PROFILE_ACTIONS.get(callback_data.action, _profile)
            await inject(chosen, MenuAction(record, callback_data.value))
            return
        if callback_data.action not in ACTIONS:  # forged, or of an older version
            await query.answer(_("This button is no longer valid."), show_alert=True)
            await inject(ACTIONS["resume"], MenuAction(record, ""))
            return
        action = callback_data.action
        if (record.form.key in SENDABLE) != (action == "em_send") and action in SENDS:
            action = "review"  # the Fund's submit is not an emergency's, nor the other way round
        if not record.editable and action not in READ_ONLY_ACTIONS:
            await query.answer(_("This dossier has been submitted: it is read-only."), True)
            action = "review"
        else:
            await query.answer()
        if record.form.key in REPORT_FORMS and action == "submit_ok":
            await inject(submit_report, record)  # a report (project, aid), not the Fund's
            return
        await inject(ACTIONS[action], MenuAction(record, callback_data.value))

    return r
